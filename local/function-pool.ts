/** One warm container per function, replaced when it dies (a timeout kills it, as in Lambda). */
import { FunctionContainer } from './function-container.js';
import { bundleFile } from '../lib/bundling.js';

export class FunctionPool {
  private readonly containers = new Map<string, Promise<FunctionContainer>>();

  constructor(
    private readonly env: Record<string, string>,
    private readonly options: { timeoutMs: (name: string) => number; echoLogs: boolean },
  ) {}

  async get(name: string): Promise<FunctionContainer> {
    const existing = this.containers.get(name);
    if (existing) {
      const container = await existing;
      if (container.alive) return container;
    }
    const starting = FunctionContainer.start({
      bundle: bundleFile(name),
      functionName: name,
      env: this.env,
      timeoutMs: this.options.timeoutMs(name),
      echoLogs: this.options.echoLogs,
    });
    this.containers.set(name, starting);
    starting.catch(() => this.containers.delete(name));
    return starting;
  }

  async stop(): Promise<void> {
    const all = [...this.containers.values()];
    this.containers.clear();
    await Promise.all(all.map(async (starting) => (await starting.catch(() => undefined))?.stop()));
  }
}
