/**
 * End-to-end helpers: plain HTTP requests against the local stack (node:http,
 * so a GET may carry a body and a content type may be left out), player
 * sessions from /local/session, hand-made bad tokens, and a check of every
 * answer against the published OpenAPI contract.
 */
import http from 'node:http';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { SignJWT } from 'jose';
import * as z from 'zod';
import { buildOpenApiDocument } from '../../lib/openapi.js';
import { DEFAULT_LOCAL_CREDENTIALS, type LocalCredentials } from '../../local/local-credentials.js';
import { LOCAL_AUDIENCE } from '../../local/session-issuer.js';
import type { LocalStack } from '../../local/stack.js';
import { operations, type OperationName } from '../../functions/operations.js';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
  /** Wall-clock time from sending to the last byte. */
  ms: number;
}

export interface SendOptions {
  /** A bearer token: sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** A raw Authorization header. */
  authorization?: string;
  /** Sign the request with SigV4, as an IAM caller does: `true` with the local pair, or with the changes given. */
  iam?: true | IamSigning;
  /** A JSON body; `content-type: application/json` unless `contentType` says otherwise. */
  json?: unknown;
  /** A raw body. */
  raw?: string | Buffer;
  /** The content type; `null` sends none. */
  contentType?: string | null;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** How a request is signed; each field left out is what a correct IAM caller of the bulk route uses. */
export interface IamSigning {
  credentials?: LocalCredentials;
  /** `execute-api` (the HTTP API); `lambda` for the Lambda Invoke API. */
  service?: string;
  region?: string;
  signingDate?: Date;
  /** Sign this body, and send the request's own: a body changed after signing. */
  signedBody?: string;
  /** Sign this path and query, and send the request's own. */
  signedTarget?: string;
  /** Put the body's hash in x-amz-content-sha256, as the SDK does by default. */
  contentHashHeader?: boolean;
}

/** The SigV4 headers (authorization, x-amz-date, …) of a request, from the AWS SDK's own signer. */
export async function sigV4Headers(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signing: IamSigning = {}): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: signing.credentials ?? DEFAULT_LOCAL_CREDENTIALS,
    region: signing.region ?? 'ap-northeast-2',
    service: signing.service ?? 'execute-api',
    sha256: Sha256,
    applyChecksum: signing.contentHashHeader ?? true,
  });
  const target = signing.signedTarget === undefined ? url : new URL(signing.signedTarget, url);
  const query = Object.fromEntries([...new Set(target.searchParams.keys())].map((key) => [key, target.searchParams.getAll(key)]));
  const signed = await signer.sign(
    new HttpRequest({ method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: target.pathname, query, headers: { ...headers, host: url.host }, body: signing.signedBody ?? body }),
    { signingDate: signing.signingDate ?? new Date() },
  );
  return signed.headers;
}

/** One request over a fresh connection; never throws on an HTTP status. */
export async function send(baseUrl: string, method: string, path: string, options: SendOptions = {}): Promise<HttpReply> {
  const url = new URL(path, baseUrl);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  let payload: Buffer | undefined;
  if (options.json !== undefined) payload = Buffer.from(JSON.stringify(options.json));
  if (options.raw !== undefined) payload = Buffer.isBuffer(options.raw) ? options.raw : Buffer.from(options.raw);
  if (payload !== undefined) {
    headers['content-length'] = String(payload.length);
    const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
  }
  const signed = options.iam ? await sigV4Headers(url, method, headers, payload, options.iam === true ? {} : options.iam) : headers;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: signed, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, ms: Date.now() - started });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The status and, for an error envelope, its code: what most expectations compare. */
export function outcome(reply: HttpReply): { status: number; code: unknown } {
  return { status: reply.status, code: isRecord(reply.body) ? reply.body.code : undefined };
}

export interface FriendshipRow {
  id: string;
  status: string;
  user_id: string;
  friend_id: string;
  [field: string]: unknown;
}

/** The friendship of a mutation's answer. */
export function friendshipOf(reply: HttpReply): FriendshipRow {
  if (!isRecord(reply.body) || !isRecord(reply.body.friendship)) throw new Error(`no friendship in ${reply.status} ${reply.text}`);
  return reply.body.friendship as FriendshipRow;
}

/** The rows of a list answer. */
export function rowsOf(reply: HttpReply): FriendshipRow[] {
  if (reply.status !== 200 || !Array.isArray(reply.body)) throw new Error(`not a list: ${reply.status} ${reply.text}`);
  return reply.body as FriendshipRow[];
}

export const LIST_STATUSES = ['requested', 'pending', 'accepted', 'rejected'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

/** The friendship routes over HTTP, each answer checked against the published contract. */
export class Api {
  readonly contract = new ContractLog();

  constructor(readonly stack: LocalStack) {}

  get url(): string {
    return this.stack.url;
  }

  /** How many friendship requests have reached the upstream emulator so far. */
  get upstreamRequests(): number {
    if (!this.stack.emulator) throw new Error('the e2e tests need the embedded emulator');
    return this.stack.emulator.requests.length;
  }

  async call(operation: OperationName, options: SendOptions = {}): Promise<HttpReply> {
    const route = operations[operation];
    const reply = await send(this.url, route.method, route.path, options);
    this.contract.record(operation, reply);
    return reply;
  }

  /** A session token from the local issuer, over HTTP as a game client gets it. */
  async session(playerId: string): Promise<string> {
    const reply = await send(this.url, 'POST', '/local/session', { json: { playerId } });
    if (reply.status !== 200 || !isRecord(reply.body) || typeof reply.body.token !== 'string') {
      throw new Error(`no session for ${playerId}: ${reply.status} ${reply.text}`);
    }
    return reply.body.token;
  }

  async player(id: string): Promise<Player> {
    return new Player(this, id, await this.session(id));
  }
}

/** One player with a session, acting through the HTTP API. Subclasses change only how the session is carried. */
export class Player {
  constructor(
    protected readonly api: Api,
    readonly id: string,
    readonly token: string,
  ) {}

  /** The session as request options: a bearer token here. */
  get credentials(): SendOptions {
    return { token: this.token };
  }

  /** Any operation, with the session laid over the options (headers merged, the session winning). */
  call(operation: OperationName, options: SendOptions = {}): Promise<HttpReply> {
    const credentials = this.credentials;
    return this.api.call(operation, { ...options, ...credentials, headers: { ...options.headers, ...credentials.headers } });
  }

  request(friendId: string, message?: string): Promise<HttpReply> {
    return this.call('request-friend', { json: message === undefined ? { friendId } : { friendId, message } });
  }

  accept(friendId: string): Promise<HttpReply> {
    return this.call('accept-friend', { json: { friendId } });
  }

  reject(friendId: string): Promise<HttpReply> {
    return this.call('reject-friend', { json: { friendId } });
  }

  /** Ends through a JSON body, or through the query as a client that cannot send a DELETE body does. */
  end(friendId: string, via: 'body' | 'query' = 'body'): Promise<HttpReply> {
    return this.call('end-friendship', via === 'body' ? { json: { friendId } } : { query: { friendId } });
  }

  list(status?: ListStatus): Promise<HttpReply> {
    return this.call('list-friendships', status ? { query: { status } } : {});
  }

  /** `status → [friend ids]` over every list status: the whole of what this player can see. */
  async everything(): Promise<Record<ListStatus, string[]>> {
    const replies = await Promise.all(LIST_STATUSES.map((status) => this.list(status)));
    const seen = {} as Record<ListStatus, string[]>;
    LIST_STATUSES.forEach((status, index) => {
      const rows = rowsOf(replies[index]!);
      for (const row of rows) {
        if (row.user_id !== this.id) throw new Error(`${this.id} was shown a row of ${row.user_id}`);
        if (row.status !== status) throw new Error(`a ${row.status} row in the ${status} list`);
      }
      seen[status] = rows.map((row) => row.friend_id).sort();
    });
    return seen;
  }
}

/** What a player sees when it has nothing with anyone. */
export const NOTHING: Record<ListStatus, string[]> = { requested: [], pending: [], accepted: [], rejected: [] };

export const only = (status: ListStatus, friendId: string): Record<ListStatus, string[]> => ({ ...NOTHING, [status]: [friendId] });

// ---------------------------------------------------------------------------
// Bad tokens, built by hand.

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims a valid local session carries, for hand-made tokens. */
export function sessionClaims(stack: LocalStack, playerId: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: playerId, iss: stack.issuer.issuer, aud: LOCAL_AUDIENCE, iat: now, exp: now + 600 };
}

/** `alg: none`, no signature: an unsigned token that claims to be the player. */
export function unsignedToken(stack: LocalStack, playerId: string): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(sessionClaims(stack, playerId))}.`;
}

/** A real token with one byte of its signature changed (in the middle: the last character holds padding bits). */
export function tamperedSignature(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const bytes = Buffer.from(signature, 'base64url');
  const middle = Math.floor(bytes.length / 2);
  bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** A real token whose payload was rewritten to another player, its signature kept. */
export function tamperedPayload(token: string, playerId: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${b64url({ ...claims, sub: playerId })}.${signature}`;
}

/** The algorithm-confusion attack: HS256 "signed" with the issuer's public RSA key as the HMAC secret. */
export async function publicKeyHmacToken(stack: LocalStack, playerId: string): Promise<string> {
  const jwk = stack.issuer.jwks.keys[0];
  if (!jwk) throw new Error('the local issuer publishes no key');
  return new SignJWT(sessionClaims(stack, playerId))
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .sign(new TextEncoder().encode(JSON.stringify(jwk)));
}

// ---------------------------------------------------------------------------
// The published contract, checked against real answers.

type JsonObject = Record<string, unknown>;

/** Inlines `#/components/schemas/...` references so zod can read a response schema on its own. */
function inlineRefs(value: unknown, components: JsonObject): unknown {
  if (Array.isArray(value)) return value.map((item) => inlineRefs(item, components));
  if (!isRecord(value)) return value;
  if (typeof value.$ref === 'string') {
    const name = value.$ref.replace('#/components/schemas/', '');
    if (!(name in components)) throw new Error(`unresolvable $ref ${value.$ref}`);
    return inlineRefs(components[name], components);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inlineRefs(item, components)]));
}

const child = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);

export interface ObservedAnswer {
  operation: OperationName;
  status: number;
  body: unknown;
}

/**
 * The published OpenAPI document (as /openapi.json and docs/openapi.json carry
 * it), asked about one real answer: is its status documented for the route, is
 * its error code named there, and does its body match the documented schema
 * (with JSON Schema's `oneOf` meaning exactly one)?
 */
export class Contract {
  private readonly schemas = new Map<string, z.ZodType>();

  constructor(readonly document: JsonObject = buildOpenApiDocument()) {}

  response(operation: OperationName, status: number): JsonObject | undefined {
    const route = operations[operation];
    const response = child(this.document, 'paths', route.path, route.method.toLowerCase(), 'responses', String(status));
    return isRecord(response) ? response : undefined;
  }

  /** What is wrong with this answer according to the contract, or undefined. */
  problem(answer: ObservedAnswer): string | undefined {
    const { operation, status, body } = answer;
    const code = isRecord(body) && typeof body.code === 'string' ? body.code : undefined;
    const where = `${operation} ${status}${code ? ` ${code}` : ''}`;
    const response = this.response(operation, status);
    if (!response) return `${where}: status ${status} is not documented for ${operation}`;
    if (code !== undefined && !new RegExp(`\\b${code}\\b`).test(String(response.description ?? ''))) {
      return `${where}: code ${code} is not named in the documented ${status} response of ${operation}`;
    }
    const key = `${operation} ${status}`;
    let schema = this.schemas.get(key);
    if (!schema) {
      const raw = child(response, 'content', 'application/json', 'schema');
      if (!isRecord(raw)) return `${where}: no JSON schema documented`;
      schema = z.fromJSONSchema(inlineRefs(raw, (child(this.document, 'components', 'schemas') ?? {}) as JsonObject) as Parameters<typeof z.fromJSONSchema>[0]);
      this.schemas.set(key, schema);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) return `${where}: the body ${JSON.stringify(body).slice(0, 200)} does not match the documented schema: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`;
    return undefined;
  }
}

/** Every answer a test file got, to check against the contract at the end of the file. */
export class ContractLog {
  readonly answers: ObservedAnswer[] = [];

  record(operation: OperationName, reply: HttpReply): void {
    this.answers.push({ operation, status: reply.status, body: reply.body });
  }

  /** One line per distinct problem. */
  problems(contract: Contract = new Contract()): string[] {
    return [...new Set(this.answers.map((answer) => contract.problem(answer)).filter((problem): problem is string => problem !== undefined))];
  }
}
