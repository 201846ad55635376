/**
 * The route table: one entry per friendship operation. The CDK stack, the local
 * API and the handlers all read it, so a route is declared exactly once.
 * Plain data only: the stack imports it without pulling in any Lambda code.
 */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** `player`: a verified player session acting as itself. `trusted`: IAM or a direct invocation only. */
export type Access = 'player' | 'trusted';

export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
}

export const routes = {
  'request-friend': {
    method: 'POST',
    path: '/v1/api/friendship/request',
    access: 'player',
    summary: 'Send a friend request from the calling player to friendId.',
  },
  'accept-friend': {
    method: 'POST',
    path: '/v1/api/friendship/accept',
    access: 'player',
    summary: 'Accept the pending request that friendId sent to the calling player.',
  },
  'reject-friend': {
    method: 'POST',
    path: '/v1/api/friendship/reject',
    access: 'player',
    summary: 'Reject the pending request that friendId sent to the calling player.',
  },
  'end-friendship': {
    method: 'DELETE',
    path: '/v1/api/friendship',
    access: 'player',
    summary: 'End the friendship (or cancel the request) between the calling player and friendId.',
  },
  'list-friendships': {
    method: 'GET',
    path: '/v1/api/friendships',
    access: 'player',
    summary: "List the calling player's friendships by status (accepted by default).",
  },
  'bulk-add-friendships': {
    method: 'POST',
    path: '/v1/api/friendship/bulk',
    access: 'trusted',
    summary: 'Add up to 100 friendships at once. IAM-authorized callers and direct invocation only.',
  },
} as const satisfies Record<string, Route>;

export type OperationName = keyof typeof routes;

export const operationNames = Object.keys(routes) as OperationName[];
