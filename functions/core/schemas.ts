/**
 * The zod schemas: the single source of the input and output types, of the
 * validation, and of the OpenAPI document. zod/mini keeps the bundles small.
 */
import * as z from 'zod/mini';

/** The vendor's member-id rule (upstream.md, "Ids"). */
export const PLAYER_ID_PATTERN = /^[A-Za-z0-9_-]{4,128}$/;
export const MESSAGE_MAX_LENGTH = 256;

/**
 * Whether two ids could be one player at the vendor, whose case rules are not
 * documented: the self-friendship check ignores case, so that `Alice_01` cannot
 * befriend `alice_01`. Identity checks stay exact.
 */
export const mayBeSamePlayer = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
export const BULK_MAX_PAIRS = 100;
export const LIST_MAX_LIMIT = 100;
export const LIST_DEFAULT_LIMIT = 20;
/** Paging deeper than this is refused: no player has that many rows, and the vendor's cost grows with the offset. */
export const LIST_MAX_OFFSET = 1_000_000;

const requiredString = (field: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`) });

export const playerId = (field: string) =>
  requiredString(field).check(
    z.minLength(1, `${field} must not be empty`),
    z.regex(PLAYER_ID_PATTERN, `${field} must be 4 to 128 characters of A-Z, a-z, 0-9, '_' or '-'`),
  );

/** The statuses a list is filtered by. */
export const friendshipStatus = z.enum(['requested', 'pending', 'accepted', 'rejected']);
export type FriendshipStatus = z.infer<typeof friendshipStatus>;

/** The statuses a friendship in an answer has: the four above, and `deleted` in end-friendship's answer. */
export const friendshipResultStatus = z.enum([...friendshipStatus.options, 'deleted']);
export type FriendshipResultStatus = z.infer<typeof friendshipResultStatus>;

const message = z.string({ error: 'message must be a string' }).check(
  z.maxLength(MESSAGE_MAX_LENGTH, `message must be at most ${MESSAGE_MAX_LENGTH} characters`),
);

/** accept, reject and end: the acting player (optional over HTTP, taken from the session) and the other player. */
export const friendPairInput = z.strictObject({
  userId: z.optional(playerId('userId')),
  friendId: playerId('friendId'),
});
export type FriendPairInput = z.infer<typeof friendPairInput>;

export const friendRequestInput = z.strictObject({
  userId: z.optional(playerId('userId')),
  friendId: playerId('friendId'),
  message: z.optional(message),
});
export type FriendRequestInput = z.infer<typeof friendRequestInput>;

/** Every way a paging number can be wrong gets the one sentence that says what is right. */
const pagingNumber = (field: string, min: number, max: number) => {
  const rule = `${field} must be a whole number from ${min} to ${max}`;
  return z.number({ error: rule }).check(z.int(rule), z.gte(min, rule), z.lte(max, rule));
};

export const listFriendshipsInput = z.strictObject({
  userId: z.optional(playerId('userId')),
  status: z.optional(
    z.enum(friendshipStatus.options, { error: `status must be one of ${friendshipStatus.options.join(', ')}` }),
  ),
  offset: z.optional(pagingNumber('offset', 0, LIST_MAX_OFFSET)),
  limit: z.optional(pagingNumber('limit', 1, LIST_MAX_LIMIT)),
});
export type ListFriendshipsInput = z.infer<typeof listFriendshipsInput>;

export const friendshipPair = z.strictObject({ userId: playerId('userId'), friendId: playerId('friendId') });
export type FriendshipPair = z.infer<typeof friendshipPair>;

const pairKey = (pair: FriendshipPair) => `${pair.userId}\u0000${pair.friendId}`;

export const bulkAddInput = z.array(friendshipPair, { error: 'the body must be a JSON array of {userId, friendId}' }).check(
  z.minLength(1, 'at least one pair is required'),
  z.maxLength(BULK_MAX_PAIRS, `at most ${BULK_MAX_PAIRS} pairs are allowed`),
  z.refine((pairs) => new Set(pairs.map(pairKey)).size === pairs.length, {
    error: 'the list contains the same pair twice',
    params: { code: 'DUPLICATE_PAIRS' },
  }),
  z.refine((pairs) => pairs.every((pair) => !mayBeSamePlayer(pair.userId, pair.friendId)), {
    error: 'a player cannot befriend themselves',
    params: { code: 'SELF_FRIENDSHIP' },
  }),
);
export type BulkAddInput = z.infer<typeof bulkAddInput>;
