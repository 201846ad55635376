/**
 * The function's time budget, derived from the same numbers the functions use.
 * The defaults below are those of functions/core/config.ts (test/infra/timeouts.test.ts
 * checks that they agree), so the deployed timeout and the functions' deadlines
 * cannot drift apart.
 */
import { ANSWER_MARGIN_MS } from '../functions/core/deadline.js';

/** SECRET_TIMEOUT_MS: one Secrets Manager read. */
export const DEFAULT_SECRET_TIMEOUT_MS = 2_000;
/** UPSTREAM_TIMEOUT_MS: one vendor call. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 5_000;
/** SECRET_TTL_SECONDS: how long a container keeps the key. */
export const DEFAULT_SECRET_TTL_SECONDS = 300;

/** API Gateway HTTP APIs end every integration after 30 s; the function must answer well before. */
export const API_INTEGRATION_LIMIT_MS = 30_000;
/** The largest function timeout we accept: one second under the API's limit. */
export const MAX_FUNCTION_TIMEOUT_MS = API_INTEGRATION_LIMIT_MS - 1_000;
/** Headroom for the handler's own work (parsing, validation, logging) and a slow first TLS handshake. */
export const HANDLER_OVERHEAD_MS = 750;

export interface Deadlines {
  readonly secretTimeoutMs: number;
  readonly upstreamTimeoutMs: number;
}

/**
 * The worst cases of the retry policy in functions/core/upstream.ts, each fully covered:
 * - a slow vendor: secret read + call + its retry (a read retries once);
 * - a rotated key: secret read + a rejected call (answered at once) + a fresh read
 *   of the secret + the call again + its retry.
 * Both fit in 2 secret reads + 2 vendor calls, plus the answer margin the
 * functions keep back and the handler's overhead. Anything longer is cut short by
 * the functions' Deadline, which answers 504 before Lambda would kill them.
 * With the defaults: 2 × 2 s + 2 × 5 s + 0.25 s + 0.75 s = 15 s.
 */
export function functionTimeoutMs({ secretTimeoutMs, upstreamTimeoutMs }: Deadlines): number {
  const budget = 2 * secretTimeoutMs + 2 * upstreamTimeoutMs + ANSWER_MARGIN_MS + HANDLER_OVERHEAD_MS;
  return Math.ceil(budget / 1_000) * 1_000;
}
