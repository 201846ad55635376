/**
 * The player guard's step in the operation core: after identity and input,
 * before anything that costs money, a player's call takes from the rate limits
 * its operation names (functions/operations.ts). Over a limit: 429 RATE_LIMITED
 * with Retry-After, and nothing goes upstream. A store that cannot answer in
 * time: 503 GUARD_UNAVAILABLE (fail closed). Trusted callers are not limited.
 */
import { rateLimitSettings, type GuardConfig } from './config.js';
import type { Deadline } from './deadline.js';
import { FriendshipFault, GUARD_REFUSED_MESSAGE, isFault } from './errors.js';
import { rateBucketKey } from './guard-keys.js';
import type { GuardStore } from './guard-store.js';
import { logger } from './logger.js';
import { takeCall, type Bucket } from './rate-limit.js';
import type { Operation } from '../operations.js';

/** What the guard reads of a player's call: who acts, and on whom. */
export interface GuardedCall {
  readonly userId: string;
  readonly friendId?: string;
}

export class Guard {
  constructor(
    private readonly store: GuardStore,
    private readonly config: GuardConfig,
  ) {}

  /** The buckets this call takes from; a limit of 0 is off. */
  bucketsOf(operation: Operation, call: GuardedCall): Bucket[] {
    return operation.rateLimits
      .filter((name) => this.config.limits[name] > 0)
      .map((name) => {
        const setting = rateLimitSettings[name];
        // The vendor's case rules are undocumented: per counterpart, ids that may be one player share a bucket.
        const counterpart = setting.perCounterpart ? (call.friendId ?? '').toLowerCase() : undefined;
        return { key: rateBucketKey(call.userId, name, counterpart), limit: this.config.limits[name], windowMs: setting.windowSeconds * 1000 };
      });
  }

  /** Throws RATE_LIMITED or GUARD_UNAVAILABLE, each logged at INFO with its code; returns when the call may go on. */
  async admit(operation: Operation, call: GuardedCall, callId: string, deadline: Deadline): Promise<void> {
    const buckets = this.bucketsOf(operation, call);
    if (buckets.length === 0) return;
    const verdict = await takeCall(this.store, buckets, callId, deadline).catch((error: unknown) => {
      if (isFault(error) && error.code === 'GUARD_UNAVAILABLE') logger.info(GUARD_REFUSED_MESSAGE, { code: error.code });
      throw error;
    });
    if (verdict.allowed) return;
    logger.info(GUARD_REFUSED_MESSAGE, { code: 'RATE_LIMITED', retryAfterSeconds: verdict.retryAfterSeconds });
    throw new FriendshipFault('RATE_LIMITED', `Too many calls of this kind; try again in ${verdict.retryAfterSeconds} s.`, { retryAfter: String(verdict.retryAfterSeconds) });
  }
}
