/**
 * The built bundles against the loopback emulator and the real Secrets Manager
 * SDK client on a loopback endpoint: success shapes of both vendor generations,
 * error forms, fault mapping and deadlines, the secret cache and key rotation,
 * direct invocation, and logs that never hold the key.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { FunctionContainer } from '../../local/function-container.js';
import type { OperationName } from '../../functions/operations.js';
import {
  API_KEY,
  PROJECT_ID,
  SECRET_ARN,
  callOperation,
  functionEnv,
  httpEvent,
  startContainer,
  startUpstreams,
  type Upstreams,
} from '../support/fixtures.js';

let upstreams: Upstreams;
const started: FunctionContainer[] = [];
const answers: string[] = [];
const ROTATED_KEY = 'rotated-key-Q2w9Lm4Xp7Rt';

beforeAll(async () => {
  upstreams = await startUpstreams();
});

afterEach(() => {
  upstreams.emulator.clearFaults();
  upstreams.secrets.fault = undefined;
});

afterAll(async () => {
  // No key, old or new, in any log line or any answer of the whole suite.
  const logs = started.flatMap((container) => container.logs).join('\n');
  expect(logs.length).toBeGreaterThan(1000);
  for (const secret of [API_KEY, ROTATED_KEY]) {
    expect(logs).not.toContain(secret);
    expect(answers.join('\n')).not.toContain(secret);
  }
  await Promise.all(started.map((container) => container.stop()));
  await upstreams.stop();
});

async function container(name: OperationName, env: Record<string, string> = {}, timeoutMs?: number) {
  const fresh = await startContainer(name, functionEnv(upstreams, env), timeoutMs);
  started.push(fresh);
  return fresh;
}

const call = (target: FunctionContainer, name: OperationName, options: Parameters<typeof httpEvent>[1]) => callOperation(target, name, options, answers);

describe('success shapes', () => {
  let request: FunctionContainer;
  let accept: FunctionContainer;
  let list: FunctionContainer;
  beforeAll(async () => {
    [request, accept, list] = await Promise.all([container('request-friend'), container('accept-friend'), container('list-friendships')]);
  });

  it.each(['older', 'newer'] as const)('gives one stable shape when the vendor answers in the %s form', async (generation) => {
    upstreams.emulator.reset();
    upstreams.emulator.generation = generation;
    const sent = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'bob_0002', message: 'gg' } });
    expect(sent.status).toBe(200);
    const friendship = sent.body.friendship as Record<string, unknown>;
    expect(friendship).toMatchObject({
      status: 'requested',
      user_id: 'alice_01',
      friend_id: 'bob_0002',
      user: { id: 'alice_01', nickname: 'Player alice_01' },
      friend: { id: 'bob_0002', nickname: 'Player bob_0002' },
    });
    expect(friendship).not.toHaveProperty('project_id');
    expect(JSON.stringify(sent.body)).not.toContain(PROJECT_ID);

    const pending = await call(list, 'list-friendships', { playerId: 'bob_0002', query: { status: 'pending' } });
    expect(pending.status).toBe(200);
    expect(Array.isArray(pending.body)).toBe(true);
    expect(pending.body).toEqual([expect.objectContaining({ status: 'pending', user: expect.objectContaining({ id: 'bob_0002' }) })]);

    expect((await call(accept, 'accept-friend', { playerId: 'bob_0002', body: { friendId: 'alice_01' } })).status).toBe(200);
    const friends = await call(list, 'list-friendships', { playerId: 'alice_01' });
    expect(friends.body).toEqual([expect.objectContaining({ status: 'accepted', friend: expect.objectContaining({ id: 'bob_0002' }) })]);
  });

  it('passes the vendor filter and paging through as filter and option', async () => {
    upstreams.emulator.generation = 'older';
    const answer = await call(list, 'list-friendships', {
      playerId: 'alice_01',
      query: { filter: '{"status":"requested","user_id":"alice_01"}', offset: '5', limit: '7' },
    });
    expect(answer.status).toBe(200);
    const sent = upstreams.emulator.requests.at(-1)!;
    expect(JSON.parse(sent.query.filter!)).toEqual({ status: 'requested', user_id: 'alice_01' });
    expect(JSON.parse(sent.query.option!)).toEqual({ offset: 5, per_page: 7 });
  });

  it('sends the vendor headers and forwards the request id', async () => {
    await call(list, 'list-friendships', { playerId: 'alice_01' });
    const headers = upstreams.emulator.requests.at(-1)!.headers;
    expect(headers['x-api-key']).toBe(API_KEY);
    expect(headers['x-project-id']).toBe(PROJECT_ID);
    expect(headers['x-request-id']).toMatch(/^req-/);
  });

  it('every call sends content-type: application/json, the bodiless list included; content-length only with a body', async () => {
    await call(list, 'list-friendships', { playerId: 'alice_01' });
    const get = upstreams.emulator.requests.at(-1)!;
    expect(get.method).toBe('GET');
    expect(get.headers['content-type']).toBe('application/json');
    expect(get.headers['content-length']).toBeUndefined();
    expect(get.headers['transfer-encoding']).toBeUndefined();
    await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'hdr_0001' } });
    const post = upstreams.emulator.requests.at(-1)!;
    expect(post.method).toBe('POST');
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify({ friendId: 'hdr_0001', userId: 'alice_01' }))));
  });

  it('reuses one upstream connection across warm requests', async () => {
    await call(list, 'list-friendships', { playerId: 'alice_01' });
    const before = upstreams.emulator.connections;
    for (let i = 0; i < 20; i += 1) await call(list, 'list-friendships', { playerId: 'alice_01' });
    expect(upstreams.emulator.connections).toBe(before);
  });
});

describe('vendor failures map to the envelope', () => {
  let request: FunctionContainer;
  let list: FunctionContainer;
  beforeAll(async () => {
    [request, list] = await Promise.all([
      container('request-friend', { UPSTREAM_TIMEOUT_MS: '400' }),
      container('list-friendships', { UPSTREAM_TIMEOUT_MS: '400' }),
    ]);
  });

  const expectEnvelope = (answer: { status: number; body: Record<string, unknown> }, status: number, code: string) =>
    expect({ status: answer.status, code: answer.body.code, envelope: answer.body.status }).toEqual({ status, code, envelope: -1 });

  it('a vendor 5xx is 502 UPSTREAM_ERROR, and a changing call is not retried', async () => {
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 503, body: 'down' }, times: 1 });
    const before = upstreams.emulator.requests.length;
    expectEnvelope(await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0001' } }), 502, 'UPSTREAM_ERROR');
    expect(upstreams.emulator.requests.length).toBe(before + 1);
  });

  it('the list retries once on a 5xx', async () => {
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 500 }, times: 1 });
    const before = upstreams.emulator.requests.length;
    expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    expect(upstreams.emulator.requests.length).toBe(before + 2);
  });

  it('the list gives up after one retry', async () => {
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 502 }, times: 2 });
    expectEnvelope(await call(list, 'list-friendships', { playerId: 'alice_01' }), 502, 'UPSTREAM_ERROR');
  });

  it('the list retries once on a connection reset', async () => {
    await call(list, 'list-friendships', { playerId: 'alice_01' });
    upstreams.emulator.inject({ fault: { kind: 'reset' }, times: 1 });
    const attempts = upstreams.emulator.attempts;
    const requests = upstreams.emulator.requests.length;
    expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    expect(upstreams.emulator.attempts).toBe(attempts + 2);
    expect(upstreams.emulator.requests.length).toBe(requests + 1);
  });

  it('a reset on a new connection after a changing call was sent is 502 and is not retried', async () => {
    const cold = await container('request-friend');
    upstreams.emulator.inject({ fault: { kind: 'reset' }, times: 1, path: '/friendship/request' });
    const attempts = upstreams.emulator.attempts;
    expectEnvelope(await call(cold, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0002' } }), 502, 'UPSTREAM_ERROR');
    expect(upstreams.emulator.attempts).toBe(attempts + 1);
    // The emulator's reset did nothing with the request, so the player's own retry goes through.
    expect((await call(cold, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0002' } })).status).toBe(200);
  });

  it('a reset after the vendor read a changing call in full is 502 on a pooled socket too: one attempt, one connection', async () => {
    // The vendor may have carried the request out before the connection died: sending it again could do it twice.
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0013' } })).status).toBe(200);
    upstreams.emulator.inject({ fault: { kind: 'reset' }, times: 1, path: '/friendship/request' });
    const attempts = upstreams.emulator.attempts;
    const connections = upstreams.emulator.connections;
    expectEnvelope(await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0014' } }), 502, 'UPSTREAM_ERROR');
    expect(upstreams.emulator.attempts).toBe(attempts + 1);
    expect(upstreams.emulator.connections).toBe(connections);
  });

  it('a changing call after the vendor closed the pooled connection while idle is sent exactly once, and succeeds', async () => {
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0011' } })).status).toBe(200);
    upstreams.emulator.inject({ fault: { kind: 'close-idle' } });
    // Idle, as between two invocations: long enough for the container to see the close.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const attempts = upstreams.emulator.attempts;
    const connections = upstreams.emulator.connections;
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0012' } })).status).toBe(200);
    expect(upstreams.emulator.attempts).toBe(attempts + 1);
    expect(upstreams.emulator.requests.filter((sent) => (sent.body as { friendId?: string } | undefined)?.friendId === 'zed_0012')).toHaveLength(1);
    // The pooled connection really was closed: the call went out on a new one.
    expect(upstreams.emulator.connections).toBe(connections + 1);
  });

  it("the vendor gateway's own 504 is 502 UPSTREAM_ERROR, not our timeout, and a changing call is not retried", async () => {
    upstreams.emulator.inject({ fault: { kind: 'gateway-error', status: 504, errorCode: '504', message: 'Endpoint request timed out' }, times: 1 });
    const before = upstreams.emulator.requests.length;
    expectEnvelope(await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0015' } }), 502, 'UPSTREAM_ERROR');
    expect(upstreams.emulator.requests.length).toBe(before + 1);
  });

  it('the list retries once on a vendor 504, like any 5xx', async () => {
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 504 }, times: 1 });
    const before = upstreams.emulator.requests.length;
    expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    expect(upstreams.emulator.requests.length).toBe(before + 2);
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 504 }, times: 2 });
    expectEnvelope(await call(list, 'list-friendships', { playerId: 'alice_01' }), 502, 'UPSTREAM_ERROR');
  });

  it('an unreadable body is 502 UPSTREAM_ERROR', async () => {
    upstreams.emulator.inject({ fault: { kind: 'bad-json' }, times: 1 });
    expectEnvelope(await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0003' } }), 502, 'UPSTREAM_ERROR');
  });

  it('a slow vendor is 504 UPSTREAM_TIMEOUT at the upstream deadline', async () => {
    upstreams.emulator.inject({ fault: { kind: 'delay', ms: 3_000 }, times: 1 });
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0004' } });
    expectEnvelope(answer, 504, 'UPSTREAM_TIMEOUT');
    expect(answer.durationMs).toBeLessThan(1_500);
  });

  it('a vendor 429 is 429 with its Retry-After', async () => {
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 429, body: '{"status":-1,"message":"slow down"}', headers: { 'retry-after': '7' } }, times: 1 });
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0005' } });
    expectEnvelope(answer, 429, 'UPSTREAM_RATE_LIMITED');
    expect(answer.headers['retry-after']).toBe('7');
  });

  it('an HTTP 200 with a negative status is an error, with the vendor message kept', async () => {
    upstreams.emulator.inject({ fault: { kind: 'vendor-status', code: -1, message: 'already friends' }, times: 1 });
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0006' } });
    expectEnvelope(answer, 409, 'UPSTREAM_REJECTED');
    expect(answer.body.message).toMatch(/already friends/);
  });

  it('a project-id error is our misconfiguration: 502 UPSTREAM_CONFIG', async () => {
    upstreams.emulator.inject({ fault: { kind: 'vendor-status', code: -6 }, times: 1 });
    expectEnvelope(await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0007' } }), 502, 'UPSTREAM_CONFIG');
  });

  it.each([
    ['status', 400],
    ['code', 400],
    ['status-200', 409],
  ] as const)('reads the vendor error form %s', async (form, status) => {
    upstreams.emulator.reset();
    upstreams.emulator.errorForm = form;
    try {
      await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0008' } });
      const again = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0008' } });
      expectEnvelope(again, status, 'UPSTREAM_REJECTED');
      expect(again.body.message).toMatch(/already sent/);
    } finally {
      upstreams.emulator.errorForm = 'status';
    }
  });

  it("reads the gateway's error form", async () => {
    upstreams.emulator.inject({ fault: { kind: 'gateway-error', status: 404, errorCode: '300', message: 'Not Found Exception' }, times: 1 });
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0009' } });
    expectEnvelope(answer, 404, 'UPSTREAM_REJECTED');
    expect(answer.body.message).toMatch(/Not Found Exception/);
  });

  it('answers before the function is killed when the upstream is slower than the invocation', async () => {
    const short = await container('request-friend', { UPSTREAM_TIMEOUT_MS: '5000' }, 1_200);
    upstreams.emulator.inject({ fault: { kind: 'delay', ms: 4_000 }, times: 1 });
    const answer = await call(short, 'request-friend', { playerId: 'alice_01', body: { friendId: 'zed_0010' } });
    expectEnvelope(answer, 504, 'UPSTREAM_TIMEOUT');
    expect(answer.durationMs).toBeLessThan(1_200);
  });
});

describe('the key: cached, re-read on rotation, never leaked', () => {
  it('a warm request makes no Secrets Manager call', async () => {
    const list = await container('list-friendships');
    await call(list, 'list-friendships', { playerId: 'alice_01' });
    const before = upstreams.secrets.calls;
    for (let i = 0; i < 25; i += 1) expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    expect(upstreams.secrets.calls).toBe(before);
  });

  it('concurrent cold requests share one fetch', async () => {
    const list = await container('list-friendships');
    const before = upstreams.secrets.calls;
    const results = await Promise.all(Array.from({ length: 30 }, () => call(list, 'list-friendships', { playerId: 'alice_01' })));
    expect(results.map((result) => result.status)).toEqual(Array(30).fill(200));
    expect(upstreams.secrets.calls).toBe(before + 1);
  });

  it('re-reads the secret after its TTL', async () => {
    const list = await container('list-friendships', { SECRET_TTL_SECONDS: '0' });
    const before = upstreams.secrets.calls;
    await call(list, 'list-friendships', { playerId: 'alice_01' });
    await call(list, 'list-friendships', { playerId: 'alice_01' });
    expect(upstreams.secrets.calls).toBe(before + 2);
  });

  it('heals a rotated key with one re-read and one retry', async () => {
    const request = await container('request-friend');
    upstreams.emulator.reset();
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'rot_0001' } })).status).toBe(200);
    upstreams.emulator.apiKey = ROTATED_KEY;
    upstreams.secrets.put(SECRET_ARN, JSON.stringify({ apiKey: ROTATED_KEY, projectId: PROJECT_ID }));
    const before = upstreams.secrets.calls;
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'rot_0002' } });
    expect(answer.status).toBe(200);
    expect(upstreams.secrets.calls).toBe(before + 1);
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'rot_0003' } })).status).toBe(200);
    expect(upstreams.secrets.calls).toBe(before + 1);
  });

  it.each([
    ['an HTTP 401', { kind: 'http-status', status: 401, body: '{"status":-1,"message":"denied"}' }],
    ['status -3 on HTTP 200', { kind: 'vendor-status', code: -3, message: 'key deleted' }],
  ] as const)('a key still rejected after the re-read (%s) is 502 UPSTREAM_AUTH', async (_title, fault) => {
    const request = await container('request-friend');
    await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'auth_001' } });
    upstreams.emulator.inject({ fault, times: 2 });
    const before = upstreams.secrets.calls;
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'auth_002' } });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 502, code: 'UPSTREAM_AUTH' });
    expect(upstreams.secrets.calls).toBe(before + 1);
  });

  it('the generic -1 is not a key error: no re-read', async () => {
    const request = await container('request-friend');
    await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'gen_0001' } });
    upstreams.emulator.inject({ fault: { kind: 'vendor-status', code: -1, message: 'projectId is empty' }, times: 1 });
    const before = upstreams.secrets.calls;
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'gen_0002' } })).status).toBe(409);
    expect(upstreams.secrets.calls).toBe(before);
  });

  it('Secrets Manager down on a cold container is 503 SECRET_UNAVAILABLE, within the secret deadline', async () => {
    const request = await container('request-friend', { SECRET_TIMEOUT_MS: '500' });
    upstreams.secrets.fault = { kind: 'down' };
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'sm_00001' } });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 503, code: 'SECRET_UNAVAILABLE' });
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.durationMs).toBeLessThan(2_000);
  });

  it('Secrets Manager slow on a cold container is 503 within the secret deadline', async () => {
    const request = await container('request-friend', { SECRET_TIMEOUT_MS: '400' });
    upstreams.secrets.fault = { kind: 'delay', ms: 3_000 };
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'sm_00002' } });
    expect(answer.status).toBe(503);
    expect(answer.durationMs).toBeLessThan(1_500);
  });

  it('a warm container keeps serving with its cached key while Secrets Manager is down', async () => {
    const list = await container('list-friendships', { SECRET_TTL_SECONDS: '0', SECRET_TIMEOUT_MS: '300' });
    expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    upstreams.secrets.fault = { kind: 'down' };
    expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
  });

  it('a malformed secret names the missing field, never a value', async () => {
    const arn = `${SECRET_ARN}-malformed`;
    upstreams.secrets.put(arn, JSON.stringify({ apiKey: API_KEY }));
    const request = await container('request-friend', { SECRET_ID: arn });
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'bad_0001' } });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 500, code: 'SECRET_MALFORMED' });
    expect(answer.body.message).toMatch(/projectId/);
  });

  it('a secret that is not JSON says so without quoting it', async () => {
    const arn = `${SECRET_ARN}-notjson`;
    upstreams.secrets.put(arn, `${API_KEY} not json`);
    const request = await container('request-friend', { SECRET_ID: arn });
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'bad_0002' } });
    expect(answer.body.code).toBe('SECRET_MALFORMED');
  });

  it('a missing SECRET_ID is a clear 500 naming the variable in the log', async () => {
    const request = await container('request-friend', { SECRET_ID: '' });
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'cfg_0001' } });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 500, code: 'INTERNAL' });
    expect(request.logs.join('\n')).toMatch(/SECRET_ID/);
  });
});

describe('direct invocation', () => {
  let request: FunctionContainer;
  let bulk: FunctionContainer;
  beforeAll(async () => {
    [request, bulk] = await Promise.all([container('request-friend'), container('bulk-add-friendships')]);
    upstreams.emulator.reset();
    upstreams.emulator.apiKey = API_KEY;
    upstreams.secrets.put(SECRET_ARN, JSON.stringify({ apiKey: API_KEY, projectId: PROJECT_ID }));
  });

  it('answers {ok: true, data} with the body an HTTP caller gets', async () => {
    const outcome = await request.invoke({ userId: 'svc_0001', friendId: 'svc_0002', message: 'from the server' });
    expect(outcome.functionError).toBeUndefined();
    expect(outcome.payload).toEqual({ ok: true, data: { friendship: expect.objectContaining({ status: 'requested', user_id: 'svc_0001' }) } });
  });

  it('requires userId, and answers bad input with an error result rather than throwing', async () => {
    const before = upstreams.emulator.requests.length;
    const outcome = await request.invoke({ friendId: 'svc_0002' });
    expect(outcome.functionError).toBeUndefined();
    expect(outcome.payload).toEqual({ ok: false, error: { status: 400, code: 'MISSING_FIELD', message: expect.stringMatching(/userId/), requestId: expect.any(String) } });
    expect((await request.invoke({ userId: 'svc_0001', friendId: 'svc_0001' })).payload).toMatchObject({ ok: false, error: { code: 'SELF_FRIENDSHIP' } });
    expect((await request.invoke('not an object')).payload).toMatchObject({ ok: false, error: { status: 400, code: 'INVALID_INPUT' } });
    expect(upstreams.emulator.requests.length).toBe(before);
  });

  it('bulk takes the array and answers {added}', async () => {
    const pairs = [{ userId: 'svc_0003', friendId: 'svc_0004' }];
    expect((await bulk.invoke(pairs)).payload).toEqual({ ok: true, data: { added: pairs } });
  });

  it('an upstream failure is an error result with the HTTP status', async () => {
    upstreams.emulator.inject({ fault: { kind: 'http-status', status: 500 }, times: 1 });
    expect((await request.invoke({ userId: 'svc_0005', friendId: 'svc_0006' })).payload).toMatchObject({
      ok: false,
      error: { status: 502, code: 'UPSTREAM_ERROR' },
    });
  });
});

describe('logs', () => {
  it('are JSON lines with the operation and the request id, and no bodies or tokens', async () => {
    const request = await container('request-friend');
    await call(request, 'request-friend', {
      playerId: 'log_0001',
      body: { friendId: 'log_0002', message: 'secret-handshake-text' },
    });
    const lines = request.logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const completed = lines.find((line) => line.message === 'request completed');
    expect(completed).toMatchObject({ level: 'INFO', operation: 'request-friend', requestId: expect.stringMatching(/^req-/), statusCode: 200 });
    expect(request.logs.join('\n')).not.toContain('secret-handshake-text');
  });
});
