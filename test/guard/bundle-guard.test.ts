/**
 * The built request-friend bundle, in its own process as Lambda runs it, with
 * the guard on: it reaches the dynalite store through AWS_ENDPOINT_URL_DYNAMODB
 * with the bundled @aws-sdk/client-dynamodb, and logs every refusal at INFO with
 * its code, in the shape the stack's metric filter counts (`$.message`, `$.code`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GUARD_REFUSED_MESSAGE } from '../../functions/core/errors.js';
import { functionEnvironment } from '../../functions/core/config.js';
import type { FunctionContainer } from '../../local/function-container.js';
import { GuardStoreServer } from '../../local/guard-store-server.js';
import { functionEnv, httpEvent, json, startContainer, startUpstreams, type HttpAnswer, type Upstreams } from '../support/fixtures.js';

let upstreams: Upstreams;
let store: GuardStoreServer;
let container: FunctionContainer;

beforeAll(async () => {
  upstreams = await startUpstreams();
  store = new GuardStoreServer('bundle-guard-test');
  await store.start();
  container = await startContainer(
    'request-friend',
    functionEnv(upstreams, {
      ...functionEnvironment({ guardEnabled: true, guardTableName: store.tableName, friendRequestsPerMinute: 1, guardTimeoutMs: 3_000 }),
      AWS_ENDPOINT_URL_DYNAMODB: store.url,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    }),
  );
});

afterAll(async () => {
  await container?.stop();
  await Promise.all([upstreams?.stop(), store?.stop()]);
});

const invoke = async (friendId: string) => (await container.invoke(httpEvent('request-friend', { playerId: 'bundle_player', body: { friendId } }))).payload as HttpAnswer;

/** The container's `guard refused` lines, parsed. */
const refusals = () =>
  container.logs
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })
    .filter((entry) => entry?.message === GUARD_REFUSED_MESSAGE);

describe('the bundle with the guard on', () => {
  it('takes from the store, refuses past the limit with 429, and logs the refusal at INFO with its code', async () => {
    expect((await invoke('bundle_friend_1')).statusCode).toBe(200);
    const refused = await invoke('bundle_friend_2');
    expect(refused.statusCode).toBe(429);
    expect(json(refused)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refusals()).toEqual([expect.objectContaining({ level: 'INFO', code: 'RATE_LIMITED' })]);
    expect(store.calls).toBeGreaterThan(1);
  });

  it('fails closed when the store is down, and logs GUARD_UNAVAILABLE the same way', async () => {
    const before = upstreams.emulator.requests.length;
    store.fault = { kind: 'down' };
    try {
      const answer = await invoke('bundle_friend_3');
      expect(answer.statusCode).toBe(503);
      expect(json(answer)).toMatchObject({ code: 'GUARD_UNAVAILABLE' });
    } finally {
      store.fault = undefined;
    }
    expect(upstreams.emulator.requests.length).toBe(before);
    expect(refusals().map((entry) => entry?.code)).toEqual(['RATE_LIMITED', 'GUARD_UNAVAILABLE']);
  });
});
