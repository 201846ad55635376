/**
 * What every caller gets back, whichever vendor generation answered, and the
 * error envelope. The functions use only the types (erased from the bundles);
 * the schemas are for the OpenAPI document and the tests that check answers.
 */
import * as z from 'zod/mini';
import { friendshipPair, friendshipResultStatus } from './schemas.js';

export const player = z.object({
  id: z.string(),
  nickname: z.optional(z.nullable(z.string())),
  profile: z.optional(z.nullable(z.string())),
});

export const friendship = z.object({
  id: z.string(),
  status: friendshipResultStatus,
  user_id: z.string(),
  friend_id: z.string(),
  user: player,
  friend: player,
  message: z.optional(z.nullable(z.string())),
  created_at: z.optional(z.nullable(z.string())),
  updated_at: z.optional(z.nullable(z.string())),
  requested_at: z.optional(z.nullable(z.string())),
});
export type Friendship = z.infer<typeof friendship>;

const friendshipResult = z.object({ friendship });
export type FriendshipResult = z.infer<typeof friendshipResult>;
const friendshipList = z.array(friendship);
export type FriendshipList = z.infer<typeof friendshipList>;
const bulkAddResult = z.object({ added: z.array(friendshipPair) });
export type BulkAddResult = z.infer<typeof bulkAddResult>;

/** The success bodies by the name the registry (functions/operations.ts) and the OpenAPI document give them. */
export const answers = {
  FriendshipResult: friendshipResult,
  FriendshipList: friendshipList,
  BulkAddResult: bulkAddResult,
} as const;
export type AnswerName = keyof typeof answers;

export const errorEnvelope = z.object({
  status: z.literal(-1),
  code: z.string(),
  message: z.string(),
  requestId: z.string(),
});
