/**
 * The one error envelope. It keeps the vendor's `status`/`message` fields so
 * existing clients still parse it, and adds a machine code and the request id.
 */
export const errorStatus = {
  INVALID_JSON: 400,
  INVALID_INPUT: 400,
  UNKNOWN_FIELD: 400,
  MISSING_FIELD: 400,
  INVALID_ID: 400,
  SELF_FRIENDSHIP: 400,
  MESSAGE_TOO_LONG: 400,
  INVALID_STATUS: 400,
  INVALID_PAGING: 400,
  TOO_MANY_PAIRS: 400,
  DUPLICATE_PAIRS: 400,
  UNAUTHENTICATED: 401,
  INVALID_PLAYER_ID: 403,
  IDENTITY_MISMATCH: 403,
  TRUSTED_CALLER_ONLY: 403,
  METHOD_NOT_ALLOWED: 405,
  UPSTREAM_REJECTED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UPSTREAM_RATE_LIMITED: 429,
  SECRET_MALFORMED: 500,
  INTERNAL: 500,
  UPSTREAM_ERROR: 502,
  UPSTREAM_AUTH: 502,
  UPSTREAM_CONFIG: 502,
  SECRET_UNAVAILABLE: 503,
  SESSION_UNAVAILABLE: 503,
  GUARD_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** What the player guard refuses with (functions/core/guard.ts): each refusal is logged as `guard refused` with its code, and counted by code. */
export const guardRefusalCodes = ['RATE_LIMITED', 'GUARD_UNAVAILABLE'] as const satisfies readonly ErrorCode[];
/** The log line the guard writes for every refusal; a metric filter counts it by `code` (lib/monitoring.ts). */
export const GUARD_REFUSED_MESSAGE = 'guard refused';

export interface ErrorEnvelope {
  status: -1;
  code: ErrorCode;
  message: string;
  requestId: string;
}

/** A failure with a code from the table. The HTTP status defaults to the table's. */
export class FriendshipFault extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retryAfter: string | undefined;

  constructor(code: ErrorCode, message: string, options: { httpStatus?: number; retryAfter?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FriendshipFault';
    this.code = code;
    this.httpStatus = options.httpStatus ?? errorStatus[code];
    this.retryAfter = options.retryAfter;
  }
}

export const isFault = (error: unknown): error is FriendshipFault => error instanceof FriendshipFault;
