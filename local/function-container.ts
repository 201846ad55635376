/**
 * Runs a built bundle the way Lambda does: in its own process (so a new
 * container is a cold start), with a deadline after which the container is
 * killed, and with its log lines captured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const containerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'container.mjs');

export interface InvokeOutcome {
  /** What the handler returned, or Lambda's error object when it threw or timed out. */
  payload: unknown;
  functionError?: 'Unhandled';
  durationMs: number;
}

export interface ContainerOptions {
  bundle: string;
  functionName: string;
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** Print the container's log lines to this process's stderr as they come. */
  echoLogs?: boolean;
}

type Pending = { resolve: (outcome: InvokeOutcome) => void; started: number; timer: NodeJS.Timeout };

export class FunctionContainer {
  private readonly pending = new Map<string, Pending>();
  /** Every line the function wrote to stdout or stderr. */
  readonly logs: string[] = [];
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: ContainerOptions,
  ) {}

  static async start(options: ContainerOptions): Promise<FunctionContainer> {
    const child = fork(containerScript, [], {
      env: {
        PATH: process.env.PATH,
        AWS_LAMBDA_FUNCTION_NAME: options.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        NODE_OPTIONS: '--enable-source-maps',
        ...options.env,
        FRIENDSHIP_BUNDLE: options.bundle,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Plain node, as in Lambda: not the parent's tsx loader or Jest's flags.
      execArgv: [],
    });
    const container = new FunctionContainer(child, options);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          container.logs.push(line);
          if (options.echoLogs) process.stderr.write(`[${options.functionName}] ${line}\n`);
        }
      });
    }
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`${options.functionName} exited during init (code ${code})`)));
    });
    child.on('message', (message: { id: string; result?: unknown; error?: unknown }) => container.settle(message));
    child.on('exit', () => {
      container.exited = true;
      for (const [id] of container.pending) container.settle({ id, error: { errorType: 'Runtime.ExitError', errorMessage: 'the container exited' } });
    });
    return container;
  }

  get alive(): boolean {
    return !this.exited;
  }

  invoke(event: unknown, requestId: string = randomUUID()): Promise<InvokeOutcome> {
    if (this.exited) return Promise.reject(new Error('container has exited'));
    const id = randomUUID();
    const started = Date.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // As in Lambda: a function still running at its timeout is stopped, and the container with it.
        this.settle({ id, error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${this.options.timeoutMs} ms` } });
        this.child.kill('SIGKILL');
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve, started, timer });
      this.child.send({ id, event, deadline: started + this.options.timeoutMs, requestId });
    });
  }

  private settle(message: { id: string; result?: unknown; error?: unknown }): void {
    const entry = this.pending.get(message.id);
    if (!entry) return;
    this.pending.delete(message.id);
    clearTimeout(entry.timer);
    const durationMs = Date.now() - entry.started;
    entry.resolve(
      message.error !== undefined
        ? { payload: message.error, functionError: 'Unhandled', durationMs }
        : { payload: message.result, durationMs },
    );
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
