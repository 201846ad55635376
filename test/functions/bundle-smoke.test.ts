/**
 * What ships answers as the handlers do in-process (test/unit/operation-errors.test.ts
 * has the whole matrix): a few refusals of each kind, and a success, against the
 * built bundles in Lambda-like containers. None of the refusals reaches the upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FunctionContainer } from '../../local/function-container.js';
import { operationNames, type OperationName } from '../../functions/operations.js';
import { functionEnv, httpEvent, startContainer, startUpstreams, type HttpAnswer, type Upstreams } from '../support/fixtures.js';

let upstreams: Upstreams;
const containers = new Map<OperationName, FunctionContainer>();

beforeAll(async () => {
  upstreams = await startUpstreams();
  await Promise.all(operationNames.map(async (name) => containers.set(name, await startContainer(name, functionEnv(upstreams)))));
});

afterAll(async () => {
  await Promise.all([...containers.values()].map((container) => container.stop()));
  await upstreams.stop();
});

async function call(name: OperationName, options: Parameters<typeof httpEvent>[1]) {
  const outcome = await containers.get(name)!.invoke(httpEvent(name, options));
  const answer = outcome.payload as HttpAnswer;
  return { status: answer.statusCode, headers: answer.headers, body: JSON.parse(answer.body) as Record<string, unknown> };
}

const alice = 'alice_0001';
const bob = 'bob-0002';

type Case = [title: string, name: OperationName, options: Parameters<typeof httpEvent>[1], status: number, code: string];

const cases: Case[] = [
  ['malformed JSON', 'request-friend', { playerId: alice, rawBody: '{"friendId": "bob-0002"' }, 400, 'INVALID_JSON'],
  ['a base64 body over 64 KiB', 'request-friend', { playerId: alice, rawBody: `{"friendId":"${'x'.repeat(70_000)}"}`, base64: true }, 413, 'PAYLOAD_TOO_LARGE'],
  ['an unknown query parameter', 'accept-friend', { playerId: alice, body: { friendId: bob }, query: { debug: '1' } }, 400, 'UNKNOWN_FIELD'],
  ['no body at all', 'reject-friend', { playerId: alice }, 400, 'MISSING_FIELD'],
  ['ending a friendship with yourself in other letter case', 'end-friendship', { playerId: alice, query: { friendId: alice.toUpperCase() } }, 400, 'SELF_FRIENDSHIP'],
  ['a null status in the vendor filter', 'list-friendships', { playerId: alice, query: { filter: '{"status":null}' } }, 400, 'INVALID_STATUS'],
  ['duplicate bulk pairs', 'bulk-add-friendships', { iam: true, body: [{ userId: alice, friendId: bob }, { userId: alice, friendId: bob }] }, 400, 'DUPLICATE_PAIRS'],
  ['the wrong method', 'request-friend', { playerId: alice, body: { friendId: bob }, method: 'GET' }, 405, 'METHOD_NOT_ALLOWED'],
  ['no session', 'request-friend', { body: { friendId: bob } }, 401, 'UNAUTHENTICATED'],
  ['a player id that breaks the vendor id rule', 'request-friend', { claims: { sub: 'auth0|abc123' }, body: { friendId: bob } }, 403, 'INVALID_PLAYER_ID'],
  ["listing someone else's friends through the filter", 'list-friendships', { playerId: alice, query: { filter: '{"status":"accepted","user_id":"bob-0002"}' } }, 403, 'IDENTITY_MISMATCH'],
  ['a player session on bulk', 'bulk-add-friendships', { playerId: alice, body: [{ userId: alice, friendId: bob }] }, 403, 'TRUSTED_CALLER_ONLY'],
  ['an IAM caller on a player route naming the player in the body', 'request-friend', { iam: true, body: { userId: alice, friendId: bob } }, 401, 'UNAUTHENTICATED'],
];

describe('the bundles refuse as the handlers do', () => {
  it.each(cases)('%s', async (_title, name, options, status, code) => {
    const before = upstreams.emulator.requests.length;
    const answer = await call(name, options);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
    expect(answer.body).toEqual({ status: -1, code, message: expect.any(String), requestId: expect.stringMatching(/^req-/) });
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(upstreams.emulator.requests.length).toBe(before);
  });

  it('answers 405 with an Allow header', async () => {
    expect((await call('list-friendships', { playerId: alice, method: 'POST' })).headers.allow).toBe('GET');
  });
});

describe('and act as the handlers do', () => {
  it('each player operation acts as the verified player', async () => {
    upstreams.emulator.reset();
    expect((await call('request-friend', { playerId: alice, body: { friendId: bob } })).status).toBe(200);
    expect(upstreams.emulator.requests.at(-1)?.body).toEqual({ userId: alice, friendId: bob });
    const accepted = await call('accept-friend', { playerId: bob, body: { userId: bob, friendId: alice } });
    expect((accepted.body.friendship as { status: string }).status).toBe('accepted');
    const list = await call('list-friendships', { playerId: alice });
    expect((list.body as unknown as unknown[]).length).toBe(1);
    const ended = await call('end-friendship', { playerId: alice, query: { friendId: bob } });
    expect(ended.body.friendship).toMatchObject({ status: 'deleted', user_id: alice, friend_id: bob });
  });

  it('an IAM-authorized caller bulk-adds', async () => {
    const pairs = [{ userId: 'carol_03', friendId: 'dave_004' }];
    expect((await call('bulk-add-friendships', { iam: true, body: pairs })).body).toEqual({ added: pairs });
  });

  it('a rejected pair gets the vendor message', async () => {
    expect((await call('reject-friend', { playerId: 'erin_005', body: { friendId: 'frank_06' } })).body.code).toBe('UPSTREAM_REJECTED');
  });
});

describe('logs', () => {
  it("carry Lambda's context and this request's keys, and no keys of the request before", async () => {
    const container = containers.get('list-friendships')!;
    const from = container.logs.length;
    await call('list-friendships', { playerId: alice });
    await containers.get('list-friendships')!.invoke({ userId: alice });
    const lines = container.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === 'request completed');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ operation: 'list-friendships', invocation: 'http', requestId: expect.stringMatching(/^req-/), function_request_id: expect.any(String), function_name: 'list-friendships', cold_start: expect.any(Boolean) });
    expect(lines[1]).toMatchObject({ operation: 'list-friendships', invocation: 'direct', function_request_id: expect.any(String) });
    expect(lines[1]!.requestId).toBe(lines[1]!.function_request_id);
  });
});
