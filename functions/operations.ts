/**
 * The operation registry: every friendship operation declared once, as plain
 * data (route, access, input schema, how HTTP carries the input, the error codes
 * it can answer, its answer's shape). The CDK stack, the local API, the OpenAPI
 * document and the typed client's generated types all read it; each handler file
 * adds only the behaviour (its upstream call and its result). Nothing here is
 * Lambda code, so the stack can import it.
 */
import type * as z from 'zod/mini';
import type { RateLimitName } from './core/config.js';
import { guardRefusalCodes, type ErrorCode } from './core/errors.js';
import type { AnswerName } from './core/response-schemas.js';
import { LIST_DEFAULT_LIMIT, bulkAddInput, friendPairInput, friendRequestInput, listFriendshipsInput } from './core/schemas.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** `player`: a verified player session acting as itself. `trusted`: IAM or a direct invocation only. */
export type Access = 'player' | 'trusted';

/** A query parameter. Its schema is the input field's of the same name (or `field`), unless `raw`. */
export interface QueryParameter {
  readonly name: string;
  readonly description: string;
  /** The default the operation applies when the parameter is left out. */
  readonly default?: number;
  /** A parameter that is not an input field itself (the vendor's JSON `filter`): documented as a string. */
  readonly raw?: { readonly example: string };
}

/**
 * How HTTP carries the input:
 * - `body`: a JSON body, nothing in the query;
 * - `body-or-query`: a JSON body, or the same fields in the query (a DELETE, for clients that cannot send a body);
 * - `list-query`: the query only, with the vendor's `filter` form beside plain parameters.
 */
export type Carriage =
  | { readonly kind: 'body' }
  | { readonly kind: 'body-or-query'; readonly query: readonly QueryParameter[] }
  | { readonly kind: 'list-query'; readonly query: readonly QueryParameter[] };

export interface Operation {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly input: z.ZodMiniType;
  readonly http: Carriage;
  /** Every code this operation can answer, the shared ones included. */
  readonly errors: readonly ErrorCode[];
  /** The success body's schema, by its name in core/response-schemas.ts. */
  readonly answer: AnswerName;
  /** The player guard's rate limits a player's call takes from (functions/core/guard.ts); none for trusted routes. */
  readonly rateLimits: readonly RateLimitName[];
}

/** Refusals of a body before its schema is read. */
const BODY: readonly ErrorCode[] = ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'INVALID_INPUT'];
/** A change between the acting player and one other. */
const PAIR: readonly ErrorCode[] = ['MISSING_FIELD', 'INVALID_ID', 'SELF_FRIENDSHIP'];
/** Who is calling, on a player route (SESSION_UNAVAILABLE: a GamePot session that could not be checked). */
const PLAYER: readonly ErrorCode[] = ['UNAUTHENTICATED', 'INVALID_PLAYER_ID', 'IDENTITY_MISMATCH', 'SESSION_UNAVAILABLE'];
/** What every operation can meet past its own checks: the method, the vendor, the key. */
const SHARED: readonly ErrorCode[] = [
  'METHOD_NOT_ALLOWED',
  'UPSTREAM_REJECTED',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_AUTH',
  'UPSTREAM_CONFIG',
  'UPSTREAM_TIMEOUT',
  'SECRET_UNAVAILABLE',
  'SECRET_MALFORMED',
  'INTERNAL',
];

/** What the player guard answers: over a rate limit, or no decision possible (it fails closed). */
const GUARDED: readonly ErrorCode[] = guardRefusalCodes;
/** The limits of each kind of player call. */
const FRIEND_REQUEST_LIMITS: readonly RateLimitName[] = ['friendRequestsPerMinute', 'friendRequestsPerDay', 'friendRequestsToSamePlayerPerDay'];
const CHANGE_LIMITS: readonly RateLimitName[] = ['changesPerMinute'];
const LIST_LIMITS: readonly RateLimitName[] = ['listsPerMinute'];

const OWN_ID = 'Your own id; leave it out (it comes from the session).';

export const operations = {
  'request-friend': {
    method: 'POST',
    path: '/v1/api/friendship/request',
    access: 'player',
    summary: 'Send a friend request from the calling player to friendId.',
    input: friendRequestInput,
    http: { kind: 'body' },
    errors: [...BODY, ...PAIR, 'MESSAGE_TOO_LONG', ...PLAYER, ...GUARDED, ...SHARED],
    answer: 'FriendshipResult',
    rateLimits: FRIEND_REQUEST_LIMITS,
  },
  'accept-friend': {
    method: 'POST',
    path: '/v1/api/friendship/accept',
    access: 'player',
    summary: 'Accept the pending request that friendId sent to the calling player.',
    input: friendPairInput,
    http: { kind: 'body' },
    errors: [...BODY, ...PAIR, ...PLAYER, ...GUARDED, ...SHARED],
    answer: 'FriendshipResult',
    rateLimits: CHANGE_LIMITS,
  },
  'reject-friend': {
    method: 'POST',
    path: '/v1/api/friendship/reject',
    access: 'player',
    summary: 'Reject the pending request that friendId sent to the calling player.',
    input: friendPairInput,
    http: { kind: 'body' },
    errors: [...BODY, ...PAIR, ...PLAYER, ...GUARDED, ...SHARED],
    answer: 'FriendshipResult',
    rateLimits: CHANGE_LIMITS,
  },
  'end-friendship': {
    method: 'DELETE',
    path: '/v1/api/friendship',
    access: 'player',
    summary: 'End the friendship (or cancel the request) between the calling player and friendId.',
    input: friendPairInput,
    http: {
      kind: 'body-or-query',
      query: [
        { name: 'friendId', description: 'The other player, for clients that cannot send a DELETE body.' },
        { name: 'userId', description: OWN_ID },
      ],
    },
    errors: [...BODY, ...PAIR, ...PLAYER, ...GUARDED, ...SHARED],
    answer: 'FriendshipResult',
    rateLimits: CHANGE_LIMITS,
  },
  'list-friendships': {
    method: 'GET',
    path: '/v1/api/friendships',
    access: 'player',
    summary: "List the calling player's friendships by status (accepted by default).",
    input: listFriendshipsInput,
    http: {
      kind: 'list-query',
      query: [
        { name: 'status', description: 'Which friendships to list. Default: accepted.' },
        {
          name: 'filter',
          description: 'The vendor form: URL-encoded JSON {"status": S, "user_id": U}. user_id, if given, must be your own id.',
          raw: { example: '{"status":"accepted"}' },
        },
        { name: 'userId', description: OWN_ID },
        { name: 'offset', description: 'How many rows to skip.', default: 0 },
        { name: 'limit', description: 'How many rows to answer at most.', default: LIST_DEFAULT_LIMIT },
      ],
    },
    errors: ['INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_FIELD', 'INVALID_INPUT', 'INVALID_ID', 'INVALID_STATUS', 'INVALID_PAGING', ...PLAYER, ...GUARDED, ...SHARED],
    answer: 'FriendshipList',
    rateLimits: LIST_LIMITS,
  },
  'bulk-add-friendships': {
    method: 'POST',
    path: '/v1/api/friendship/bulk',
    access: 'trusted',
    summary: 'Add up to 100 friendships at once. IAM-authorized callers and direct invocation only.',
    input: bulkAddInput,
    http: { kind: 'body' },
    errors: [...BODY, ...PAIR, 'TOO_MANY_PAIRS', 'DUPLICATE_PAIRS', 'TRUSTED_CALLER_ONLY', ...SHARED],
    answer: 'BulkAddResult',
    rateLimits: [],
  },
} as const satisfies Record<string, Operation>;

export type OperationName = keyof typeof operations;

export const operationNames = Object.keys(operations) as OperationName[];
