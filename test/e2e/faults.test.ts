/**
 * Upstream and Secrets Manager faults, injected through the emulator's and the
 * Secrets Manager endpoint's hooks, over real HTTP: each answers its documented
 * status, within its deadline. The stack runs with short deadlines (500 ms for
 * an upstream attempt and for a secret read) and reads the secret on every
 * request (TTL 0), so a change to the secret takes effect at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCAL_SECRET_ARN, startLocalStack, type LocalStack } from '../../local/stack.js';
import type { Fault } from '../../local/ncloud-emulator.js';
import { Api, NOTHING, only, outcome, rowsOf, type HttpReply, type Player } from '../support/http.js';

const DEADLINE_MS = 500;
/** A failing request answers within this: one secret read and one upstream attempt at most, plus overhead. */
const ANSWER_WITHIN_MS = 1_500;
const ROTATED_KEY = 'rotated-key-e2e-Hk38sQ0p';

let stack: LocalStack;
let api: Api;
/** The same product with the default secret TTL (300 s): the key stays cached in each container. */
let cachedStack: LocalStack;
let cachedApi: Api;
let originalSecret: string;
let originalKey: string;

beforeAll(async () => {
  [stack, cachedStack] = await Promise.all([
    startLocalStack({
      port: 0,
      quiet: true,
      functionLogs: false,
      functionEnv: { UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS), SECRET_TIMEOUT_MS: String(DEADLINE_MS), SECRET_TTL_SECONDS: '0' },
    }),
    startLocalStack({ port: 0, quiet: true, functionLogs: false, functionEnv: { UPSTREAM_TIMEOUT_MS: String(DEADLINE_MS) } }),
  ]);
  api = new Api(stack);
  cachedApi = new Api(cachedStack);
  originalKey = stack.emulator!.apiKey;
  originalSecret = JSON.stringify({ apiKey: originalKey, projectId: stack.emulator!.projectId });
  // Both stacks are started with the same local credentials.
  expect(cachedStack.emulator!.apiKey).toBe(originalKey);
});

afterEach(() => {
  for (const each of [stack, cachedStack]) {
    each.emulator!.clearFaults();
    each.secrets.fault = undefined;
  }
});

afterAll(async () => {
  await Promise.all([stack?.stop(), cachedStack?.stop()]);
});

const emulator = () => stack.emulator!;

/** The error envelope with this status and code, answered within the bound. */
function expectFault(reply: HttpReply, status: number, code: string): void {
  expect(outcome(reply)).toEqual({ status, code });
  expect(reply.body).toEqual({ status: -1, code, message: expect.any(String), requestId: expect.any(String) });
  expect(reply.ms).toBeLessThan(ANSWER_WITHIN_MS);
}

let counter = 0;
/** A fresh pair of players for each test, so no test depends on another's rows. */
async function pair(on: Api = api): Promise<[Player, Player]> {
  counter += 1;
  const n = String(counter).padStart(3, '0');
  return Promise.all([on.player(`flt_a${n}`), on.player(`flt_b${n}`)]);
}

describe('Secrets Manager faults', () => {
  // reject-friend is not invoked before these tests: its container has never read the secret (cold).
  it('down, on a cold container: 503 SECRET_UNAVAILABLE with Retry-After, nothing reaches the upstream', async () => {
    const [a, b] = await pair();
    stack.secrets.fault = { kind: 'down' };
    const before = api.upstreamRequests;
    const calls = stack.secrets.calls;
    const reply = await b.reject(a.id);
    expectFault(reply, 503, 'SECRET_UNAVAILABLE');
    expect(reply.headers['retry-after']).toBe('1');
    expect(stack.secrets.calls).toBeGreaterThan(calls);
    expect(api.upstreamRequests).toBe(before);
  });

  it('slow, on a cold container: 503 SECRET_UNAVAILABLE at the secret deadline', async () => {
    const [a, b] = await pair();
    stack.secrets.fault = { kind: 'delay', ms: 3_000 };
    const before = api.upstreamRequests;
    const reply = await b.reject(a.id);
    expectFault(reply, 503, 'SECRET_UNAVAILABLE');
    expect(reply.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(api.upstreamRequests).toBe(before);
  });

  it('refusing (AccessDenied), on a cold container: 503 SECRET_UNAVAILABLE', async () => {
    const [a, b] = await pair();
    stack.secrets.fault = { kind: 'error', status: 400, type: 'AccessDeniedException' };
    const before = api.upstreamRequests;
    expectFault(await b.reject(a.id), 503, 'SECRET_UNAVAILABLE');
    expect(api.upstreamRequests).toBe(before);
  });

  it('back again: the same cold container serves', async () => {
    const [a, b] = await pair();
    expect((await a.request(b.id)).status).toBe(200);
    expect((await b.reject(a.id)).status).toBe(200);
  });

  it('down, on a warm container: it keeps serving with the key it has', async () => {
    const [a, b] = await pair();
    expect((await a.request(b.id)).status).toBe(200);
    expect(rowsOf(await b.list('pending'))).toHaveLength(1); // list-friendships has read the key: warm
    stack.secrets.fault = { kind: 'down' };
    const calls = stack.secrets.calls;
    const reply = await b.list('pending');
    expect(reply.status).toBe(200);
    expect(rowsOf(reply)).toEqual([expect.objectContaining({ status: 'pending', friend_id: a.id })]);
    expect(reply.ms).toBeLessThan(ANSWER_WITHIN_MS);
    // TTL 0: it did try to read the secret, and fell back to the cached key.
    expect(stack.secrets.calls).toBeGreaterThan(calls);
    // In the same stack, a container that never read the key cannot serve (end-friendship is still cold).
    expectFault(await a.end(b.id), 503, 'SECRET_UNAVAILABLE');
    stack.secrets.fault = undefined;
    expect((await a.end(b.id)).status).toBe(200);
  });

  it('a malformed secret: 500 SECRET_MALFORMED naming the missing field, nothing reaches the upstream', async () => {
    const [a, b] = await pair();
    stack.secrets.put(LOCAL_SECRET_ARN, JSON.stringify({ apiKey: emulator().apiKey }));
    try {
      const before = api.upstreamRequests;
      const reply = await a.request(b.id);
      expectFault(reply, 500, 'SECRET_MALFORMED');
      expect((reply.body as { message: string }).message).toMatch(/projectId/);
      expect(reply.text).not.toContain(emulator().apiKey);
      expect(api.upstreamRequests).toBe(before);
    } finally {
      stack.secrets.put(LOCAL_SECRET_ARN, originalSecret);
    }
  });
});

describe('upstream faults', () => {
  it('a vendor 5xx on a changing call: 502 UPSTREAM_ERROR, not retried', async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'http-status', status: 503, body: 'maintenance' }, times: 1 });
    const before = api.upstreamRequests;
    expectFault(await a.request(b.id), 502, 'UPSTREAM_ERROR');
    expect(api.upstreamRequests).toBe(before + 1);
    // The vendor did nothing, and says so.
    expect(await a.everything()).toEqual(NOTHING);
  });

  it('a vendor 5xx on the list: retried once, then 502 UPSTREAM_ERROR', async () => {
    const [a] = await pair();
    emulator().inject({ fault: { kind: 'http-status', status: 500 }, times: 2 });
    const before = api.upstreamRequests;
    expectFault(await a.list(), 502, 'UPSTREAM_ERROR');
    expect(api.upstreamRequests).toBe(before + 2);
  });

  it('a single vendor 5xx on the list is healed by the retry', async () => {
    const [a] = await pair();
    emulator().inject({ fault: { kind: 'http-status', status: 502 }, times: 1 });
    const reply = await a.list();
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeLessThan(ANSWER_WITHIN_MS);
  });

  it('connections reset by the vendor: 502 UPSTREAM_ERROR', async () => {
    const [a] = await pair();
    emulator().inject({ fault: { kind: 'reset' }, times: 2, path: '/friendships' });
    expectFault(await a.list(), 502, 'UPSTREAM_ERROR');
  });

  it('an unreadable vendor answer: 502 UPSTREAM_ERROR', async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'bad-json' }, times: 1 });
    expectFault(await a.request(b.id), 502, 'UPSTREAM_ERROR');
  });

  it('a slow vendor: 504 UPSTREAM_TIMEOUT at the upstream deadline', async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'delay', ms: 2_000 }, times: 1 });
    const reply = await a.request(b.id);
    expectFault(reply, 504, 'UPSTREAM_TIMEOUT');
    expect(reply.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
  });

  it("the vendor gateway's own timeout (504): 502 UPSTREAM_ERROR", async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'gateway-error', status: 504, errorCode: '504', message: 'Endpoint request timed out' }, times: 1 });
    expectFault(await a.accept(b.id), 502, 'UPSTREAM_ERROR');
  });

  it('a vendor 429: 429 UPSTREAM_RATE_LIMITED with its Retry-After', async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'http-status', status: 429, body: '{"status":-1,"message":"slow down"}', headers: { 'retry-after': '7' } }, times: 1 });
    const reply = await a.request(b.id);
    expectFault(reply, 429, 'UPSTREAM_RATE_LIMITED');
    expect(reply.headers['retry-after']).toBe('7');
  });

  it("the vendor's refusal with HTTP 400 (a second request for the pair): 400 UPSTREAM_REJECTED with the vendor's words", async () => {
    const [a, b] = await pair();
    expect((await a.request(b.id)).status).toBe(200);
    const reply = await a.request(b.id);
    expectFault(reply, 400, 'UPSTREAM_REJECTED');
    expect((reply.body as { message: string }).message).toMatch(/friend request already sent/);
    expect(await a.everything()).toEqual(only('requested', b.id));
  });

  it('a vendor refusal inside an HTTP 200 (negative status): 409 UPSTREAM_REJECTED', async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'vendor-status', code: -1, message: 'blocked by the other player' }, times: 1 });
    const reply = await a.request(b.id);
    expectFault(reply, 409, 'UPSTREAM_REJECTED');
    expect((reply.body as { message: string }).message).toMatch(/blocked by the other player/);
  });

  it("the vendor's gateway refusing with 404: 404 UPSTREAM_REJECTED", async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'gateway-error', status: 404, errorCode: '300', message: 'Not Found Exception' }, times: 1 });
    expectFault(await a.request(b.id), 404, 'UPSTREAM_REJECTED');
  });

  it('the vendor not knowing our project: 502 UPSTREAM_CONFIG', async () => {
    const [a, b] = await pair();
    emulator().inject({ fault: { kind: 'vendor-status', code: -6, message: 'projectId was wrong.' }, times: 1 });
    expectFault(await a.request(b.id), 502, 'UPSTREAM_CONFIG');
  });

  const keyFaults: Array<[title: string, fault: Fault]> = [
    ['HTTP 401', { kind: 'http-status', status: 401, body: '{"status":-2,"message":"ApiKey does not match."}' }],
    ['status -4 (key disabled) on HTTP 200', { kind: 'vendor-status', code: -4, message: 'key disabled' }],
  ];
  it.each(keyFaults)('a key the vendor keeps refusing (%s): 502 UPSTREAM_AUTH after one re-read and one retry', async (_title, fault) => {
    const [a, b] = await pair();
    emulator().inject({ fault, times: 2 });
    const before = api.upstreamRequests;
    expectFault(await a.request(b.id), 502, 'UPSTREAM_AUTH');
    expect(api.upstreamRequests).toBe(before + 2);
  });
});

describe('key rotation', () => {
  afterEach(() => {
    for (const each of [stack, cachedStack]) {
      each.emulator!.apiKey = originalKey;
      each.secrets.put(LOCAL_SECRET_ARN, originalSecret);
    }
  });

  it('a rotation that Secrets Manager does not know: 502 UPSTREAM_AUTH, after one re-read and one retry with the old key', async () => {
    const [a, b] = await pair();
    const oldKey = originalKey;
    emulator().apiKey = ROTATED_KEY;
    const before = api.upstreamRequests;
    const calls = stack.secrets.calls;
    const reply = await a.request(b.id);
    expectFault(reply, 502, 'UPSTREAM_AUTH');
    const attempts = emulator().requests.slice(before);
    expect(attempts.map((attempt) => attempt.headers['x-api-key'])).toEqual([oldKey, oldKey]);
    expect(stack.secrets.calls - calls).toBe(2);
    expect(reply.text).not.toContain(oldKey);
    expect(reply.text).not.toContain(ROTATED_KEY);
  });

  it('a rotation that Secrets Manager does know heals: the next request uses the new key', async () => {
    const [a, b] = await pair();
    emulator().apiKey = ROTATED_KEY;
    expectFault(await a.request(b.id), 502, 'UPSTREAM_AUTH');
    stack.secrets.put(LOCAL_SECRET_ARN, JSON.stringify({ apiKey: ROTATED_KEY, projectId: emulator().projectId }));
    const before = api.upstreamRequests;
    const reply = await a.request(b.id);
    expect(reply.status).toBe(200);
    expect(emulator().requests.slice(before).map((attempt) => attempt.headers['x-api-key'])).toEqual([ROTATED_KEY]);
  });

  it('with the key cached (TTL 300 s), a rotation heals on the first request: one rejected attempt, one re-read, one retry', async () => {
    const cached = cachedStack.emulator!;
    const [a, b] = await pair(cachedApi);
    const [c, d] = await pair(cachedApi);
    expect((await a.request(b.id)).status).toBe(200); // warms request-friend and caches the key in it
    cached.apiKey = ROTATED_KEY;
    cachedStack.secrets.put(LOCAL_SECRET_ARN, JSON.stringify({ apiKey: ROTATED_KEY, projectId: cached.projectId }));
    const before = cached.requests.length;
    const calls = cachedStack.secrets.calls;
    const reply = await a.request(c.id);
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(cached.requests.slice(before).map((attempt) => attempt.headers['x-api-key'])).toEqual([originalKey, ROTATED_KEY]);
    expect(cachedStack.secrets.calls - calls).toBe(1);
    // The new key is kept: the next request makes one attempt and no read.
    expect((await a.request(d.id)).status).toBe(200);
    expect(cached.requests.slice(before + 2).map((attempt) => attempt.headers['x-api-key'])).toEqual([ROTATED_KEY]);
    expect(cachedStack.secrets.calls - calls).toBe(1);
  });
});

describe('the OpenAPI contract', () => {
  it('documents every status, code and body this file was answered', () => {
    expect(api.contract.answers.length).toBeGreaterThan(30);
    expect([...api.contract.problems(), ...cachedApi.contract.problems()]).toEqual([]);
  });
});
