/** Small readers of untyped values: what the vendor and the runtime hand us. */

/** The value as a JSON object, or undefined for anything else (arrays and null included). */
export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** An error's name for a log line; its message may hold what must not be logged, so only the name. */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'UnknownError');
