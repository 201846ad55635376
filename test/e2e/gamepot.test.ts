/**
 * End to end over real HTTP in GamePot mode: the local stack with
 * `auth: 'gamepot'` runs the built bundles behind the local HTTP API, whose
 * player routes go through the real `gamepot-authorizer` bundle (with API
 * Gateway's identity-source check and result cache around it), which asks the
 * emulator's GamePot `loginauth`. Members log in through the emulated GamePot
 * login and call with `Authorization: Bearer <token>` and
 * `X-GamePot-Member-Id: <memberId>`.
 *
 * Covered: the whole lifecycle and the reject path for two members; the
 * authorization matrix (API Gateway's own 401 when an identity header is
 * missing, our 401 UNAUTHENTICATED envelope when loginauth refuses, 403 for a
 * userId that is someone else's and for a session on bulk, 503
 * SESSION_UNAVAILABLE when loginauth is down or slow), each checked to reach
 * nothing upstream; the authorizer result cache; and what loginauth is sent.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { OperationName } from '../../functions/operations.js';
import type { Fault, NcloudEmulator } from '../../local/ncloud-emulator.js';
import { LOCAL_SECRET_ARN, startLocalStack, type LocalStack } from '../../local/stack.js';
import { Api, LIST_STATUSES, NOTHING, friendshipOf, only, outcome, rowsOf, send, type HttpReply, type SendOptions } from '../support/http.js';
import { actingAs, lifecycle, playerRoutes, wellFormedInput } from '../support/lifecycle.js';
import { GamePotPlayer, MEMBER_ID_HEADER, gamePotCredentials, gamePotLogin, withCredentials } from '../support/gamepot-players.js';

/** The authorizer's loginauth deadline in this file (2000 ms by default): short, to keep the slow case fast. */
const LOGINAUTH_TIMEOUT_MS = 500;
/** The authorizer result cache's TTL: the local stack's default, as `auth.cacheTtlSeconds` defaults. */
const CACHE_TTL_MS = 300_000;
/** GamePot login tokens expire 60 minutes after login (the emulator's default). */
const PAST_TOKEN_EXPIRY_MS = 61 * 60 * 1000;

let stack: LocalStack;
let api: Api;
let emulator: NcloudEmulator;
let gamePotNow: () => number;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    quiet: true,
    functionLogs: false,
    auth: 'gamepot',
    functionEnv: { LOGINAUTH_TIMEOUT_MS: String(LOGINAUTH_TIMEOUT_MS) },
  });
  api = new Api(stack);
  if (!stack.emulator) throw new Error('the GamePot e2e tests need the embedded emulator');
  emulator = stack.emulator;
  gamePotNow = emulator.now;
});

afterEach(() => {
  emulator.clearFaults();
  emulator.now = gamePotNow;
  jest.restoreAllMocks();
});

afterAll(async () => {
  await stack?.stop();
});

// ---------------------------------------------------------------------------
// Helpers

/** Runs a step and says how many friendship calls and loginauth calls it caused. */
async function counted<T>(step: () => Promise<T>): Promise<{ result: T; upstream: number; loginauth: number }> {
  const upstream = emulator.requests.length;
  const loginauth = emulator.loginauthCalls;
  const result = await step();
  return { result, upstream: emulator.requests.length - upstream, loginauth: emulator.loginauthCalls - loginauth };
}

/** The loginauth calls that carried this token (robust to other tests' calls). */
const loginauthBodiesFor = (token: string) => emulator.loginauthBodies.filter((body) => (body as { token?: unknown })?.token === token);

/** Our error envelope, with its request id echoed in `x-request-id`. */
function expectEnvelope(reply: HttpReply, status: number, code: string): void {
  expect({ status: reply.status, body: reply.body }).toEqual({
    status,
    body: { status: -1, code, message: expect.any(String), requestId: expect.any(String) },
  });
  expect(reply.headers['x-request-id']).toBe((reply.body as { requestId: string }).requestId);
}

/** API Gateway's own refusal bodies: not our envelope. */
const GATEWAY_UNAUTHORIZED = { status: 401, body: { message: 'Unauthorized' } };
const GATEWAY_FORBIDDEN = { status: 403, body: { message: 'Forbidden' } };

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const login = (memberId: string) => GamePotPlayer.login(api, memberId);
const seenBy = (...who: GamePotPlayer[]) => Promise.all(who.map((player) => player.everything()));

// ---------------------------------------------------------------------------

describe('the whole lifecycle for two GamePot players', () => {
  let alice: GamePotPlayer;
  let bob: GamePotPlayer;
  let bobChecksAfterFirstCalls = 0;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([login('gp_life_alice'), login('gp_life_bob01')]);
  });

  it('0. both members log in through the emulated GamePot login and get a token each', () => {
    expect(alice.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(bob.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(alice.token).not.toBe(bob.token);
  });

  it('1. a request, acting as the member the session proved; the GamePot session never goes upstream', async () => {
    const before = emulator.requests.length;
    await lifecycle.request(alice, bob, 'gg, add me');
    const upstream = emulator.requests.slice(before);
    expect(upstream).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/api/friendship/request', body: { userId: alice.id, friendId: bob.id, message: 'gg, add me' } }),
    ]);
    // The vendor gets our key, never the player's login token or member header.
    expect(upstream[0]!.headers.authorization).toBeUndefined();
    expect(upstream[0]!.headers[MEMBER_ID_HEADER]).toBeUndefined();
    expect(JSON.stringify(upstream[0])).not.toContain(alice.token);
  });

  it('2. the sender sees it under requested and the recipient under pending', async () => {
    await lifecycle.seeRequested(alice, bob, 'gg, add me');
    bobChecksAfterFirstCalls = loginauthBodiesFor(bob.token).length;
  });

  it('3. accept', () => lifecycle.accept(alice, bob));
  it('4. both see an accepted friendship (the default list)', () => lifecycle.seeFriends(alice, bob));
  it('5. end (through the query, as a client that cannot send a DELETE body)', () => lifecycle.end(alice, bob));
  it('6. both lists are empty, in every status', () => lifecycle.seeNothing(alice, bob));

  it('after the first calls, every later call was served from the authorizer cache', () => {
    // Alice's first call was alone: one check. Bob's first calls were four lists at once, and a cache
    // miss is a miss for each of them (nothing coalesces concurrent misses); after those, no more checks.
    expect(loginauthBodiesFor(alice.token)).toHaveLength(1);
    expect(loginauthBodiesFor(bob.token).length).toBe(bobChecksAfterFirstCalls);
    expect(bobChecksAfterFirstCalls).toBeGreaterThanOrEqual(1);
    expect(bobChecksAfterFirstCalls).toBeLessThanOrEqual(LIST_STATUSES.length);
  });
});

describe('the reject path for two GamePot players', () => {
  let carol: GamePotPlayer;
  let dave: GamePotPlayer;
  beforeAll(async () => {
    [carol, dave] = await Promise.all([login('gp_rej_carol'), login('gp_rej_dave1')]);
  });

  it('a rejected request shows as rejected on both sides', async () => {
    expect((await carol.request(dave.id)).status).toBe(200);
    await lifecycle.reject(carol, dave);
    await lifecycle.seeRejected(carol, dave);
  });

  it('a rejected request can no longer be accepted: 400 UPSTREAM_REJECTED', async () => {
    expect(outcome(await dave.accept(carol.id))).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    expect(await seenBy(carol, dave)).toEqual([only('rejected', dave.id), only('rejected', carol.id)]);
  });

  it('after a reject, a new request is allowed, replaces it, and can be accepted', async () => {
    const again = await carol.request(dave.id, 'second try');
    expect(again.status).toBe(200);
    expect(friendshipOf(again)).toMatchObject({ status: 'requested', user_id: carol.id, friend_id: dave.id, message: 'second try' });
    expect(await seenBy(carol, dave)).toEqual([only('requested', dave.id), only('pending', carol.id)]);
    expect((await dave.accept(carol.id)).status).toBe(200);
    expect(await seenBy(carol, dave)).toEqual([only('accepted', dave.id), only('accepted', carol.id)]);
  });
});

// ---------------------------------------------------------------------------

const ALICE = 'gp_authz_alice';
const BOB = 'gp_authz_bob01';
const CAROL = 'gp_authz_carol';

const validInput = wellFormedInput(ALICE, BOB);

/** Calls every player route with these credentials; nothing may reach the upstream. */
async function everyPlayerRoute(credentials: SendOptions): Promise<{ replies: Array<[OperationName, HttpReply]>; loginauth: number }> {
  const { result: replies, upstream, loginauth } = await counted(async () => {
    const answered: Array<[OperationName, HttpReply]> = [];
    for (const operation of playerRoutes) answered.push([operation, await api.call(operation, withCredentials(validInput[operation], credentials))]);
    return answered;
  });
  expect(upstream).toBe(0);
  return { replies, loginauth };
}

describe('the authorization matrix in GamePot mode', () => {
  let alice: GamePotPlayer;
  let bob: GamePotPlayer;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([login(ALICE), login(BOB)]);
  });

  it('a valid session works on every player route (the control: the matrix below is not vacuous)', async () => {
    const { upstream } = await counted(async () => {
      expect((await alice.request(BOB)).status).toBe(200);
      expect((await bob.list('pending')).status).toBe(200);
      expect((await bob.accept(ALICE)).status).toBe(200);
      expect((await alice.end(BOB)).status).toBe(200);
      expect((await alice.request(BOB)).status).toBe(200);
      expect((await bob.reject(ALICE)).status).toBe(200);
    });
    expect(upstream).toBe(6);
  });

  type Credentials = [title: string, credentials: () => SendOptions | Promise<SendOptions>];

  // API Gateway checks that every identity source is present and non-empty before it runs a REQUEST authorizer.
  const missingIdentity: Credentials[] = [
    ['no identity headers at all', () => ({})],
    ['Authorization (a valid token) without X-GamePot-Member-Id', () => gamePotCredentials({ token: alice.token })],
    ['X-GamePot-Member-Id without Authorization', () => gamePotCredentials({ memberId: ALICE })],
    ['a valid token with an empty X-GamePot-Member-Id', () => gamePotCredentials({ token: alice.token, memberId: '' })],
    ['an empty Authorization with a member id', () => ({ authorization: '', headers: { [MEMBER_ID_HEADER]: ALICE } })],
  ];

  it.each(missingIdentity)(
    '%s: API Gateway itself answers 401 {"message":"Unauthorized"} on every player route; the authorizer never runs, nothing reaches the upstream',
    async (_title, credentials) => {
      const { replies, loginauth } = await everyPlayerRoute(await credentials());
      for (const [operation, reply] of replies) {
        expect({ operation, status: reply.status, body: reply.body }).toEqual({ operation, ...GATEWAY_UNAUTHORIZED });
        expect(reply.headers['x-request-id']).toBeUndefined();
      }
      expect(loginauth).toBe(0);
    },
  );

  // Both headers present: the authorizer runs, and lets a refused session through with a `denied`
  // reason that the function answers in our envelope, without calling the vendor.
  const refusedByLoginauth: Array<[...Credentials, loginauthCalls: number]> = [
    ['a forged token', () => gamePotCredentials({ token: randomBytes(24).toString('base64url'), memberId: ALICE }), 1],
    ["Bob's valid token with Alice's member id", () => gamePotCredentials({ token: bob.token, memberId: ALICE }), 1],
    ["Alice's valid token with Bob's member id", () => gamePotCredentials({ token: alice.token, memberId: BOB }), 1],
    [
      'an expired token (GamePot tokens last 60 minutes)',
      async () => {
        const stale = await gamePotLogin(api, ALICE);
        emulator.now = () => gamePotNow() + PAST_TOKEN_EXPIRY_MS;
        return gamePotCredentials(stale);
      },
      1,
    ],
    // Refused by the authorizer itself: no loginauth call is needed to know these are not sessions.
    ['a valid token without the Bearer scheme', () => ({ authorization: alice.token, headers: { [MEMBER_ID_HEADER]: ALICE } }), 0],
    ['an IAM signature with a member id', () => ({ iam: true, headers: { [MEMBER_ID_HEADER]: ALICE } }), 0],
    ['a token over the vendor limit of 2048 characters', () => gamePotCredentials({ token: 'a'.repeat(2049), memberId: ALICE }), 0],
  ];

  it.each(refusedByLoginauth)(
    '%s: 401 UNAUTHENTICATED in our envelope on every player route, nothing reaches the upstream',
    async (_title, credentials, loginauthCalls) => {
      const { replies, loginauth } = await everyPlayerRoute(await credentials());
      for (const [operation, reply] of replies) {
        expect({ operation, ...outcome(reply) }).toEqual({ operation, status: 401, code: 'UNAUTHENTICATED' });
        expectEnvelope(reply, 401, 'UNAUTHENTICATED');
      }
      // Five routes, one authorizer run: the refusal is cached for these header values like any answer.
      expect(loginauth).toBe(loginauthCalls);
    },
  );

  it('the members themselves were not harmed by the refusals: both still act with their own sessions', async () => {
    expect((await alice.list('requested')).status).toBe(200);
    expect((await bob.list('pending')).status).toBe(200);
  });

  describe("another member's userId: 403 IDENTITY_MISMATCH, nothing reaches the upstream", () => {

    it.each(actingAs(BOB, CAROL))('%s', async (_title, operation, options) => {
      const { result: reply, upstream } = await counted(() => alice.call(operation, options));
      expectEnvelope(reply, 403, 'IDENTITY_MISMATCH');
      expect(upstream).toBe(0);
    });

    it('naming yourself as userId is allowed', async () => {
      const reply = await alice.call('list-friendships', { query: { userId: ALICE, status: 'requested' } });
      expect(reply.status).toBe(200);
      expect(emulator.requests.at(-1)?.query.filter).toBe(JSON.stringify({ status: 'requested', user_id: ALICE }));
    });
  });

  it('a member id that loginauth accepts but that breaks the vendor id rule: 403 INVALID_PLAYER_ID, nothing reaches the upstream', async () => {
    const odd = emulator.loginMember('gp.member@example');
    const { result: reply, upstream, loginauth } = await counted(() => api.call('list-friendships', gamePotCredentials(odd)));
    expectEnvelope(reply, 403, 'INVALID_PLAYER_ID');
    expect({ upstream, loginauth }).toEqual({ upstream: 0, loginauth: 1 });
  });

  describe('bulk is for IAM callers only, in GamePot mode too', () => {
    it('a valid GamePot session on bulk: 403 {"message":"Forbidden"} from the IAM authorizer; the GamePot authorizer never runs, nothing reaches the upstream', async () => {
      const { result: reply, upstream, loginauth } = await counted(() => alice.call('bulk-add-friendships', validInput['bulk-add-friendships']));
      expect({ status: reply.status, body: reply.body }).toEqual(GATEWAY_FORBIDDEN);
      expect({ upstream, loginauth }).toEqual({ upstream: 0, loginauth: 0 });
    });

    it('an IAM-signed request is let through (the control)', async () => {
      const pairs = [{ userId: 'gp_authz_dave', friendId: 'gp_authz_erin' }];
      const { result: reply, upstream, loginauth } = await counted(() => api.call('bulk-add-friendships', { iam: true, json: pairs }));
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ added: pairs });
      expect({ upstream, loginauth }).toEqual({ upstream: 1, loginauth: 0 });
    });
  });
});

// ---------------------------------------------------------------------------

describe('when loginauth cannot give a verdict: 503 SESSION_UNAVAILABLE, never a pass', () => {
  const outages: Array<[title: string, memberId: string, fault: Fault]> = [
    ['down (the connection is reset)', 'gp_down_reset', { kind: 'reset' }],
    ['failing (HTTP 500)', 'gp_down_http500', { kind: 'http-status', status: 500 }],
    ['failing with a body that says status 1 (only an HTTP 200 counts)', 'gp_down_502ok', { kind: 'http-status', status: 502, body: '{"status":1}', headers: { 'content-type': 'application/json' } }],
    ['answering HTTP 200 with something that is not JSON', 'gp_down_garbage', { kind: 'http-status', status: 200, body: '<html>maintenance</html>' }],
  ];

  it.each(outages)('loginauth %s: 503 SESSION_UNAVAILABLE with Retry-After: 1, nothing reaches the upstream', async (_title, memberId, fault) => {
    const member = await login(memberId);
    emulator.inject({ fault, path: '/loginauth' });
    const { result: reply, upstream } = await counted(() => member.list());
    expectEnvelope(reply, 503, 'SESSION_UNAVAILABLE');
    expect(reply.headers['retry-after']).toBe('1');
    expect(upstream).toBe(0);
  });

  it(`loginauth slower than the authorizer's deadline (LOGINAUTH_TIMEOUT_MS=${LOGINAUTH_TIMEOUT_MS}): 503 within the deadline, nothing reaches the upstream`, async () => {
    const member = await login('gp_slow_member');
    const delayMs = LOGINAUTH_TIMEOUT_MS + 700;
    emulator.inject({ fault: { kind: 'delay', ms: delayMs }, times: 1, path: '/loginauth' });
    const answeredBefore = emulator.loginauthCalls;
    const { result: reply, upstream } = await counted(() => member.list());
    expectEnvelope(reply, 503, 'SESSION_UNAVAILABLE');
    expect(reply.headers['retry-after']).toBe('1');
    expect(upstream).toBe(0);
    // It waited for loginauth up to its deadline, and no longer: well before the slow answer came.
    expect(reply.ms).toBeGreaterThanOrEqual(LOGINAUTH_TIMEOUT_MS);
    expect(reply.ms).toBeLessThan(LOGINAUTH_TIMEOUT_MS + 600);
    // Let the emulator finish the abandoned call, so that no later test counts it.
    await waitFor(() => emulator.loginauthCalls > answeredBefore);
  });

  it('a 503 is cached for the same headers (the documented trade-off); logging in again, a new token, escapes it', async () => {
    const first = await gamePotLogin(api, 'gp_outage_member');
    emulator.inject({ fault: { kind: 'http-status', status: 503 }, path: '/loginauth' });
    expectEnvelope(await api.call('list-friendships', gamePotCredentials(first)), 503, 'SESSION_UNAVAILABLE');
    emulator.clearFaults();
    // loginauth is back, but these header values still have the cached refusal.
    expectEnvelope(await api.call('list-friendships', gamePotCredentials(first)), 503, 'SESSION_UNAVAILABLE');
    expect(loginauthBodiesFor(first.token)).toHaveLength(1);
    const second = await gamePotLogin(api, 'gp_outage_member');
    expect((await api.call('list-friendships', gamePotCredentials(second))).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------

describe('the authorizer result cache (per pair of header values, for auth.cacheTtlSeconds)', () => {
  it('the same headers twice, even on different routes: loginauth is asked once', async () => {
    const member = await login('gp_cache_once');
    const { loginauth } = await counted(async () => {
      expect((await member.list()).status).toBe(200);
      expect((await member.list('pending')).status).toBe(200);
      expect((await member.request('gp_cache_other')).status).toBe(200);
    });
    expect(loginauth).toBe(1);
    expect(loginauthBodiesFor(member.token)).toHaveLength(1);
  });

  it('the same token with a different member id is not served from the cache: checked afresh, and refused', async () => {
    const [alice, bob] = await Promise.all([login('gp_cache_alice'), login('gp_cache_bob01')]);
    expect((await alice.list()).status).toBe(200);
    const withBobsId = await api.call('list-friendships', gamePotCredentials({ token: alice.token, memberId: bob.id }));
    expectEnvelope(withBobsId, 401, 'UNAUTHENTICATED');
    // Not even a member id that differs only in case shares the cache entry.
    const shouted = await api.call('list-friendships', gamePotCredentials({ token: alice.token, memberId: alice.id.toUpperCase() }));
    expectEnvelope(shouted, 401, 'UNAUTHENTICATED');
    expect(loginauthBodiesFor(alice.token).map((body) => (body as { memberId: string }).memberId)).toEqual([alice.id, bob.id, alice.id.toUpperCase()]);
    // The original pair is still served from the cache.
    expect((await alice.list()).status).toBe(200);
    expect(loginauthBodiesFor(alice.token)).toHaveLength(3);
  });

  it('a new login (a new token) for the same member is checked afresh', async () => {
    const first = await login('gp_cache_relog');
    expect((await first.list()).status).toBe(200);
    const second = await login('gp_cache_relog');
    const { result: reply, loginauth } = await counted(() => second.list());
    expect(reply.status).toBe(200);
    expect(loginauth).toBe(1);
    expect(loginauthBodiesFor(second.token)).toHaveLength(1);
  });

  it('the documented trade-off: a token GamePot has since expired is still let in until the TTL ends, then refused', async () => {
    const member = await login('gp_cache_expiry');
    expect((await member.list()).status).toBe(200);
    emulator.now = () => gamePotNow() + PAST_TOKEN_EXPIRY_MS;
    // Within the TTL: the cached allow, no loginauth call.
    expect((await member.list()).status).toBe(200);
    expect(loginauthBodiesFor(member.token)).toHaveLength(1);
    // Past the TTL (the local API's clock moved on), the authorizer is asked again, and loginauth says expired.
    const clock = Date.now;
    jest.spyOn(Date, 'now').mockImplementation(() => clock() + CACHE_TTL_MS + 1_000);
    const { result: reply, upstream } = await counted(() => member.list());
    expectEnvelope(reply, 401, 'UNAUTHENTICATED');
    expect(upstream).toBe(0);
    expect(loginauthBodiesFor(member.token)).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------

describe('what loginauth is sent', () => {
  /** The secret the functions read, read the same way (GetSecretValue on the stack's Secrets Manager endpoint). */
  async function secretProjectId(): Promise<string> {
    const reply = await send(stack.secrets.url, 'POST', '/', {
      raw: JSON.stringify({ SecretId: LOCAL_SECRET_ARN }),
      contentType: 'application/x-amz-json-1.1',
      headers: { 'x-amz-target': 'secretsmanager.GetSecretValue' },
    });
    const secret = JSON.parse((reply.body as { SecretString: string }).SecretString) as { projectId: string };
    return secret.projectId;
  }

  it("the project id from the stage's secret, the member id, the token (without its scheme) and the client IP", async () => {
    const member = await login('gp_body_member');
    expect((await member.list()).status).toBe(200);
    const projectId = await secretProjectId();
    expect(projectId).toBe(emulator.projectId);
    expect(loginauthBodiesFor(member.token)).toEqual([{ projectId, memberId: member.id, token: member.token, remoteip: '127.0.0.1' }]);
  });

  it('remoteip is the address the connection came from, not a client-supplied X-Forwarded-For', async () => {
    const member = await login('gp_body_xff01');
    const reply = await member.call('list-friendships', { headers: { 'x-forwarded-for': '203.0.113.77' } });
    expect(reply.status).toBe(200);
    expect(loginauthBodiesFor(member.token)).toEqual([expect.objectContaining({ memberId: member.id, remoteip: '127.0.0.1' })]);
  });
});

describe('the OpenAPI contract', () => {
  it('documents every status, code and body this file was answered', () => {
    expect(api.contract.answers.length).toBeGreaterThan(80);
    expect(api.contract.problems()).toEqual([]);
  });
});
