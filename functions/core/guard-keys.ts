/**
 * The guard table's key design, declared once: the CDK table (lib/guard-table.ts)
 * and the local table (local/guard-store-server.ts) are both made from it, and
 * the functions build every key with it. docs/guard.md explains the patterns.
 * Plain data: the stack imports it.
 */

export const guardTableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB may delete the item (the stack turns TTL on; the local table has none). */
  timeToLiveAttribute: 'expiresAt',
} as const;

export interface GuardKey {
  readonly pk: string;
  readonly sk: string;
}

/** Everything the guard keeps about one player lives under that player's partition. */
export const playerPartition = (playerId: string): string => `player#${playerId}`;

/** One rate-limit bucket of a player: `rate#<limit>`, or `rate#<limit>#<other player>` for a limit per counterpart. */
export const rateBucketKey = (playerId: string, limit: string, counterpart?: string): GuardKey => ({
  pk: playerPartition(playerId),
  sk: counterpart === undefined ? `rate#${limit}` : `rate#${limit}#${counterpart}`,
});
