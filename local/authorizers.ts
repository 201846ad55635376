/**
 * The route authorizers of the deployed API, locally: JWT (or the GamePot Lambda
 * authorizer) for player routes, IAM for bulk. A refusal is API Gateway's own
 * answer, not our envelope, locally as in AWS.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { Access } from '../functions/operations.js';
import type { FunctionPool } from './function-pool.js';
import type { ReceivedRequest } from './http-io.js';
import type { LocalCredentials } from './local-credentials.js';
import type { SessionIssuer } from './session-issuer.js';
import { verifySignature } from './sigv4-verifier.js';

export interface GatewayRefusal {
  statusCode: number;
  body: { message: string };
  headers?: Record<string, string>;
}

export type Authorization = { ok: true; authorizer: Record<string, unknown> } | { ok: false; refusal: GatewayRefusal };

export interface PlayerAuthorizer {
  authorize(req: http.IncomingMessage, requestId: string): Promise<Authorization>;
}

const unauthorized = (description?: string): Authorization => ({
  ok: false,
  refusal: {
    statusCode: 401,
    body: { message: 'Unauthorized' },
    ...(description ? { headers: { 'www-authenticate': `Bearer error="invalid_token" error_description="${description.replace(/"/g, "'")}"` } } : {}),
  },
});

const headerValue = (req: http.IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** API Gateway's JWT authorizer: signature, issuer, audience, expiry; the claims passed on as strings. */
export class JwtAuthorizer implements PlayerAuthorizer {
  constructor(private readonly issuer: SessionIssuer) {}

  async authorize(req: http.IncomingMessage): Promise<Authorization> {
    const token = /^Bearer\s+(\S+)$/i.exec(headerValue(req, 'authorization') ?? '')?.[1];
    if (!token) return unauthorized();
    const verdict = await this.issuer.verify(token);
    if (!verdict.ok) return unauthorized(verdict.reason);
    const claims = Object.fromEntries(
      Object.entries(verdict.claims).map(([key, value]) => [key, typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(' ')}]` : String(value)]),
    );
    return { ok: true, authorizer: { jwt: { claims, scopes: null } } };
  }
}

/**
 * The GamePot Lambda REQUEST authorizer, run from its bundle, with API
 * Gateway's rules around it: both identity sources must be present (else 401
 * without calling it), and its answer is cached per identity-source values.
 */
export class GamePotSessionAuthorizer implements PlayerAuthorizer {
  private readonly cache = new Map<string, { result: Authorization; expires: number }>();

  constructor(
    private readonly pool: FunctionPool,
    private readonly cacheTtlMs: number,
  ) {}

  async authorize(req: http.IncomingMessage, requestId: string): Promise<Authorization> {
    const authorization = headerValue(req, 'authorization');
    const memberId = headerValue(req, 'x-gamepot-member-id');
    if (!authorization || !memberId) return unauthorized();
    const key = createHash('sha256').update(`${authorization}\u0000${memberId}`).digest('hex');
    const cached = this.cache.get(key);
    if (cached && cached.expires > Date.now()) return cached.result;
    const container = await this.pool.get('gamepot-authorizer');
    const outcome = await container.invoke({
      version: '2.0',
      type: 'REQUEST',
      identitySource: [authorization, memberId],
      headers: { authorization, 'x-gamepot-member-id': memberId },
      requestContext: { requestId, http: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', method: req.method } },
    });
    // A failing authorizer is API Gateway's 500, and is not cached.
    if (outcome.functionError) return { ok: false, refusal: { statusCode: 500, body: { message: 'Internal Server Error' } } };
    const answer = outcome.payload as { isAuthorized?: boolean; context?: Record<string, unknown> };
    const result: Authorization = answer.isAuthorized
      ? { ok: true, authorizer: { lambda: answer.context ?? {} } }
      : { ok: false, refusal: { statusCode: 403, body: { message: 'Forbidden' } } };
    if (this.cacheTtlMs > 0) this.cache.set(key, { result, expires: Date.now() + this.cacheTtlMs });
    return result;
  }
}

/**
 * API Gateway's IAM authorization, locally: a request signed (SigV4, service
 * `execute-api`, any region) with the local credential pair is let through; any
 * other is 403. No IAM policy is evaluated: the pair stands for a caller granted
 * execute-api:Invoke on the route.
 */
export class IamAuthorizer {
  constructor(private readonly credentials: LocalCredentials) {}

  async authorize({ req, body }: ReceivedRequest): Promise<Authorization> {
    const check = await verifySignature(
      { method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headersDistinct, body },
      { credentials: this.credentials, service: 'execute-api' },
    );
    if (!check.ok) return { ok: false, refusal: { statusCode: 403, body: { message: 'Forbidden' } } };
    return { ok: true, authorizer: { iam: { accessKey: check.accessKeyId, accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/local' } } };
  }
}

export interface RouteAuthorizers {
  players: PlayerAuthorizer;
  iam: IamAuthorizer;
}

export function authorizeRoute(access: Access, request: ReceivedRequest, authorizers: RouteAuthorizers, requestId: string): Promise<Authorization> {
  return access === 'trusted' ? authorizers.iam.authorize(request) : authorizers.players.authorize(request.req, requestId);
}
