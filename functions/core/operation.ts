/**
 * The shared core. A handler declares its operation (input schema, how HTTP
 * carries the input, the upstream call, the success shape) and this turns it
 * into a Lambda handler that serves both API Gateway and direct invocation:
 * method, session, size, content type, schema, identity, then the upstream.
 */
import type * as z from 'zod/mini';
import { FriendshipFault, isFault } from './errors.js';
import { isHttpApiEvent, type DirectResult, type HttpApiEvent, type HttpApiResult, type InvocationContext } from './event.js';
import type { HttpInputReader } from './http-input.js';
import { errorResult, jsonResult } from './http-response.js';
import { callerOf } from './identity.js';
import { Deadline } from './deadline.js';
import { logger } from './logger.js';
import { containerRuntime } from './runtime.js';
import type { UpstreamCall } from './upstream.js';
import { parseInput } from './validate.js';
import { mayBeSamePlayer } from './schemas.js';
import { routes, type OperationName } from '../routes.js';

/** A player operation's input: the acting player is optional over HTTP and filled in from the session. */
interface PlayerInput {
  userId?: string | undefined;
  friendId?: string;
}
type Acting<I> = I extends PlayerInput ? I & { userId: string } : I;

export interface OperationSpec<S extends z.ZodMiniType> {
  name: OperationName;
  input: S;
  http: HttpInputReader;
  upstream: (input: Acting<z.infer<S>>) => UpstreamCall;
  result: (reply: unknown, input: Acting<z.infer<S>>) => unknown;
}

export type FriendshipHandler = (event: unknown, context?: InvocationContext) => Promise<HttpApiResult | DirectResult>;

/**
 * The acting player: the session's over HTTP (a different userId is someone
 * else's and is refused), the payload's userId in a direct invocation.
 */
function actAs<I>(input: I, playerId: string | undefined): Acting<I> {
  const fields = input as PlayerInput;
  if (playerId !== undefined && fields.userId !== undefined && fields.userId !== playerId) {
    throw new FriendshipFault('IDENTITY_MISMATCH', 'A player may only act as themselves: userId must be your own id or left out.');
  }
  const userId = playerId ?? fields.userId;
  if (userId === undefined) throw new FriendshipFault('MISSING_FIELD', 'userId is required in a direct invocation.');
  if (fields.friendId !== undefined && mayBeSamePlayer(fields.friendId, userId)) throw new FriendshipFault('SELF_FRIENDSHIP', 'A player cannot befriend themselves.');
  return { ...input, userId } as Acting<I>;
}

export function defineOperation<S extends z.ZodMiniType>(spec: OperationSpec<S>): FriendshipHandler {
  const route = routes[spec.name];

  function inputFromHttp(event: HttpApiEvent, playerIdClaim: string): Acting<z.infer<S>> {
    const method = event.requestContext.http?.method?.toUpperCase();
    if (method !== undefined && method !== route.method) {
      throw new FriendshipFault('METHOD_NOT_ALLOWED', `${spec.name} takes ${route.method}, not ${method}.`);
    }
    const caller = callerOf(event, playerIdClaim);
    if (route.access === 'trusted') {
      if (caller.kind !== 'trusted') {
        throw new FriendshipFault('TRUSTED_CALLER_ONLY', `${spec.name} is for game servers (IAM or direct invocation), not player sessions.`);
      }
      return parseInput(spec.input, spec.http(event)) as Acting<z.infer<S>>;
    }
    // Over HTTP a player route acts only as a verified player. Any other identity
    // (IAM, should the API ever let one through) would let the body name the
    // player; servers act for players by direct invocation instead.
    if (caller.kind !== 'player') {
      throw new FriendshipFault('UNAUTHENTICATED', `${spec.name} over HTTP needs a verified player session; servers invoke the function directly.`);
    }
    return actAs(parseInput(spec.input, spec.http(event)), caller.playerId);
  }

  function inputFromPayload(payload: unknown): Acting<z.infer<S>> {
    const input = parseInput(spec.input, payload);
    return route.access === 'trusted' ? (input as Acting<z.infer<S>>) : actAs(input, undefined);
  }

  return async (event, context) => {
    const started = Date.now();
    const http = isHttpApiEvent(event) ? event : undefined;
    const requestId = http?.requestContext.requestId ?? context?.awsRequestId ?? 'local';
    logger.appendKeys({ operation: spec.name, requestId, invocation: http ? 'http' : 'direct' });
    if (context?.awsRequestId) logger.appendKeys({ awsRequestId: context.awsRequestId });
    try {
      const runtime = containerRuntime();
      const input = http ? inputFromHttp(http, runtime.config.playerIdClaim) : inputFromPayload(event);
      const reply = await runtime.upstream.send(spec.upstream(input), Deadline.fromContext(context), requestId);
      const data = spec.result(reply, input);
      logger.info('request completed', { statusCode: 200, latencyMs: Date.now() - started });
      return http ? jsonResult(200, data, { 'x-request-id': requestId }) : { ok: true, data };
    } catch (error) {
      const fault = isFault(error) ? error : new FriendshipFault('INTERNAL', 'Something went wrong on our side.');
      if (!isFault(error)) logger.error('unexpected failure', { errorName: error instanceof Error ? error.name : typeof error, errorMessage: error instanceof Error ? error.message : undefined });
      const level = fault.httpStatus >= 500 ? 'error' : 'info';
      logger[level]('request failed', { statusCode: fault.httpStatus, code: fault.code, latencyMs: Date.now() - started });
      return http
        ? errorResult(fault, requestId, fault.code === 'METHOD_NOT_ALLOWED' ? { allow: route.method } : {})
        : { ok: false, error: { status: fault.httpStatus, code: fault.code, message: fault.message, requestId } };
    } finally {
      logger.removeKeys(['operation', 'requestId', 'invocation', 'awsRequestId']);
    }
  };
}
