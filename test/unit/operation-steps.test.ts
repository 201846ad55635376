/** The handler's steps, each on its own: method, caller, admission, input, acting player. */
import { describe, expect, it } from '@jest/globals';
import { withActingPlayer } from '../../functions/core/acting.js';
import { FriendshipFault } from '../../functions/core/errors.js';
import type { HttpApiEvent } from '../../functions/core/event.js';
import { readerFor } from '../../functions/core/http-input.js';
import { callerOf } from '../../functions/core/identity.js';
import { admit, checkMethod, inputFromHttp, inputFromPayload } from '../../functions/core/operation.js';
import { operations } from '../../functions/operations.js';
import { httpEvent } from '../support/fixtures.js';
import { rejectionOf } from '../support/rejection.js';

const event = (...args: Parameters<typeof httpEvent>) => httpEvent(...args) as unknown as HttpApiEvent;
const codeOf = (run: () => unknown) => rejectionOf(Promise.resolve().then(run), FriendshipFault).then((fault) => fault.code);

describe('checkMethod', () => {
  it("passes the operation's method and refuses another", async () => {
    expect(() => checkMethod('list-friendships', operations['list-friendships'], event('list-friendships', {}))).not.toThrow();
    expect(await codeOf(() => checkMethod('list-friendships', operations['list-friendships'], event('list-friendships', { method: 'post' })))).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('callerOf and admit', () => {
  it('admits a player to a player route as its session id, and nobody else', async () => {
    const player = callerOf(event('request-friend', { playerId: 'alice_01' }), 'sub');
    expect(admit('request-friend', operations['request-friend'], player)).toBe('alice_01');
    expect(await codeOf(() => admit('bulk-add-friendships', operations['bulk-add-friendships'], player))).toBe('TRUSTED_CALLER_ONLY');
    const iam = callerOf(event('request-friend', { iam: true }), 'sub');
    expect(await codeOf(() => admit('request-friend', operations['request-friend'], iam))).toBe('UNAUTHENTICATED');
    expect(admit('bulk-add-friendships', operations['bulk-add-friendships'], iam)).toBeUndefined();
  });

  it('reads only the configured claim', async () => {
    const claims = { sub: 'auth0|x', player_id: 'alice_01' };
    expect(callerOf(event('list-friendships', { claims }), 'player_id')).toEqual({ kind: 'player', playerId: 'alice_01' });
    expect(await codeOf(() => callerOf(event('list-friendships', { claims }), 'sub'))).toBe('INVALID_PLAYER_ID');
    expect(await codeOf(() => callerOf(event('list-friendships', { claims: { aud: 'x' } }), 'sub'))).toBe('UNAUTHENTICATED');
  });
});

describe('readerFor', () => {
  it('takes the query parameters the registry declares, and no other', async () => {
    const list = readerFor(operations['list-friendships'].http);
    expect(list(event('list-friendships', { query: { status: 'pending', offset: '20', limit: '5' } }))).toEqual({ status: 'pending', offset: 20, limit: 5 });
    expect(await codeOf(() => list(event('list-friendships', { query: { sort: '{}' } })))).toBe('UNKNOWN_FIELD');
    const end = readerFor(operations['end-friendship'].http);
    expect(end(event('end-friendship', { query: { friendId: 'bob_0002' } }))).toEqual({ friendId: 'bob_0002' });
    expect(await codeOf(() => end(event('end-friendship', { body: { friendId: 'bob_0002' }, query: { friendId: 'carol_03' } })))).toBe('INVALID_INPUT');
  });
});

describe('inputFromHttp and inputFromPayload', () => {
  it('fills in the acting player from the session, and from the payload in a direct invocation', async () => {
    expect(inputFromHttp('request-friend', event('request-friend', { playerId: 'alice_01', body: { friendId: 'bob_0002' } }), 'sub')).toEqual({ userId: 'alice_01', friendId: 'bob_0002' });
    expect(inputFromPayload('request-friend', { userId: 'alice_01', friendId: 'bob_0002' })).toEqual({ userId: 'alice_01', friendId: 'bob_0002' });
    expect(await codeOf(() => inputFromPayload('request-friend', { friendId: 'bob_0002' }))).toBe('MISSING_FIELD');
    expect(inputFromPayload('bulk-add-friendships', [{ userId: 'alice_01', friendId: 'bob_0002' }])).toEqual([{ userId: 'alice_01', friendId: 'bob_0002' }]);
  });

  it('checks the session before the body', async () => {
    expect(await codeOf(() => inputFromHttp('request-friend', event('request-friend', { rawBody: '{not json' }), 'sub'))).toBe('UNAUTHENTICATED');
  });
});

describe('withActingPlayer', () => {
  it('refuses another player, exactly; refuses yourself, whatever the case', async () => {
    expect(await codeOf(() => withActingPlayer({ userId: 'Alice_01', friendId: 'bob_0002' }, 'alice_01'))).toBe('IDENTITY_MISMATCH');
    expect(await codeOf(() => withActingPlayer({ friendId: 'ALICE_01' }, 'alice_01'))).toBe('SELF_FRIENDSHIP');
    expect(withActingPlayer({ userId: 'alice_01', friendId: 'bob_0002' }, 'alice_01')).toEqual({ userId: 'alice_01', friendId: 'bob_0002' });
  });
});
