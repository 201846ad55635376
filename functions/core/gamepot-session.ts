/**
 * The GamePot session check behind the Lambda REQUEST authorizer: the client's
 * `Authorization: Bearer <token>` and `X-GamePot-Member-Id: <memberId>` are
 * verified with GamePot's `loginauth`, with the project id from the stage's
 * secret and the client's IP. Status 1 lets the member in as the player; any
 * other answer, or no answer in time, never does.
 */
import { Deadline } from './deadline.js';
import { header, type InvocationContext } from './event.js';
import { isFault } from './errors.js';
import { AUTHORIZER_DENIAL_KEY, AUTHORIZER_PLAYER_KEY, type SessionDenial } from './identity.js';
import { errorName } from './json.js';
import { logger, withLogContext } from './logger.js';
import { containerRuntime } from './runtime.js';
import { exchange } from './upstream-http.js';

export const MEMBER_ID_HEADER = 'x-gamepot-member-id';
/** loginauth's verdicts: 1 a valid session; 0 missing fields, -1 forged, -2 another member's token, -3 expired. */
const LOGINAUTH_VALID = 1;
const LOGINAUTH_REFUSALS = new Set<unknown>([0, -1, -2, -3]);
/** The vendor's limits on loginauth's fields. */
const MAX_MEMBER_ID = 128;
const MAX_TOKEN = 2048;

export interface SessionAuthorizerEvent {
  type?: string;
  headers?: Record<string, string | undefined>;
  requestContext?: { requestId?: string; http?: { sourceIp?: string } };
}

/** HTTP API's simple response. */
export interface SessionAuthorizerResult {
  isAuthorized: boolean;
  context: Record<string, string>;
}

const allow = (memberId: string): SessionAuthorizerResult => ({ isAuthorized: true, context: { [AUTHORIZER_PLAYER_KEY]: memberId } });
// Let through, refused: the function answers it in our envelope and never calls the upstream.
const deny = (why: SessionDenial): SessionAuthorizerResult => ({ isAuthorized: true, context: { [AUTHORIZER_DENIAL_KEY]: why } });

export async function authorizeGamePotSession(event: SessionAuthorizerEvent, context?: InvocationContext): Promise<SessionAuthorizerResult> {
  const started = Date.now();
  const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'local';
  return withLogContext({ operation: 'gamepot-authorizer', requestId }, context, async () => {
    const verdict = await check(event, context);
    logger.info('session checked', { outcome: verdict.context[AUTHORIZER_DENIAL_KEY] ?? 'ALLOWED', latencyMs: Date.now() - started });
    return verdict;
  });
}

async function check(event: SessionAuthorizerEvent, context?: InvocationContext): Promise<SessionAuthorizerResult> {
  const httpLike = { requestContext: {}, headers: event.headers ?? {} };
  const token = /^Bearer\s+(\S+)$/i.exec(header(httpLike, 'authorization') ?? '')?.[1];
  const memberId = header(httpLike, MEMBER_ID_HEADER)?.trim();
  if (!token || !memberId || token.length > MAX_TOKEN || memberId.length > MAX_MEMBER_ID) return deny('SESSION_INVALID');

  const deadline = Deadline.fromContext(context);
  const runtime = containerRuntime();
  let projectId: string;
  try {
    projectId = (await runtime.secrets.get(deadline)).projectId;
  } catch (error) {
    if (!isFault(error)) throw error;
    // Say why, so a malformed or unreadable secret does not pass for a loginauth outage.
    logger.error('secret unavailable to check the session', { code: error.code });
    return deny('SESSION_UNAVAILABLE');
  }
  const body = JSON.stringify({ projectId, memberId, token, remoteip: event.requestContext?.http?.sourceIp ?? '' });
  const timeoutMs = deadline.budget(runtime.config.loginauthTimeoutMs);
  if (timeoutMs <= 0) return deny('SESSION_UNAVAILABLE');
  try {
    const reply = await exchange({
      method: 'POST',
      url: new URL(runtime.config.loginauthUrl),
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
      timeoutMs,
    });
    const status = reply.statusCode === 200 ? (JSON.parse(reply.text) as { status?: unknown }).status : undefined;
    if (status === LOGINAUTH_VALID) return allow(memberId);
    if (LOGINAUTH_REFUSALS.has(status)) {
      logger.info('session refused by loginauth', { loginauthStatus: status });
      return deny('SESSION_INVALID');
    }
    logger.warn('loginauth gave no verdict', { httpStatus: reply.statusCode });
    return deny('SESSION_UNAVAILABLE');
  } catch (error) {
    logger.warn('loginauth unreachable', { errorName: errorName(error) });
    return deny('SESSION_UNAVAILABLE');
  }
}
