/**
 * Bad input through the HTTP API, one case (or more) per error code, each in the
 * one error envelope and none reaching the upstream. Also the local API's own
 * behaviours: unknown routes, and non-text bodies arriving base64-encoded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorStatus, type ErrorCode } from '../../functions/core/errors.js';
import type { OperationName } from '../../functions/operations.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { Api, outcome, send, type HttpReply, type SendOptions } from '../support/http.js';

let stack: LocalStack;
/** A stack whose functions read the player id from a custom claim, as a game's own OIDC issuer may need. */
let claimStack: LocalStack;
let api: Api;
let claimApi: Api;
let alice: string;

const ALICE = 'bad_alice01';
const BOB = 'bad_bob0002';

beforeAll(async () => {
  [stack, claimStack] = await Promise.all([
    startLocalStack({ port: 0, quiet: true, functionLogs: false }),
    startLocalStack({ port: 0, quiet: true, functionLogs: false, functionEnv: { PLAYER_ID_CLAIM: 'player_id' } }),
  ]);
  api = new Api(stack);
  claimApi = new Api(claimStack);
  alice = await api.session(ALICE);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), claimStack?.stop()]);
});

/** Credentials for a case: Alice's session, or the local IAM stand-in for bulk. */
type As = 'alice' | 'iam';
type Case = [title: string, operation: OperationName, as: As, options: SendOptions, status: number, code: ErrorCode];

const big = (bytes: number) => `{"friendId":"${'x'.repeat(bytes)}"}`;
const pairs = (count: number) => Array.from({ length: count }, (_, i) => ({ userId: ALICE, friendId: `friend_${String(i).padStart(3, '0')}` }));

const cases: Case[] = [
  ['malformed JSON', 'request-friend', 'alice', { raw: '{"friendId": "bad_bob0002"' }, 400, 'INVALID_JSON'],
  ['a vendor filter that is not JSON', 'list-friendships', 'alice', { query: { filter: '{status:accepted' } }, 400, 'INVALID_JSON'],
  ['a JSON array where an object is expected', 'request-friend', 'alice', { json: [{ friendId: BOB }] }, 400, 'INVALID_INPUT'],
  ['a JSON string where an object is expected', 'accept-friend', 'alice', { json: 'bad_bob0002' }, 400, 'INVALID_INPUT'],
  ['the body and the query disagreeing on a DELETE', 'end-friendship', 'alice', { json: { friendId: BOB }, query: { friendId: 'bad_carol03' } }, 400, 'INVALID_INPUT'],
  ['a list request with a body', 'list-friendships', 'alice', { json: { status: 'accepted' } }, 400, 'INVALID_INPUT'],
  ['an empty bulk list', 'bulk-add-friendships', 'iam', { json: [] }, 400, 'INVALID_INPUT'],
  ['an unknown field', 'request-friend', 'alice', { json: { friendId: BOB, admin: true } }, 400, 'UNKNOWN_FIELD'],
  ['an unknown query parameter', 'accept-friend', 'alice', { json: { friendId: BOB }, query: { debug: '1' } }, 400, 'UNKNOWN_FIELD'],
  ['an unknown field in the vendor filter', 'list-friendships', 'alice', { query: { filter: '{"friend_id":"bad_bob0002"}' } }, 400, 'UNKNOWN_FIELD'],
  ['an unknown field in a bulk pair', 'bulk-add-friendships', 'iam', { json: [{ userId: ALICE, friendId: BOB, status: 'accepted' }] }, 400, 'UNKNOWN_FIELD'],
  ['a missing friendId', 'accept-friend', 'alice', { json: {} }, 400, 'MISSING_FIELD'],
  ['no body at all', 'reject-friend', 'alice', {}, 400, 'MISSING_FIELD'],
  ['an empty friendId', 'request-friend', 'alice', { json: { friendId: '' } }, 400, 'MISSING_FIELD'],
  ['a DELETE with neither body nor query', 'end-friendship', 'alice', {}, 400, 'MISSING_FIELD'],
  ['a short id', 'request-friend', 'alice', { json: { friendId: 'bob' } }, 400, 'INVALID_ID'],
  ['an id with a space', 'accept-friend', 'alice', { json: { friendId: 'bob 0002' } }, 400, 'INVALID_ID'],
  ['an id over 128 characters', 'reject-friend', 'alice', { json: { friendId: 'b'.repeat(129) } }, 400, 'INVALID_ID'],
  ['a number as an id', 'request-friend', 'alice', { json: { friendId: 12345678 } }, 400, 'INVALID_ID'],
  ['a bad id in the query of a DELETE', 'end-friendship', 'alice', { query: { friendId: 'bob/../admin' } }, 400, 'INVALID_ID'],
  ['a bad id inside a bulk pair', 'bulk-add-friendships', 'iam', { json: [{ userId: ALICE, friendId: 'x!' }] }, 400, 'INVALID_ID'],
  ['a request to yourself', 'request-friend', 'alice', { json: { friendId: ALICE } }, 400, 'SELF_FRIENDSHIP'],
  ['ending a friendship with yourself, through the query', 'end-friendship', 'alice', { query: { friendId: ALICE } }, 400, 'SELF_FRIENDSHIP'],
  ['a bulk pair with yourself', 'bulk-add-friendships', 'iam', { json: [{ userId: ALICE, friendId: ALICE }] }, 400, 'SELF_FRIENDSHIP'],
  ['a message over 256 characters', 'request-friend', 'alice', { json: { friendId: BOB, message: 'm'.repeat(257) } }, 400, 'MESSAGE_TOO_LONG'],
  ['an unknown list status', 'list-friendships', 'alice', { query: { status: 'blocked' } }, 400, 'INVALID_STATUS'],
  ['an unknown status in the vendor filter', 'list-friendships', 'alice', { query: { filter: '{"status":"deleted"}' } }, 400, 'INVALID_STATUS'],
  ['a limit of 0', 'list-friendships', 'alice', { query: { limit: '0' } }, 400, 'INVALID_PAGING'],
  ['a limit over 100', 'list-friendships', 'alice', { query: { limit: '101' } }, 400, 'INVALID_PAGING'],
  ['a negative offset', 'list-friendships', 'alice', { query: { offset: '-1' } }, 400, 'INVALID_PAGING'],
  ['a limit that is not a number', 'list-friendships', 'alice', { query: { limit: 'ten' } }, 400, 'INVALID_PAGING'],
  ['more than 100 bulk pairs', 'bulk-add-friendships', 'iam', { json: pairs(101) }, 400, 'TOO_MANY_PAIRS'],
  ['the same bulk pair twice', 'bulk-add-friendships', 'iam', { json: [{ userId: ALICE, friendId: BOB }, { userId: ALICE, friendId: BOB }] }, 400, 'DUPLICATE_PAIRS'],
  ['acting as someone else', 'request-friend', 'alice', { json: { userId: BOB, friendId: 'bad_carol03' } }, 403, 'IDENTITY_MISMATCH'],
  ['a body over 64 KiB', 'request-friend', 'alice', { raw: big(70_000) }, 413, 'PAYLOAD_TOO_LARGE'],
  ['a bulk body over 64 KiB that is not even JSON', 'bulk-add-friendships', 'iam', { raw: '['.repeat(80_000) }, 413, 'PAYLOAD_TOO_LARGE'],
  ['a list request with a body over 64 KiB', 'list-friendships', 'alice', { raw: big(70_000) }, 413, 'PAYLOAD_TOO_LARGE'],
  ['a form body', 'request-friend', 'alice', { raw: 'friendId=bad_bob0002', contentType: 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a text/plain body', 'accept-friend', 'alice', { raw: '{"friendId":"bad_bob0002"}', contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a body with no content type', 'request-friend', 'alice', { raw: '{"friendId":"bad_bob0002"}', contentType: null }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a bulk body sent as XML', 'bulk-add-friendships', 'iam', { raw: '<pairs/>', contentType: 'application/xml' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
];

function credentials(as: As): SendOptions {
  return as === 'iam' ? { iam: true } : { token: alice };
}

/** The one error envelope, with the request id also in x-request-id. */
function expectEnvelope(reply: HttpReply, status: number, code: string): void {
  expect(outcome(reply)).toEqual({ status, code });
  expect(reply.body).toEqual({ status: -1, code, message: expect.any(String), requestId: expect.any(String) });
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.headers['x-request-id']).toBe((reply.body as { requestId: string }).requestId);
  expect((reply.body as { message: string }).message.length).toBeGreaterThan(10);
}

describe('bad input through the HTTP API never reaches the upstream', () => {
  const titled = cases.map(([title, ...rest]): Case => [`${title} (${rest[0]}) → ${rest[3]} ${rest[4]}`, ...rest]);
  it.each(titled)('%s', async (_title, operation, as, options, status, code) => {
    expect(errorStatus[code]).toBe(status);
    const before = api.upstreamRequests;
    const reply = await api.call(operation, { ...options, ...credentials(as) });
    expectEnvelope(reply, status, code);
    expect(api.upstreamRequests).toBe(before);
  });

  it('names the missing field, and never echoes a long bad value back', async () => {
    const missing = await api.call('accept-friend', { token: alice, json: {} });
    expect((missing.body as { message: string }).message).toMatch(/friendId/);
    const long = await api.call('request-friend', { token: alice, json: { friendId: `${'z'.repeat(200)}!` } });
    expect(long.text).not.toContain('z'.repeat(100));
  });

  it('answers the session before the body: a malformed body without a token is 401', async () => {
    const before = api.upstreamRequests;
    const reply = await api.call('request-friend', { raw: '{not json' });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    expect(api.upstreamRequests).toBe(before);
  });

  it('a player id that breaks the vendor id rule: 403 INVALID_PLAYER_ID', async () => {
    const { token } = await stack.issuer.issue('auth0|abc123');
    const before = api.upstreamRequests;
    expectEnvelope(await api.call('request-friend', { token, json: { friendId: BOB } }), 403, 'INVALID_PLAYER_ID');
    expectEnvelope(await api.call('list-friendships', { token }), 403, 'INVALID_PLAYER_ID');
    expect(api.upstreamRequests).toBe(before);
  });
});

describe('the player id from a custom claim (PLAYER_ID_CLAIM=player_id)', () => {
  it('a verified token without that claim: 401 UNAUTHENTICATED in the envelope, nothing reaches the upstream', async () => {
    const { token } = await claimStack.issuer.issue('oidc-subject-0001');
    const before = claimApi.upstreamRequests;
    expectEnvelope(await claimApi.call('list-friendships', { token }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await claimApi.call('request-friend', { token, json: { friendId: BOB } }), 401, 'UNAUTHENTICATED');
    expect(claimApi.upstreamRequests).toBe(before);
  });

  it('a claim that breaks the vendor id rule: 403 INVALID_PLAYER_ID', async () => {
    const { token } = await claimStack.issuer.issue('oidc-subject-0002', { claims: { player_id: 'no' } });
    const before = claimApi.upstreamRequests;
    expectEnvelope(await claimApi.call('accept-friend', { token, json: { friendId: BOB } }), 403, 'INVALID_PLAYER_ID');
    expect(claimApi.upstreamRequests).toBe(before);
  });

  it('a good claim is the acting player, not the subject (the control)', async () => {
    const { token } = await claimStack.issuer.issue('oidc-subject-0003', { claims: { player_id: ALICE } });
    const reply = await claimApi.call('request-friend', { token, json: { friendId: BOB } });
    expect(reply.status).toBe(200);
    expect(claimStack.emulator!.requests.at(-1)?.body).toEqual({ userId: ALICE, friendId: BOB });
  });
});

describe('codes that bad input cannot reach through the HTTP API, because API Gateway answers first', () => {
  it('METHOD_NOT_ALLOWED: a route with the wrong method is no route at all: 404 Not Found', async () => {
    const before = api.upstreamRequests;
    const reply = await send(api.url, 'GET', '/v1/api/friendship/request', { token: alice });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 404, body: { message: 'Not Found' } });
    expect(api.upstreamRequests).toBe(before);
  });

  it('TRUSTED_CALLER_ONLY: a player token on bulk is refused by the IAM authorizer: 403 Forbidden', async () => {
    const before = api.upstreamRequests;
    const reply = await api.call('bulk-add-friendships', { token: alice, json: [{ userId: ALICE, friendId: BOB }] });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 403, body: { message: 'Forbidden' } });
    expect(api.upstreamRequests).toBe(before);
  });

  it('every code in the error table is covered here, or is not an input error (and is covered where it belongs)', () => {
    const coveredHere = new Set<string>([...cases.map((entry) => entry[5]), 'INVALID_PLAYER_ID', 'UNAUTHENTICATED']);
    const elsewhere: Record<string, string> = {
      METHOD_NOT_ALLOWED: 'API Gateway routes by method (above); bundle-errors.test.ts',
      TRUSTED_CALLER_ONLY: 'the IAM authorizer answers first (above); bundle-errors.test.ts',
      UPSTREAM_REJECTED: 'lifecycle.test.ts, faults.test.ts',
      UPSTREAM_RATE_LIMITED: 'faults.test.ts',
      UPSTREAM_ERROR: 'faults.test.ts',
      UPSTREAM_AUTH: 'faults.test.ts',
      UPSTREAM_CONFIG: 'faults.test.ts',
      UPSTREAM_TIMEOUT: 'faults.test.ts',
      SECRET_UNAVAILABLE: 'faults.test.ts',
      SECRET_MALFORMED: 'faults.test.ts',
      SESSION_UNAVAILABLE: 'GamePot session mode: gamepot.test.ts, gamepot-authorizer.test.ts',
      RATE_LIMITED: 'the player guard: guard/rate-limits.test.ts, e2e/guard.test.ts',
      GUARD_UNAVAILABLE: 'the guard store down or slow: guard/rate-limits.test.ts',
      INTERNAL: 'an unexpected failure: bundle-upstream.test.ts (missing SECRET_ID)',
    };
    const uncovered = Object.keys(errorStatus).filter((code) => !coveredHere.has(code) && !(code in elsewhere));
    expect(uncovered).toEqual([]);
  });
});

describe('the local API', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/v1/api/friendship'],
    ['POST', '/v1/api/friendships'],
    ['POST', '/v1/api/friendship/request/'],
    ['POST', '/v1/api/friendship/block'],
    ['PUT', '/v1/api/friendship/accept'],
    ['GET', '/openapi.yaml'],
  ])('%s %s is not a route: 404 {"message":"Not Found"}, nothing reaches the upstream', async (method, path) => {
    const before = api.upstreamRequests;
    const reply = await send(api.url, method, path, { token: alice, json: { friendId: BOB } });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 404, body: { message: 'Not Found' } });
    expect(api.upstreamRequests).toBe(before);
  });

  it('a non-text content type reaches the handler base64-encoded, and the handler decodes it', async () => {
    const before = api.upstreamRequests;
    // A JSON body labelled application/octet-stream: the handler's own 415 proves it arrived.
    const labelled = await api.call('request-friend', { token: alice, raw: JSON.stringify({ friendId: BOB }), contentType: 'application/octet-stream' });
    expectEnvelope(labelled, 415, 'UNSUPPORTED_MEDIA_TYPE');
    // Over 64 KiB once decoded (more once base64-encoded): the handler measured the decoded bytes.
    const large = await api.call('request-friend', { token: alice, raw: Buffer.alloc(66_000, 0x41), contentType: 'application/octet-stream' });
    expectEnvelope(large, 413, 'PAYLOAD_TOO_LARGE');
    // Under 64 KiB decoded but over it base64-encoded: not too large, so it is the media type that is refused.
    const nearLimit = await api.call('request-friend', { token: alice, raw: Buffer.alloc(60_000, 0x41), contentType: 'image/png' });
    expectEnvelope(nearLimit, 415, 'UNSUPPORTED_MEDIA_TYPE');
    // 40,000 bytes that are not UTF-8: read as text they would become 120,000 bytes of U+FFFD and be too
    // large; carried as base64 they arrive as the same 40,000 bytes, so it is the media type that is refused.
    const binary = await api.call('request-friend', { token: alice, raw: Buffer.alloc(40_000, 0xff), contentType: 'application/octet-stream' });
    expectEnvelope(binary, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(api.upstreamRequests).toBe(before);
  });

  it('a JSON media type with a suffix or parameters is JSON', async () => {
    const [carol, dave] = ['bad_carol03', 'bad_dave004'];
    const token = await api.session(carol);
    const suffixed = await api.call('request-friend', { token, raw: JSON.stringify({ friendId: dave }), contentType: 'application/vnd.game+json' });
    expect(suffixed.status).toBe(200);
    const withCharset = await api.call('end-friendship', { token, raw: JSON.stringify({ friendId: dave }), contentType: 'application/json; charset=utf-8' });
    expect(withCharset.status).toBe(200);
  });
});

describe('the OpenAPI contract', () => {
  it('documents every status, code and body this file was answered', () => {
    expect(api.contract.answers.length).toBeGreaterThan(cases.length);
    expect([...api.contract.problems(), ...claimApi.contract.problems()]).toEqual([]);
  });
});
