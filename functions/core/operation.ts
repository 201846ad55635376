/**
 * The shared core. A handler names its operation (declared once in
 * functions/operations.ts) and gives its behaviour (the upstream call and the
 * result); this turns them into a Lambda handler that serves both API Gateway and
 * direct invocation, in small steps: method, caller, input, acting player,
 * upstream, answer. The runtime (config, secret cache, upstream client) is a
 * dependency: the container's by default, any other in a test.
 */
import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import { operations, type Operation, type OperationName } from '../operations.js';
import { withActingPlayer, type WithActingPlayer } from './acting.js';
import { Deadline } from './deadline.js';
import { FriendshipFault, isFault } from './errors.js';
import { isHttpApiEvent, type DirectResult, type HttpApiEvent, type HttpApiResult, type InvocationContext } from './event.js';
import { readerFor } from './http-input.js';
import type { GuardedCall } from './guard.js';
import { errorResult, jsonResult } from './http-response.js';
import { callerOf, type Caller } from './identity.js';
import { errorName } from './json.js';
import { logger, withLogContext } from './logger.js';
import { containerRuntime, type Runtime } from './runtime.js';
import type { UpstreamCall } from './upstream.js';
import { parseInput } from './validate.js';

/** The input an operation's behaviour sees: its schema's output, with the acting player filled in. */
export type OperationInput<N extends OperationName> = WithActingPlayer<z.infer<(typeof operations)[N]['input']>>;

export interface OperationBehaviour<N extends OperationName> {
  upstream: (input: OperationInput<N>) => UpstreamCall;
  /** The success body, from the vendor's answer. */
  result: (reply: unknown, input: OperationInput<N>) => unknown;
}

export interface OperationDependencies {
  /** @default the container's runtime, built from the environment on first use */
  runtime?: () => Runtime;
}

export type FriendshipHandler = (event: unknown, context?: InvocationContext) => Promise<HttpApiResult | DirectResult>;

/** A handler, and the same handler on other dependencies (an in-process test's runtime). */
export interface OperationHandler extends FriendshipHandler {
  using(dependencies: OperationDependencies): FriendshipHandler;
}

/** A route answers one method; the API routes only that one, but a hand-made event may say anything. */
export function checkMethod(name: OperationName, operation: Operation, event: HttpApiEvent): void {
  const method = event.requestContext.http?.method?.toUpperCase();
  if (method !== undefined && method !== operation.method) {
    throw new FriendshipFault('METHOD_NOT_ALLOWED', `${name} takes ${operation.method}, not ${method}.`);
  }
}

/**
 * Who may call this route over HTTP: a trusted route only a trusted caller, a
 * player route only a verified player. Any other identity on a player route (IAM,
 * should the API ever let one through) would let the body name the player; servers
 * act for players by direct invocation instead. Answers the session's player id.
 */
export function admit(name: OperationName, operation: Operation, caller: Caller): string | undefined {
  if (operation.access === 'trusted') {
    if (caller.kind !== 'trusted') throw new FriendshipFault('TRUSTED_CALLER_ONLY', `${name} is for game servers (IAM or direct invocation), not player sessions.`);
    return undefined;
  }
  if (caller.kind !== 'player') {
    throw new FriendshipFault('UNAUTHENTICATED', `${name} over HTTP needs a verified player session; servers invoke the function directly.`);
  }
  return caller.playerId;
}

/** The input over HTTP: method, caller, then the body or query through the schema, then the acting player. */
export function inputFromHttp<N extends OperationName>(name: N, event: HttpApiEvent, playerIdClaim: string): OperationInput<N> {
  const operation: Operation = operations[name];
  checkMethod(name, operation, event);
  const playerId = admit(name, operation, callerOf(event, playerIdClaim));
  const input = parseInput(operation.input, readerFor(operation.http)(event));
  return (operation.access === 'trusted' ? input : withActingPlayer(input, playerId)) as OperationInput<N>;
}

/** The input of a direct invocation: the payload through the schema; a player operation's payload names its player. */
export function inputFromPayload<N extends OperationName>(name: N, payload: unknown): OperationInput<N> {
  const operation: Operation = operations[name];
  const input = parseInput(operation.input, payload);
  return (operation.access === 'trusted' ? input : withActingPlayer(input, undefined)) as OperationInput<N>;
}

function faultOf(error: unknown): FriendshipFault {
  if (isFault(error)) return error;
  logger.error('unexpected failure', { errorName: errorName(error), errorMessage: error instanceof Error ? error.message : undefined });
  return new FriendshipFault('INTERNAL', 'Something went wrong on our side.');
}

/** A player's call takes from its rate limits; trusted callers (IAM, direct invocation) are not limited, so only HTTP calls come here. */
async function guard(runtime: Runtime, operation: Operation, input: unknown, deadline: Deadline): Promise<void> {
  if (!runtime.guard || operation.access !== 'player') return;
  await runtime.guard.admit(operation, input as GuardedCall, randomUUID(), deadline);
}

export function defineOperation<N extends OperationName>(name: N, behaviour: OperationBehaviour<N>): OperationHandler {
  return Object.assign(handle(name, behaviour, {}), { using: (dependencies: OperationDependencies) => handle(name, behaviour, dependencies) });
}

function handle<N extends OperationName>(name: N, behaviour: OperationBehaviour<N>, dependencies: OperationDependencies): FriendshipHandler {
  const operation: Operation = operations[name];
  const runtimeOf = dependencies.runtime ?? containerRuntime;

  return async (event, context) => {
    const started = Date.now();
    const http = isHttpApiEvent(event) ? event : undefined;
    const requestId = http?.requestContext.requestId ?? context?.awsRequestId ?? 'local';
    return withLogContext({ operation: name, requestId, invocation: http ? 'http' : 'direct' }, context, async () => {
      try {
        const runtime = runtimeOf();
        const deadline = Deadline.fromContext(context);
        const input = http ? inputFromHttp(name, http, runtime.config.playerIdClaim) : inputFromPayload(name, event);
        if (http) await guard(runtime, operation, input, deadline);
        const reply = await runtime.upstream.send(behaviour.upstream(input), deadline, requestId);
        const data = behaviour.result(reply, input);
        logger.info('request completed', { statusCode: 200, latencyMs: Date.now() - started });
        return http ? jsonResult(200, data, { 'x-request-id': requestId }) : { ok: true, data };
      } catch (error) {
        const fault = faultOf(error);
        logger[fault.httpStatus >= 500 ? 'error' : 'info']('request failed', { statusCode: fault.httpStatus, code: fault.code, latencyMs: Date.now() - started });
        return http
          ? errorResult(fault, requestId, fault.code === 'METHOD_NOT_ALLOWED' ? { allow: operation.method } : {})
          : { ok: false, error: { status: fault.httpStatus, code: fault.code, message: fault.message, requestId } };
      }
    });
  };
}
