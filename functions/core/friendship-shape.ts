/**
 * One stable success shape, whichever vendor generation answered:
 * - older: `{friendship: {..., user: {id, nickname}}}`, lists as a bare array;
 * - newer: `{data: {<mutation>: {friendship: {..., user: {id, name, profile}}}}}`,
 *   lists as a GraphQL connection `{totalCount, edges: [{node}]}`.
 * `user.id`/`friend.id` are always the plain ids; the newer form's encoded ids
 * are never passed on, and `project_id` is dropped.
 */
import { FriendshipFault } from './errors.js';
import { asRecord } from './json.js';
import { logger } from './logger.js';
import type { Friendship, FriendshipList } from './response-schemas.js';
import { friendshipResultStatus, type FriendshipResultStatus } from './schemas.js';

/** The acting player and, for a change, the other player: what an answer must be about. */
interface Parties {
  userId: string;
  friendId: string;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const optionalText = (value: unknown): string | null | undefined => (value === null ? null : text(value));
/** A status we do not document is an answer we cannot read, not one to pass on. */
const resultStatus = (value: unknown): FriendshipResultStatus | undefined => friendshipResultStatus.options.find((status) => status === value);

const unexpected = () => new FriendshipFault('UPSTREAM_ERROR', 'The friendship service gave an answer we could not read.');

/** The newer form nests the payload under `data.<operation>`; take the one value there. */
function unwrapData(body: unknown): unknown {
  const data = asRecord(asRecord(body)?.data);
  if (!data) return body;
  const values = Object.values(data);
  return values.length === 1 ? values[0] : body;
}

function player(raw: unknown, plainId: string) {
  const record = asRecord(raw) ?? {};
  const nickname = optionalText(record.nickname) ?? optionalText(record.name);
  const profile = optionalText(record.profile);
  return {
    id: plainId,
    ...(nickname !== undefined ? { nickname } : {}),
    ...(profile !== undefined ? { profile } : {}),
  };
}

function toFriendship(raw: unknown): Friendship {
  const record = asRecord(raw);
  const id = text(record?.id);
  const status = resultStatus(record?.status);
  const userId = text(record?.user_id);
  const friendId = text(record?.friend_id);
  if (!record || id === undefined || status === undefined || userId === undefined || friendId === undefined) throw unexpected();
  const result: Friendship = {
    id,
    status,
    user_id: userId,
    friend_id: friendId,
    user: player(record.user, userId),
    friend: player(record.friend, friendId),
  };
  for (const field of ['message', 'created_at', 'updated_at', 'requested_at'] as const) {
    const value = optionalText(record[field]);
    if (value !== undefined) result[field] = value;
  }
  return result;
}

/**
 * Defence in depth against a misbehaving or misrouted vendor: an answer about
 * another pair of players is never passed on, whichever way round it names them.
 */
function aboutParties(friendship: Friendship, parties: Parties): Friendship {
  const { user_id: a, friend_id: b } = friendship;
  const same = (a === parties.userId && b === parties.friendId) || (a === parties.friendId && b === parties.userId);
  if (!same) {
    logger.warn('vendor answered about another pair of players', { reason: 'foreign-friendship' });
    throw new FriendshipFault('UPSTREAM_ERROR', 'The friendship service answered about other players.');
  }
  return friendship;
}

export function friendshipFromReply(body: unknown, parties: Parties): { friendship: Friendship } {
  const payload = asRecord(unwrapData(body));
  return { friendship: aboutParties(toFriendship(payload?.friendship), parties) };
}

function vendorRows(body: unknown): FriendshipList {
  let payload = unwrapData(body);
  const record = asRecord(payload);
  if (record && Array.isArray(record.friendships)) payload = record.friendships;
  if (Array.isArray(payload)) return payload.map(toFriendship);
  const edges = asRecord(payload)?.edges;
  if (Array.isArray(edges)) return edges.map((edge) => toFriendship(asRecord(edge)?.node));
  throw unexpected();
}

/** The viewer's rows only: a row in which the viewer is neither side is dropped, and the drop is logged. */
export function friendshipListFromReply(body: unknown, viewer: { userId: string }): FriendshipList {
  const rows = vendorRows(body);
  const own = rows.filter((row) => row.user_id === viewer.userId || row.friend_id === viewer.userId);
  if (own.length < rows.length) logger.warn('vendor listed rows of other players; dropped', { reason: 'foreign-rows', dropped: rows.length - own.length });
  return own;
}

/** Ending answers `{friendship}` with status `deleted`; a vendor that says less still gets the same shape. */
export function endedFriendshipFromReply(body: unknown, input: Parties): { friendship: Friendship } {
  const payload = asRecord(unwrapData(body));
  if (payload?.friendship !== undefined) return { friendship: aboutParties(toFriendship(payload.friendship), input) };
  return {
    friendship: {
      id: '',
      status: 'deleted',
      user_id: input.userId,
      friend_id: input.friendId,
      user: { id: input.userId },
      friend: { id: input.friendId },
    },
  };
}
