/**
 * The function's time budget, derived from the same deadlines the functions use
 * (their defaults and bounds are declared once, in functions/core/config.ts), so
 * the deployed timeout and the functions' deadlines cannot drift apart.
 */
import { ANSWER_MARGIN_MS } from '../functions/core/deadline.js';

/** API Gateway HTTP APIs end every integration after 30 s; the function must answer well before. */
export const API_INTEGRATION_LIMIT_MS = 30_000;
/** The largest function timeout we accept: one second under the API's limit. */
export const MAX_FUNCTION_TIMEOUT_MS = API_INTEGRATION_LIMIT_MS - 1_000;
/** API Gateway HTTP APIs give a Lambda authorizer 10 s, cold start included; past that the client gets a 500. */
export const API_AUTHORIZER_LIMIT_MS = 10_000;
/** The largest authorizer timeout we accept: 2 s under the API's limit, for a cold start (init is not part of the timeout) and the network. */
export const MAX_AUTHORIZER_TIMEOUT_MS = API_AUTHORIZER_LIMIT_MS - 2_000;
/** Headroom for the handler's own work (parsing, validation, logging) and a slow first TLS handshake. */
const HANDLER_OVERHEAD_MS = 750;

export interface Deadlines {
  readonly secretTimeoutMs: number;
  readonly upstreamTimeoutMs: number;
  /** One player-guard store round trip before the vendor call (functions/core/guard.ts); 0 with the guard off. */
  readonly guardTimeoutMs: number;
}

/**
 * The worst cases of the retry policy in functions/core/upstream.ts, each fully covered:
 * - a slow vendor: secret read + call + its retry (a read retries once);
 * - a rotated key: secret read + a rejected call (answered at once) + a fresh read
 *   of the secret + the call again + its retry.
 * Both fit in 2 secret reads + 2 vendor calls, after the player guard's one store
 * round trip, plus the answer margin the functions keep back and the handler's
 * overhead. Anything longer is cut short by the functions' Deadline, which answers
 * 504 before Lambda would kill them.
 * With the defaults: 1 s + 2 × 2 s + 2 × 5 s + 0.25 s + 0.75 s = 16 s.
 */
export function functionTimeoutMs({ secretTimeoutMs, upstreamTimeoutMs, guardTimeoutMs }: Deadlines): number {
  const budget = guardTimeoutMs + 2 * secretTimeoutMs + 2 * upstreamTimeoutMs + ANSWER_MARGIN_MS + HANDLER_OVERHEAD_MS;
  return Math.ceil(budget / 1_000) * 1_000;
}

/** What the authorizer keeps beyond its two waits: the answer margin and the handler's overhead. */
export const AUTHORIZER_OVERHEAD_MS = ANSWER_MARGIN_MS + HANDLER_OVERHEAD_MS;

export interface AuthorizerDeadlines {
  readonly secretTimeoutMs: number;
  readonly loginauthTimeoutMs: number;
}

/**
 * The GamePot session authorizer (functions/core/gamepot-session.ts) waits at most
 * twice: one secret read on a cold container (for the project id; never re-read,
 * since no upstream rejects it) and one loginauth call (never retried). Plus the
 * answer margin and the handler's overhead. Anything longer is cut short by its
 * Deadline, which answers `denied: SESSION_UNAVAILABLE` before Lambda would kill it.
 * With the defaults: 2 s + 2 s + 0.25 s + 0.75 s = 5 s, well inside API Gateway's 10 s.
 */
export function authorizerTimeoutMs({ secretTimeoutMs, loginauthTimeoutMs }: AuthorizerDeadlines): number {
  const budget = secretTimeoutMs + loginauthTimeoutMs + AUTHORIZER_OVERHEAD_MS;
  return Math.ceil(budget / 1_000) * 1_000;
}
