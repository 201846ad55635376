/**
 * Rate limits as token buckets, kept in the guard table (GCRA: each bucket is one
 * number, the time `tat` at which it would be full again). A bucket of `limit`
 * calls per `window` refills one call every window/limit and holds at most
 * `limit`, so there is no clock boundary to burst across.
 *
 * Taking a call is one atomic conditional UpdateItem per bucket. Two are sent
 * in parallel (one round trip), and at most one of them can apply:
 * - `refill`: the bucket is full (no item, or `tat` in the past): tat = now + interval,
 *   marked with this call's id;
 * - `take`: the bucket has room (now <= tat <= now + (limit - 1) * interval): tat += interval,
 *   unless this same call's `refill` already applied.
 * A call refused by a bucket writes nothing there; the buckets it did take are
 * given back, so a refused call does not count.
 */
import type { Deadline } from './deadline.js';
import type { GuardKey } from './guard-keys.js';
import { guardTableSchema } from './guard-keys.js';
import type { GuardStore } from './guard-store.js';

export interface Bucket {
  readonly key: GuardKey;
  /** Calls per window; more than 0. */
  readonly limit: number;
  readonly windowMs: number;
}

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

const names = { '#tat': 'tat', '#by': 'refilledBy', '#exp': guardTableSchema.timeToLiveAttribute };
const intervalOf = (bucket: Bucket) => bucket.windowMs / bucket.limit;
/** How far ahead of now `tat` may be for one more call to fit. */
const toleranceOf = (bucket: Bucket) => (bucket.limit - 1) * intervalOf(bucket);
/** A bucket untouched for a whole window is full again: its item may go. */
const expiryOf = (bucket: Bucket, now: number) => Math.ceil((now + bucket.windowMs) / 1000);

async function takeOne(store: GuardStore, bucket: Bucket, now: number, callId: string, deadline: Deadline): Promise<boolean> {
  const interval = intervalOf(bucket);
  const refill = store.update(
    {
      key: bucket.key,
      update: 'SET #tat = :tat, #by = :call, #exp = :exp',
      condition: 'attribute_not_exists(#tat) OR #tat < :now',
      names,
      values: { ':tat': now + interval, ':call': callId, ':exp': expiryOf(bucket, now), ':now': now },
    },
    deadline,
  );
  const take = store.update(
    {
      key: bucket.key,
      update: 'SET #tat = #tat + :interval, #exp = :exp',
      condition: '#tat BETWEEN :now AND :latest AND (attribute_not_exists(#by) OR #by <> :call)',
      names,
      values: { ':interval': interval, ':exp': expiryOf(bucket, now), ':now': now, ':latest': now + toleranceOf(bucket), ':call': callId },
    },
    deadline,
  );
  const [refilled, taken] = await Promise.all([refill, take]);
  return refilled || taken;
}

/** Gives back a call taken from a bucket (the call was refused by another one). */
const giveBack = (store: GuardStore, bucket: Bucket, deadline: Deadline) =>
  store.update({ key: bucket.key, update: 'SET #tat = #tat - :interval', condition: 'attribute_exists(#tat)', names: { '#tat': 'tat' }, values: { ':interval': intervalOf(bucket) } }, deadline);

/** Whole seconds, at least 1, until the bucket has room again. */
async function secondsUntilRoom(store: GuardStore, bucket: Bucket, deadline: Deadline): Promise<number> {
  const item = await store.get(bucket.key, deadline);
  const tat = typeof item?.tat === 'number' ? item.tat : 0;
  return Math.max(1, Math.ceil((tat - toleranceOf(bucket) - Date.now()) / 1000));
}

/**
 * Takes one call from every bucket, or from none. Allowed: one round trip.
 * Refused: a second one, to give back what was taken and read when to retry.
 */
export async function takeCall(store: GuardStore, buckets: readonly Bucket[], callId: string, deadline: Deadline, now = Date.now()): Promise<Verdict> {
  const taken = await Promise.all(buckets.map((bucket) => takeOne(store, bucket, now, callId, deadline)));
  if (taken.every(Boolean)) return { allowed: true };
  const refusedBy = buckets.filter((_bucket, index) => !taken[index]);
  const [waits] = await Promise.all([
    Promise.all(refusedBy.map((bucket) => secondsUntilRoom(store, bucket, deadline))),
    Promise.all(buckets.filter((_bucket, index) => taken[index]).map((bucket) => giveBack(store, bucket, deadline))),
  ]);
  return { allowed: false, retryAfterSeconds: Math.max(...waits) };
}
