/**
 * The handlers in this process, on a runtime of the test's own: the real upstream
 * client over loopback to the emulator, and the key from memory. The same code as
 * the bundles, without building or spawning anything. With `guard`, the player
 * guard is on, against a real DynamoDB-compatible server on loopback (dynalite),
 * through the real @aws-sdk/client-dynamodb client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functionEnvironment, readConfig } from '../../functions/core/config.js';
import { GuardStore } from '../../functions/core/guard-store.js';
import type { OperationHandler } from '../../functions/core/operation.js';
import { createRuntime } from '../../functions/core/runtime.js';
import { operationNames, type OperationName } from '../../functions/operations.js';
import { GuardStoreServer } from '../../local/guard-store-server.js';
import { API_KEY, PROJECT_ID, functionEnv, httpEvent, startUpstreams, type HttpAnswer, type Upstreams } from './fixtures.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface InProcess {
  upstreams: Upstreams;
  /** The guard's store server, with `guard: true`. */
  guardStore: GuardStoreServer | undefined;
  /** An API Gateway event for the operation, answered by its handler. */
  call(name: OperationName, options: Parameters<typeof httpEvent>[1], env?: Record<string, string>, context?: { getRemainingTimeInMillis(): number }): Promise<Answer>;
  /** A direct invocation's payload, answered by its handler. */
  invoke(name: OperationName, payload: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const handlerOf = async (name: OperationName) => ((await import(`../../functions/${name}.js`)) as { handler: OperationHandler }).handler;

export async function startInProcess(options: { guard?: boolean } = {}): Promise<InProcess> {
  const upstreams = await startUpstreams();
  const guardStore = options.guard ? new GuardStoreServer(`guard-test-${process.pid}`) : undefined;
  await guardStore?.start();
  const dynamodb = guardStore
    ? new DynamoDBClient({ endpoint: guardStore.url, region: 'ap-northeast-2', credentials: { accessKeyId: 'AKIALOCALTESTING00000', secretAccessKey: 'local' }, maxAttempts: 2 })
    : undefined;
  const guardEnv = guardStore ? functionEnvironment({ guardEnabled: true, guardTableName: guardStore.tableName }) : {};
  const key = JSON.stringify({ apiKey: API_KEY, projectId: PROJECT_ID });
  const runtimeFor = (env: Record<string, string> = {}) => {
    const config = readConfig(functionEnv(upstreams, { ...guardEnv, ...env }));
    return createRuntime(config, { readSecret: async () => key, guardStore: dynamodb && config.guard ? new GuardStore(dynamodb, config.guard) : undefined });
  };
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
    guardStore,
    call: async (name, options, env, context) => {
      const answer = (await handler(name, env)(httpEvent(name, options), context)) as HttpAnswer;
      return { status: answer.statusCode, headers: answer.headers, body: JSON.parse(answer.body) as Record<string, unknown> };
    },
    invoke: (name, payload) => handler(name)(payload, { awsRequestId: 'direct-1' }),
    stop: async () => {
      dynamodb?.destroy();
      await Promise.all([upstreams.stop(), guardStore?.stop()]);
    },
  };
}
