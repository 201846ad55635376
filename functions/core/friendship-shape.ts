/**
 * One stable success shape, whichever vendor generation answered:
 * - older: `{friendship: {..., user: {id, nickname}}}`, lists as a bare array;
 * - newer: `{data: {<mutation>: {friendship: {..., user: {id, name, profile}}}}}`,
 *   lists as a GraphQL connection `{totalCount, edges: [{node}]}`.
 * `user.id`/`friend.id` are always the plain ids; the newer form's encoded ids
 * are never passed on, and `project_id` is dropped.
 */
import { FriendshipFault } from './errors.js';
import { friendshipResultStatus, type Friendship, type FriendshipList, type FriendshipResultStatus } from './schemas.js';

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
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

export function toFriendship(raw: unknown): Friendship {
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

export function friendshipFromReply(body: unknown): { friendship: Friendship } {
  const payload = asRecord(unwrapData(body));
  return { friendship: toFriendship(payload?.friendship) };
}

export function friendshipListFromReply(body: unknown): FriendshipList {
  let payload = unwrapData(body);
  const record = asRecord(payload);
  if (record && Array.isArray(record.friendships)) payload = record.friendships;
  if (Array.isArray(payload)) return payload.map(toFriendship);
  const edges = asRecord(payload)?.edges;
  if (Array.isArray(edges)) return edges.map((edge) => toFriendship(asRecord(edge)?.node));
  throw unexpected();
}

/** Ending answers `{friendship}` with status `deleted`; a vendor that says less still gets the same shape. */
export function endedFriendshipFromReply(body: unknown, input: { userId: string; friendId: string }): { friendship: Friendship } {
  const payload = asRecord(unwrapData(body));
  if (payload?.friendship !== undefined) return { friendship: toFriendship(payload.friendship) };
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
