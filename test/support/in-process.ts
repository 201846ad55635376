/**
 * The handlers in this process, on a runtime of the test's own: the real upstream
 * client over loopback to the emulator, and the key from memory. The same code as
 * the bundles, without building or spawning anything.
 */
import { readConfig } from '../../functions/core/config.js';
import type { OperationHandler } from '../../functions/core/operation.js';
import { createRuntime } from '../../functions/core/runtime.js';
import { operationNames, type OperationName } from '../../functions/operations.js';
import { API_KEY, PROJECT_ID, functionEnv, httpEvent, startUpstreams, type HttpAnswer, type Upstreams } from './fixtures.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface InProcess {
  upstreams: Upstreams;
  /** An API Gateway event for the operation, answered by its handler. */
  call(name: OperationName, options: Parameters<typeof httpEvent>[1], env?: Record<string, string>): Promise<Answer>;
  /** A direct invocation's payload, answered by its handler. */
  invoke(name: OperationName, payload: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const handlerOf = async (name: OperationName) => ((await import(`../../functions/${name}.js`)) as { handler: OperationHandler }).handler;

export async function startInProcess(): Promise<InProcess> {
  const upstreams = await startUpstreams();
  const key = JSON.stringify({ apiKey: API_KEY, projectId: PROJECT_ID });
  const runtimeFor = (env: Record<string, string> = {}) => createRuntime(readConfig(functionEnv(upstreams, env)), async () => key);
  const runtime = runtimeFor();
  // One at a time: Jest's ESM loader fails imports that share a module while another is still linking.
  const handlers = new Map<OperationName, OperationHandler>();
  for (const name of operationNames) handlers.set(name, await handlerOf(name));
  const handler = (name: OperationName, env?: Record<string, string>) => {
    const chosen = env ? runtimeFor(env) : runtime;
    return handlers.get(name)!.using({ runtime: () => chosen });
  };
  return {
    upstreams,
    call: async (name, options, env) => {
      const answer = (await handler(name, env)(httpEvent(name, options))) as HttpAnswer;
      return { status: answer.statusCode, headers: answer.headers, body: JSON.parse(answer.body) as Record<string, unknown> };
    },
    invoke: (name, payload) => handler(name)(payload, { awsRequestId: 'direct-1' }),
    stop: () => upstreams.stop(),
  };
}
