/**
 * Who is calling: the one place that reads the authorizer's context.
 * - a JWT authorizer: the verified claim named by PLAYER_ID_CLAIM;
 * - a Lambda authorizer (GamePot sessions): `playerId` in its context;
 * - IAM authorization: a trusted AWS principal.
 * Nothing in a body or a query ever decides identity.
 */
import { FriendshipFault } from './errors.js';
import type { HttpApiEvent } from './event.js';
import { PLAYER_ID_PATTERN } from './schemas.js';

export type Caller = { kind: 'player'; playerId: string } | { kind: 'trusted'; via: 'iam' | 'direct' };

/** The key under which our Lambda authorizer puts the player id. */
export const AUTHORIZER_PLAYER_KEY = 'playerId';
/**
 * The key under which our Lambda authorizer says why a session was refused. The
 * authorizer lets such a request through to the function so that the refusal is
 * answered here, in our envelope (401 or 503), rather than as API Gateway's bare 403.
 */
export const AUTHORIZER_DENIAL_KEY = 'denied';
export type SessionDenial = 'SESSION_INVALID' | 'SESSION_UNAVAILABLE';

function playerCaller(value: unknown, source: string): Caller {
  if (typeof value !== 'string' || !PLAYER_ID_PATTERN.test(value)) {
    throw new FriendshipFault(
      'INVALID_PLAYER_ID',
      `The session's ${source} is not a valid player id (4 to 128 characters of A-Z, a-z, 0-9, '_' or '-'). Map a claim that is.`,
    );
  }
  return { kind: 'player', playerId: value };
}

export function callerOf(event: HttpApiEvent, playerIdClaim: string): Caller {
  const authorizer = event.requestContext.authorizer;
  if (authorizer?.iam && typeof authorizer.iam === 'object') return { kind: 'trusted', via: 'iam' };
  const claims = authorizer?.jwt?.claims;
  if (claims && typeof claims === 'object' && claims[playerIdClaim] !== undefined) {
    return playerCaller(claims[playerIdClaim], `"${playerIdClaim}" claim`);
  }
  const lambda = authorizer?.lambda;
  if (lambda && typeof lambda === 'object') {
    const denied = lambda[AUTHORIZER_DENIAL_KEY];
    if (denied === 'SESSION_UNAVAILABLE') {
      throw new FriendshipFault('SESSION_UNAVAILABLE', 'The player session could not be checked. Try again shortly.', { retryAfter: '1' });
    }
    if (denied !== undefined) throw new FriendshipFault('UNAUTHENTICATED', 'The GamePot session is not valid (forged, expired, or not this member\'s). Sign in again.');
    if (lambda[AUTHORIZER_PLAYER_KEY] !== undefined) return playerCaller(lambda[AUTHORIZER_PLAYER_KEY], 'member id');
  }
  throw new FriendshipFault('UNAUTHENTICATED', 'A verified player session is required.');
}
