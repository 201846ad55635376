/**
 * The invocation's time budget. Every wait (secret fetch, upstream call, retry)
 * takes its share from what Lambda says is left, so the function always answers
 * before it is killed.
 */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

/** Kept back to build and send the answer after the last wait. */
export const ANSWER_MARGIN_MS = 250;
/** With no Lambda context (tests, scripts), act as if the function had this long. */
const UNBOUNDED_MS = 30_000;

export class Deadline {
  private constructor(private readonly endsAt: number) {}

  static fromContext(context: Partial<RemainingTime> | undefined, now = Date.now()): Deadline {
    const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : UNBOUNDED_MS;
    return new Deadline(now + remaining - ANSWER_MARGIN_MS);
  }

  remainingMs(now = Date.now()): number {
    return Math.max(0, this.endsAt - now);
  }

  /** The time one step may take: its own cap, or less if the invocation has less left. */
  budget(capMs: number): number {
    return Math.min(capMs, this.remainingMs());
  }
}
