/**
 * The friendship lifecycle's steps and the identity cases, shared by the JWT and
 * GamePot end-to-end suites: the same product behaviour, whichever session kind
 * proved who the player is. Each suite adds what only its session kind shows.
 */
import { expect } from '@jest/globals';
import { operationNames, operations, type OperationName } from '../../functions/operations.js';
import { NOTHING, friendshipOf, only, rowsOf, type HttpReply, type Player, type SendOptions } from './http.js';

export const seenBy = (...who: Player[]) => Promise.all(who.map((player) => player.everything()));

/** Steps 1 to 6 for a sender and a recipient; each asserts what the issue names for it. */
export const lifecycle = {
  async request(sender: Player, recipient: Player, message: string): Promise<HttpReply> {
    const sent = await sender.request(recipient.id, message);
    expect(sent.status).toBe(200);
    expect(friendshipOf(sent)).toMatchObject({
      status: 'requested',
      user_id: sender.id,
      friend_id: recipient.id,
      user: { id: sender.id },
      friend: { id: recipient.id },
      message,
    });
    return sent;
  },

  async seeRequested(sender: Player, recipient: Player, message: string): Promise<void> {
    const [bySender, byRecipient] = await seenBy(sender, recipient);
    expect(bySender).toEqual(only('requested', recipient.id));
    expect(byRecipient).toEqual(only('pending', sender.id));
    const pending = rowsOf(await recipient.list('pending'));
    expect(pending).toEqual([expect.objectContaining({ status: 'pending', user_id: recipient.id, friend_id: sender.id, message })]);
  },

  async accept(sender: Player, recipient: Player): Promise<void> {
    const accepted = await recipient.accept(sender.id);
    expect(accepted.status).toBe(200);
    expect(friendshipOf(accepted)).toMatchObject({ status: 'accepted', user_id: recipient.id, friend_id: sender.id });
  },

  async seeFriends(a: Player, b: Player): Promise<void> {
    const [aDefault, bDefault] = await Promise.all([a.list(), b.list()]);
    expect(rowsOf(aDefault)).toEqual([expect.objectContaining({ status: 'accepted', user_id: a.id, friend_id: b.id })]);
    expect(rowsOf(bDefault)).toEqual([expect.objectContaining({ status: 'accepted', user_id: b.id, friend_id: a.id })]);
    expect(await seenBy(a, b)).toEqual([only('accepted', b.id), only('accepted', a.id)]);
  },

  async reject(sender: Player, recipient: Player): Promise<void> {
    const rejected = await recipient.reject(sender.id);
    expect(rejected.status).toBe(200);
    expect(friendshipOf(rejected)).toMatchObject({ status: 'rejected', user_id: recipient.id, friend_id: sender.id });
  },

  async seeRejected(sender: Player, recipient: Player): Promise<void> {
    expect(await seenBy(sender, recipient)).toEqual([only('rejected', recipient.id), only('rejected', sender.id)]);
  },

  /** Through the query, as a client that cannot send a DELETE body. */
  async end(by: Player, other: Player): Promise<void> {
    const ended = await by.end(other.id, 'query');
    expect(ended.status).toBe(200);
    expect(friendshipOf(ended)).toMatchObject({ status: 'deleted', user_id: by.id, friend_id: other.id });
  },

  async seeNothing(a: Player, b: Player): Promise<void> {
    expect(await seenBy(a, b)).toEqual([NOTHING, NOTHING]);
  },
};

/** Every way a request can name `other` as the acting player: each must be 403 IDENTITY_MISMATCH. */
export const actingAs = (other: string, third: string): Array<[title: string, operation: OperationName, options: SendOptions]> => [
  ['request as the other player', 'request-friend', { json: { userId: other, friendId: third } }],
  ['accept as the other player', 'accept-friend', { json: { userId: other, friendId: third } }],
  ['reject as the other player', 'reject-friend', { json: { userId: other, friendId: third } }],
  ['end as the other player, in the body', 'end-friendship', { json: { userId: other, friendId: third } }],
  ['end as the other player, in the query', 'end-friendship', { query: { userId: other, friendId: third } }],
  ["list the other player's friends, in the query", 'list-friendships', { query: { userId: other } }],
  ["list the other player's friends, in the vendor filter", 'list-friendships', { query: { filter: JSON.stringify({ status: 'pending', user_id: other }) } }],
];

export const playerRoutes = operationNames.filter((name) => operations[name].access === 'player');

/** A well-formed request for each route, as `self` would send it to `friend`: only the credentials vary. */
export const wellFormedInput = (self: string, friend: string): Record<OperationName, SendOptions> => ({
  'request-friend': { json: { friendId: friend, message: 'hi' } },
  'accept-friend': { json: { friendId: friend } },
  'reject-friend': { json: { friendId: friend } },
  'end-friendship': { json: { friendId: friend } },
  'list-friendships': { query: { status: 'pending' } },
  'bulk-add-friendships': { json: [{ userId: self, friendId: friend }] },
});
