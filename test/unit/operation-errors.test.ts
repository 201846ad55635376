/**
 * Every row of the error table, and the authorization rules, through the
 * handlers in this process (test/support/in-process.ts). None of these may reach
 * the upstream. test/functions/bundle-smoke.test.ts runs a few on the built bundles.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OperationName } from '../../functions/operations.js';
import type { httpEvent } from '../support/fixtures.js';
import { startInProcess, type InProcess } from '../support/in-process.js';

let handlers: InProcess;

beforeAll(async () => {
  handlers = await startInProcess();
});

afterAll(() => handlers.stop());

const call = (name: OperationName, options: Parameters<typeof httpEvent>[1]) => handlers.call(name, options);

const alice = 'alice_0001';
const bob = 'bob-0002';

type Case = [title: string, name: OperationName, options: Parameters<typeof httpEvent>[1], status: number, code: string];

const cases: Case[] = [
  ['malformed JSON', 'request-friend', { playerId: alice, rawBody: '{"friendId": "bob-0002"' }, 400, 'INVALID_JSON'],
  ['a content type that is not JSON', 'request-friend', { playerId: alice, rawBody: 'friendId=bob-0002', contentType: 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a body with no content type', 'request-friend', { playerId: alice, rawBody: '{"friendId":"bob-0002"}', contentType: null }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['a body over 64 KiB', 'request-friend', { playerId: alice, rawBody: `{"friendId":"${'x'.repeat(70_000)}"}` }, 413, 'PAYLOAD_TOO_LARGE'],
  ['a base64 body over 64 KiB', 'request-friend', { playerId: alice, rawBody: `{"friendId":"${'x'.repeat(70_000)}"}`, base64: true }, 413, 'PAYLOAD_TOO_LARGE'],
  ['a body over 64 KiB that is not even JSON', 'bulk-add-friendships', { iam: true, rawBody: '['.repeat(80_000) }, 413, 'PAYLOAD_TOO_LARGE'],
  ['an unknown field', 'request-friend', { playerId: alice, body: { friendId: bob, admin: true } }, 400, 'UNKNOWN_FIELD'],
  ['an unknown query parameter', 'accept-friend', { playerId: alice, body: { friendId: bob }, query: { debug: '1' } }, 400, 'UNKNOWN_FIELD'],
  ['a missing friendId', 'accept-friend', { playerId: alice, body: {} }, 400, 'MISSING_FIELD'],
  ['no body at all', 'reject-friend', { playerId: alice }, 400, 'MISSING_FIELD'],
  ['an empty friendId', 'request-friend', { playerId: alice, body: { friendId: '' } }, 400, 'MISSING_FIELD'],
  ['a short id', 'request-friend', { playerId: alice, body: { friendId: 'bob' } }, 400, 'INVALID_ID'],
  ['an id with forbidden characters', 'accept-friend', { playerId: alice, body: { friendId: 'bob 0002' } }, 400, 'INVALID_ID'],
  ['an id over 128 characters', 'reject-friend', { playerId: alice, body: { friendId: 'b'.repeat(129) } }, 400, 'INVALID_ID'],
  ['a non-string id', 'request-friend', { playerId: alice, body: { friendId: 12345 } }, 400, 'INVALID_ID'],
  ['a JSON array where an object is expected', 'request-friend', { playerId: alice, body: [{ friendId: bob }] }, 400, 'INVALID_INPUT'],
  ['a request to yourself', 'request-friend', { playerId: alice, body: { friendId: alice } }, 400, 'SELF_FRIENDSHIP'],
  ['ending a friendship with yourself', 'end-friendship', { playerId: alice, query: { friendId: alice } }, 400, 'SELF_FRIENDSHIP'],
  ['an over-long message', 'request-friend', { playerId: alice, body: { friendId: bob, message: 'm'.repeat(257) } }, 400, 'MESSAGE_TOO_LONG'],
  ['an unknown list status', 'list-friendships', { playerId: alice, query: { status: 'blocked' } }, 400, 'INVALID_STATUS'],
  ['an unknown status in the vendor filter', 'list-friendships', { playerId: alice, query: { filter: '{"status":"deleted"}' } }, 400, 'INVALID_STATUS'],
  ['a filter that is not JSON', 'list-friendships', { playerId: alice, query: { filter: '{status:accepted' } }, 400, 'INVALID_JSON'],
  ['an unknown filter field', 'list-friendships', { playerId: alice, query: { filter: '{"friend_id":"bob-0002"}' } }, 400, 'UNKNOWN_FIELD'],
  ['a limit of 0', 'list-friendships', { playerId: alice, query: { limit: '0' } }, 400, 'INVALID_PAGING'],
  ['a limit over 100', 'list-friendships', { playerId: alice, query: { limit: '101' } }, 400, 'INVALID_PAGING'],
  ['a negative offset', 'list-friendships', { playerId: alice, query: { offset: '-1' } }, 400, 'INVALID_PAGING'],
  ['a limit that is not a number', 'list-friendships', { playerId: alice, query: { limit: 'ten' } }, 400, 'INVALID_PAGING'],
  ['more than 100 bulk pairs', 'bulk-add-friendships', { iam: true, body: Array.from({ length: 101 }, (_, i) => ({ userId: alice, friendId: `friend_${i}` })) }, 400, 'TOO_MANY_PAIRS'],
  ['an empty bulk list', 'bulk-add-friendships', { iam: true, body: [] }, 400, 'INVALID_INPUT'],
  ['duplicate bulk pairs', 'bulk-add-friendships', { iam: true, body: [{ userId: alice, friendId: bob }, { userId: alice, friendId: bob }] }, 400, 'DUPLICATE_PAIRS'],
  ['a bulk pair with yourself', 'bulk-add-friendships', { iam: true, body: [{ userId: alice, friendId: alice }] }, 400, 'SELF_FRIENDSHIP'],
  ['a bad id inside a bulk pair', 'bulk-add-friendships', { iam: true, body: [{ userId: alice, friendId: 'x!' }] }, 400, 'INVALID_ID'],
  ['a null status in the vendor filter', 'list-friendships', { playerId: alice, query: { filter: '{"status":null}' } }, 400, 'INVALID_STATUS'],
  ['a null user_id in the vendor filter', 'list-friendships', { playerId: alice, query: { filter: '{"user_id":null}' } }, 400, 'INVALID_ID'],
  ['a DELETE body of null', 'end-friendship', { playerId: alice, rawBody: 'null' }, 400, 'INVALID_INPUT'],
  ['a DELETE body of null beside a query', 'end-friendship', { playerId: alice, rawBody: 'null', query: { friendId: bob } }, 400, 'INVALID_INPUT'],
  ['a POST body of null', 'request-friend', { playerId: alice, rawBody: 'null' }, 400, 'INVALID_INPUT'],
  ['an offset over the maximum', 'list-friendships', { playerId: alice, query: { offset: '1000001' } }, 400, 'INVALID_PAGING'],
  ['a request to yourself in other letter case', 'request-friend', { playerId: alice, body: { friendId: alice.toUpperCase() } }, 400, 'SELF_FRIENDSHIP'],
  ['a bulk pair with yourself in other letter case', 'bulk-add-friendships', { iam: true, body: [{ userId: alice, friendId: 'Alice_0001' }] }, 400, 'SELF_FRIENDSHIP'],
  ['acting as your own id in other letter case', 'request-friend', { playerId: alice, body: { userId: 'Alice_0001', friendId: bob } }, 403, 'IDENTITY_MISMATCH'],
  ['the wrong method', 'request-friend', { playerId: alice, body: { friendId: bob }, method: 'GET' }, 405, 'METHOD_NOT_ALLOWED'],
  ['no session', 'request-friend', { body: { friendId: bob } }, 401, 'UNAUTHENTICATED'],
  ['claims without the player claim', 'list-friendships', { claims: { iss: 'x', aud: 'y' } }, 401, 'UNAUTHENTICATED'],
  ['a player id that breaks the vendor id rule', 'request-friend', { claims: { sub: 'auth0|abc123' }, body: { friendId: bob } }, 403, 'INVALID_PLAYER_ID'],
  ['acting as someone else', 'request-friend', { playerId: alice, body: { userId: bob, friendId: 'carol_03' } }, 403, 'IDENTITY_MISMATCH'],
  ['accepting as someone else', 'accept-friend', { playerId: alice, body: { userId: bob, friendId: 'carol_03' } }, 403, 'IDENTITY_MISMATCH'],
  ['ending as someone else through the query', 'end-friendship', { playerId: alice, query: { friendId: bob, userId: 'carol_03' } }, 403, 'IDENTITY_MISMATCH'],
  ["listing someone else's friends through the filter", 'list-friendships', { playerId: alice, query: { filter: '{"status":"accepted","user_id":"bob-0002"}' } }, 403, 'IDENTITY_MISMATCH'],
  ['a player session on bulk', 'bulk-add-friendships', { playerId: alice, body: [{ userId: alice, friendId: bob }] }, 403, 'TRUSTED_CALLER_ONLY'],
  // Defence in depth: the API lets no IAM caller onto a player route, and the function would not take the body's word if it did.
  ['an IAM caller on a player route naming the player in the body', 'request-friend', { iam: true, body: { userId: alice, friendId: bob } }, 401, 'UNAUTHENTICATED'],
  ['an IAM caller accepting for a player', 'accept-friend', { iam: true, body: { userId: alice, friendId: bob } }, 401, 'UNAUTHENTICATED'],
  ['an IAM caller ending for a player through the query', 'end-friendship', { iam: true, query: { userId: alice, friendId: bob } }, 401, 'UNAUTHENTICATED'],
  ["an IAM caller listing a player's friends through the filter", 'list-friendships', { iam: true, query: { filter: '{"status":"accepted","user_id":"alice_0001"}' } }, 401, 'UNAUTHENTICATED'],
];

describe('bad input and bad identity never reach the upstream', () => {
  it.each(cases)('%s', async (_title, name, options, status, code) => {
    const before = handlers.upstreams.emulator.requests.length;
    const answer = await call(name, options);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status, code });
    expect(answer.body).toEqual({ status: -1, code, message: expect.any(String), requestId: expect.stringMatching(/^req-/) });
    expect((answer.body.message as string).length).toBeGreaterThan(10);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(handlers.upstreams.emulator.requests.length).toBe(before);
  });

  it('answers 405 with an Allow header', async () => {
    const answer = await call('list-friendships', { playerId: alice, method: 'POST' });
    expect(answer.headers.allow).toBe('GET');
  });

  it.each([
    ['-1', 'offset'],
    ['1000001', 'offset'],
    ['1.5', 'offset'],
    ['99999999999', 'offset'],
    ['0', 'limit'],
    ['ten', 'limit'],
  ])('says what a paging number must be (%s as %s)', async (value, field) => {
    const answer = await call('list-friendships', { playerId: alice, query: { [field]: value } });
    expect(answer.body.message).toBe(field === 'offset' ? 'offset must be a whole number from 0 to 1000000.' : 'limit must be a whole number from 1 to 100.');
  });

  it('names the missing field in the message', async () => {
    const answer = await call('accept-friend', { playerId: alice, body: {} });
    expect(answer.body.message).toMatch(/friendId/);
  });

  it('checks the session before reading the body', async () => {
    const answer = await call('request-friend', { rawBody: '{not json' });
    expect(answer.status).toBe(401);
  });
});

describe('who may act as whom', () => {
  it('takes the acting player from the verified claim, not the body', async () => {
    handlers.upstreams.emulator.reset();
    const answer = await call('request-friend', { playerId: alice, body: { friendId: bob } });
    expect(answer.status).toBe(200);
    expect(handlers.upstreams.emulator.requests.at(-1)?.body).toEqual({ userId: alice, friendId: bob });
  });

  it('accepts a userId equal to the session player', async () => {
    const answer = await call('accept-friend', { playerId: bob, body: { userId: bob, friendId: alice } });
    expect(answer.status).toBe(200);
    expect((answer.body.friendship as { status: string }).status).toBe('accepted');
  });

  it('reads the claim named by PLAYER_ID_CLAIM', async () => {
    const answer = await handlers.call('list-friendships', { claims: { sub: 'auth0|abc', player_id: alice } }, { PLAYER_ID_CLAIM: 'player_id' });
    expect(answer.status).toBe(200);
    expect(handlers.upstreams.emulator.requests.at(-1)?.query.filter).toBe(JSON.stringify({ status: 'accepted', user_id: alice }));
  });

  it('lets an IAM-authorized caller bulk-add', async () => {
    const pairs = [{ userId: 'carol_03', friendId: 'dave_004' }, { userId: 'carol_03', friendId: 'erin_005' }];
    const answer = await call('bulk-add-friendships', { iam: true, body: pairs });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ added: pairs });
  });

  it('takes a base64-encoded body, as API Gateway sends non-text content', async () => {
    const answer = await call('request-friend', { playerId: 'carol_03', body: { friendId: 'frank_06' }, base64: true, contentType: 'application/json' });
    expect(answer.status).toBe(200);
  });

  it('takes the friend id from the query on DELETE, for clients that cannot send a body', async () => {
    const answer = await call('end-friendship', { playerId: 'carol_03', query: { friendId: 'frank_06' } });
    expect(answer.status).toBe(200);
    expect(answer.body.friendship).toMatchObject({ status: 'deleted', user_id: 'carol_03', friend_id: 'frank_06' });
  });
});
