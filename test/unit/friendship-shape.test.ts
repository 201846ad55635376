/** Both vendor generations give the one stable shape. */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { endedFriendshipFromReply, friendshipFromReply, friendshipListFromReply } from '../../functions/core/friendship-shape.js';
import { logger } from '../../functions/core/logger.js';

const id = fc.stringMatching(/^[A-Za-z0-9_-]{4,20}$/);
const name = fc.string({ minLength: 1, maxLength: 20 });
const encoded = (plain: string) => Buffer.from(`Members:${plain}`).toString('base64');

const pair = fc.record({ rowId: fc.uuid(), userId: id, friendId: id, userName: name, friendName: name, status: fc.constantFrom('requested', 'pending', 'accepted', 'rejected') });
type Pair = typeof pair extends fc.Arbitrary<infer T> ? T : never;

const older = (p: Pair) => ({
  project_id: 'p-1',
  id: p.rowId,
  status: p.status,
  user_id: p.userId,
  user: { id: p.userId, nickname: p.userName },
  friend_id: p.friendId,
  friend: { id: p.friendId, nickname: p.friendName },
  requested_at: '2025-01-01T00:00:00+09:00',
});
const newer = (p: Pair) => ({
  project_id: 'p-1',
  id: p.rowId,
  status: p.status,
  user_id: p.userId,
  user: { id: encoded(p.userId), name: p.userName, profile: null },
  friend_id: p.friendId,
  friend: { id: encoded(p.friendId), name: p.friendName, profile: null },
  requested_at: '2025-01-01T00:00:00+09:00',
});

describe('one stable shape', () => {
  it('a mutation answer reads the same in either generation, with plain ids and no project id', () => {
    fc.assert(
      fc.property(pair, (p) => {
        const parties = { userId: p.userId, friendId: p.friendId };
        const a = friendshipFromReply({ friendship: older(p) }, parties);
        const b = friendshipFromReply({ data: { requestFriend: { friendship: newer(p) } } }, parties);
        expect(a.friendship.user).toEqual({ id: p.userId, nickname: p.userName });
        expect(b.friendship.user).toEqual({ id: p.userId, nickname: p.userName, profile: null });
        expect({ ...b.friendship, user: a.friendship.user, friend: a.friendship.friend }).toEqual(a.friendship);
        expect(a.friendship).not.toHaveProperty('project_id');
      }),
    );
  });

  it('a list reads the same as a bare array or a GraphQL connection', () => {
    fc.assert(
      fc.property(id, fc.array(pair, { maxLength: 5 }), (viewer, generated) => {
        const pairs = generated.map((p) => ({ ...p, userId: viewer }));
        const bare = friendshipListFromReply(pairs.map(older), { userId: viewer });
        const connection = friendshipListFromReply({ data: { friendships: { totalCount: pairs.length, edges: pairs.map((p) => ({ node: newer(p) })) } } }, { userId: viewer });
        expect(bare).toHaveLength(pairs.length);
        expect(connection.map((f) => f.user.id)).toEqual(bare.map((f) => f.user.id));
        expect(connection.map((f) => f.friend.nickname)).toEqual(bare.map((f) => f.friend.nickname));
      }),
    );
  });

  it('an answer it cannot read is UPSTREAM_ERROR, not a half-filled friendship', () => {
    expect(() => friendshipFromReply({ message: 'ok' }, { userId: 'alice_01', friendId: 'bob_0002' })).toThrow(expect.objectContaining({ code: 'UPSTREAM_ERROR' }));
    expect(() => friendshipListFromReply({ data: { other: 1 } }, { userId: 'alice_01' })).toThrow(expect.objectContaining({ code: 'UPSTREAM_ERROR' }));
  });
});

describe('nothing the vendor says about identity is trusted', () => {
  const row = (userId: string, friendId: string) => older({ rowId: `${userId}-${friendId}`, userId, friendId, userName: 'U', friendName: 'F', status: 'accepted' });

  it("drops list rows in which the viewer is neither side, and logs a warning", () => {
    const warn = jest.spyOn(logger, 'warn');
    try {
      const list = friendshipListFromReply([row('alice_01', 'bob_0002'), row('mallory1', 'trent_01'), row('carol_03', 'alice_01')], { userId: 'alice_01' });
      expect(list.map((f) => f.id)).toEqual(['alice_01-bob_0002', 'carol_03-alice_01']);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('other players'), expect.objectContaining({ dropped: 1 }));
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps a list of only the viewer\'s rows whole, without a warning', () => {
    const warn = jest.spyOn(logger, 'warn');
    try {
      expect(friendshipListFromReply([row('alice_01', 'bob_0002')], { userId: 'alice_01' })).toHaveLength(1);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('takes a change answer about the same pair either way round', () => {
    expect(friendshipFromReply({ friendship: row('bob_0002', 'alice_01') }, { userId: 'alice_01', friendId: 'bob_0002' }).friendship.id).toBe('bob_0002-alice_01');
  });

  it('refuses a change answer about another pair as UPSTREAM_ERROR', () => {
    const parties = { userId: 'alice_01', friendId: 'bob_0002' };
    for (const [a, b] of [['alice_01', 'carol_03'], ['carol_03', 'bob_0002'], ['mallory1', 'trent_01'], ['alice_01', 'alice_01']] as const) {
      expect(() => friendshipFromReply({ friendship: row(a, b) }, parties)).toThrow(expect.objectContaining({ code: 'UPSTREAM_ERROR' }));
      expect(() => endedFriendshipFromReply({ friendship: row(a, b) }, parties)).toThrow(expect.objectContaining({ code: 'UPSTREAM_ERROR' }));
    }
  });

  it('a status outside the documented five is an answer it cannot read: UPSTREAM_ERROR, not passed on', () => {
    const row = (status: unknown) => ({ id: 'row-1', status, user_id: 'alice_01', friend_id: 'bob_0002', user: { id: 'alice_01' }, friend: { id: 'bob_0002' } });
    for (const status of ['requested', 'pending', 'accepted', 'rejected', 'deleted']) {
      expect(friendshipFromReply({ friendship: row(status) }, { userId: 'alice_01', friendId: 'bob_0002' }).friendship.status).toBe(status);
    }
    for (const status of ['blocked', 'ACCEPTED', '', 3]) {
      expect(() => friendshipFromReply({ friendship: row(status) }, { userId: 'alice_01', friendId: 'bob_0002' })).toThrow(expect.objectContaining({ code: 'UPSTREAM_ERROR' }));
      expect(() => friendshipListFromReply([row(status)], { userId: 'alice_01' })).toThrow(expect.objectContaining({ code: 'UPSTREAM_ERROR' }));
    }
  });
});
