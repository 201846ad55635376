/**
 * A stateful Ncloud Chat / GamePot friendship API on loopback, following
 * docs/vendor-contract.md: request, accept, reject, end, list by status and bulk;
 * both success generations and every error form; fault hooks; and GamePot's
 * `loginauth`. State is kept in memory. Used by the tests, the benchmark and
 * `npm start`.
 */
import { randomUUID, randomBytes } from 'node:crypto';
import http from 'node:http';
import { readBody, sendJson, sendText as send } from './http-io.js';
import { LoopbackServer } from './loopback-server.js';

export type Generation = 'older' | 'newer';
/** `status`: `{status, message}` with a 4xx; `code`: `{code, error}` with a 4xx; `status-200`: `{status, message}` with HTTP 200. */
export type ErrorForm = 'status' | 'code' | 'status-200';

export type Fault =
  | { kind: 'http-status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'gateway-error'; status: number; errorCode: string; message: string }
  | { kind: 'vendor-status'; code: number; message?: string }
  | { kind: 'delay'; ms: number }
  /** Read the whole request, then reset the connection without answering: the vendor may have acted on it. */
  | { kind: 'reset' }
  /**
   * At once, close every idle keep-alive connection, as a server's keep-alive
   * timeout does: a client that reuses one finds it closed, and its request is
   * never read. Acts when injected; takes no `times` or `path`.
   */
  | { kind: 'close-idle' }
  | { kind: 'bad-json' };

/** A fault applies to the next `times` matching requests (default: every one until cleared). */
export interface FaultRule {
  fault: Fault;
  times?: number;
  /** Only requests whose path ends with this (e.g. `/friendship/request`, `/loginauth`). */
  path?: string;
}

interface Row {
  id: string;
  user_id: string;
  friend_id: string;
  status: 'requested' | 'pending' | 'accepted' | 'rejected';
  message: string | null;
  created_at: string;
  updated_at: string;
  requested_at: string;
}

export interface EmulatorOptions {
  apiKey: string;
  projectId: string;
  generation?: Generation;
  errorForm?: ErrorForm;
  /** GamePot login tokens expire this long after login (the newer guide says 60 minutes). */
  loginTokenTtlMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: http.IncomingHttpHeaders;
}

class VendorError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

const MUTATION_NAMES = {
  request: 'requestFriend',
  accept: 'acceptFriend',
  reject: 'rejectFriend',
  end: 'removeFriend',
} as const;

export class NcloudEmulator {
  private readonly server = new LoopbackServer((req, res) => this.handle(req, res));
  private connectionsAtReset = 0;
  private readonly rows = new Map<string, Row>();
  private readonly loginTokens = new Map<string, { memberId: string; issuedAt: number }>();
  private faults: FaultRule[] = [];
  apiKey: string;
  projectId: string;
  generation: Generation;
  errorForm: ErrorForm;
  loginTokenTtlMs: number;
  /** Every friendship request that reached the emulator, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Friendship requests read in full, those then answered with a `reset` included: how many attempts reached the vendor. */
  attempts = 0;
  loginauthCalls = 0;
  /** The body of every loginauth call. */
  readonly loginauthBodies: unknown[] = [];
  now: () => number = Date.now;

  constructor(options: EmulatorOptions) {
    this.apiKey = options.apiKey;
    this.projectId = options.projectId;
    this.generation = options.generation ?? 'older';
    this.errorForm = options.errorForm ?? 'status';
    this.loginTokenTtlMs = options.loginTokenTtlMs ?? 60 * 60 * 1000;
  }

  start(port = 0, host = '127.0.0.1'): Promise<void> {
    this.connectionsAtReset = 0;
    return this.server.start(port, host);
  }

  get origin(): string {
    return this.server.origin;
  }

  /** TCP connections accepted since start or the last reset. */
  get connections(): number {
    return this.server.connections - this.connectionsAtReset;
  }

  /** The Ncloud Chat base, version path included: what UPSTREAM_BASE_URL takes. */
  get baseUrl(): string {
    return `${this.origin}/v1/api`;
  }

  get loginauthUrl(): string {
    return `${this.origin}/gpapps/v1/loginauth`;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  inject(rule: FaultRule): void {
    if (rule.fault.kind === 'close-idle') return this.server.closeIdleConnections();
    this.faults.push({ ...rule });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Forget every friendship, login, recorded request and fault. Keys and forms stay. */
  reset(): void {
    this.rows.clear();
    this.loginTokens.clear();
    this.faults = [];
    this.requests.length = 0;
    this.attempts = 0;
    this.connectionsAtReset = this.server.connections;
    this.loginauthCalls = 0;
    this.loginauthBodies.length = 0;
  }

  /** What a GamePot SDK login gives the client: a token for this member. */
  loginMember(memberId: string): { memberId: string; token: string } {
    const token = randomBytes(24).toString('base64url');
    this.loginTokens.set(token, { memberId, issuedAt: this.now() });
    return { memberId, token };
  }

  private takeFault(path: string): Fault | undefined {
    const index = this.faults.findIndex((rule) => rule.path === undefined || path.endsWith(rule.path));
    if (index < 0) return undefined;
    const rule = this.faults[index]!;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.faults.splice(index, 1);
    }
    return rule.fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const text = (await readBody(req)).toString('utf8');
    if (url.pathname.startsWith('/__emulator/')) return this.control(req.method ?? 'GET', url.pathname, text, res);
    if (!url.pathname.endsWith('/loginauth')) this.attempts += 1;

    const fault = this.takeFault(url.pathname);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (url.pathname.endsWith('/loginauth')) return this.loginauth(body, fault, res);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
    });
    if (fault?.kind === 'http-status') return send(res, fault.status, fault.body ?? '', fault.headers);
    if (fault?.kind === 'gateway-error') {
      return sendJson(res, fault.status, { error: { errorCode: fault.errorCode, message: fault.message } });
    }
    if (fault?.kind === 'bad-json') return send(res, 200, '{"friendship": {"id": ', { 'content-type': 'application/json' });
    if (fault?.kind === 'vendor-status') {
      return sendJson(res, 200, { status: fault.code, message: fault.message ?? 'vendor failure' });
    }
    try {
      this.authenticate(req.headers);
      const answer = this.route(req.method ?? 'GET', url, body);
      sendJson(res, 200, answer);
    } catch (error) {
      if (!(error instanceof VendorError)) throw error;
      this.sendVendorError(res, error);
    }
  }

  private sendVendorError(res: http.ServerResponse, error: VendorError): void {
    const httpStatus = this.errorForm === 'status-200' ? 200 : error.httpStatus;
    const payload =
      this.errorForm === 'code' ? { code: error.code, error: error.message } : { status: error.code, message: error.message };
    sendJson(res, httpStatus, payload);
  }

  private authenticate(headers: http.IncomingHttpHeaders): void {
    const key = headers['x-api-key'];
    const project = headers['x-project-id'];
    if (typeof key !== 'string' || typeof project !== 'string') throw new VendorError(-9, 'a required header is missing');
    if (project !== this.projectId) throw new VendorError(-6, 'projectId was wrong.');
    if (key !== this.apiKey) throw new VendorError(-2, 'ApiKey does not match.', 401);
  }

  private route(method: string, url: URL, body: unknown): unknown {
    const path = url.pathname.replace(/\/+$/, '');
    const pair = () => {
      const record = (body ?? {}) as Record<string, unknown>;
      if (typeof record.userId !== 'string' || typeof record.friendId !== 'string') {
        throw new VendorError(-11, 'body lack of data');
      }
      return { userId: record.userId, friendId: record.friendId, message: typeof record.message === 'string' ? record.message : null };
    };
    if (method === 'POST' && path.endsWith('/friendship/request')) return this.wrap('request', this.request(pair()));
    if (method === 'POST' && path.endsWith('/friendship/accept')) return this.wrap('accept', this.answer(pair(), 'accepted'));
    if (method === 'POST' && path.endsWith('/friendship/reject')) return this.wrap('reject', this.answer(pair(), 'rejected'));
    if (method === 'POST' && path.endsWith('/friendship/bulk')) return this.bulk(body);
    if (method === 'DELETE' && path.endsWith('/friendship')) return this.wrap('end', this.end(pair()));
    if (method === 'GET' && path.endsWith('/friendships')) return this.list(url.searchParams);
    throw new VendorError(-1, `no such API: ${method} ${path}`, 404);
  }

  private key(userId: string, friendId: string): string {
    return `${userId}\u0000${friendId}`;
  }

  private request({ userId, friendId, message }: { userId: string; friendId: string; message: string | null }): Row {
    if (userId === friendId) throw new VendorError(-1, 'you cannot request yourself');
    const mine = this.rows.get(this.key(userId, friendId));
    if (mine?.status === 'accepted') throw new VendorError(-1, 'already friends');
    if (mine?.status === 'requested') throw new VendorError(-1, 'friend request already sent');
    if (mine?.status === 'pending') throw new VendorError(-1, 'this user already sent you a request; accept it instead');
    const at = this.timestamp();
    const id = randomUUID();
    const row: Row = { id, user_id: userId, friend_id: friendId, status: 'requested', message, created_at: at, updated_at: at, requested_at: at };
    this.rows.set(this.key(userId, friendId), row);
    this.rows.set(this.key(friendId, userId), { ...row, id: randomUUID(), user_id: friendId, friend_id: userId, status: 'pending' });
    return row;
  }

  private answer({ userId, friendId }: { userId: string; friendId: string }, status: 'accepted' | 'rejected'): Row {
    const mine = this.rows.get(this.key(userId, friendId));
    const theirs = this.rows.get(this.key(friendId, userId));
    if (mine?.status !== 'pending' || !theirs) throw new VendorError(-1, 'there is no pending request from this user');
    const at = this.timestamp();
    mine.status = status;
    mine.updated_at = at;
    theirs.status = status;
    theirs.updated_at = at;
    return mine;
  }

  private end({ userId, friendId }: { userId: string; friendId: string }): Row & { status: string } {
    const mine = this.rows.get(this.key(userId, friendId));
    if (!mine) throw new VendorError(-1, 'there is no friendship with this user', 404);
    this.rows.delete(this.key(userId, friendId));
    this.rows.delete(this.key(friendId, userId));
    return { ...mine, status: 'deleted' as Row['status'], updated_at: this.timestamp() };
  }

  private bulk(body: unknown): unknown {
    if (!Array.isArray(body)) throw new VendorError(-11, 'body lack of data');
    const at = this.timestamp();
    for (const item of body as Array<Record<string, unknown>>) {
      if (typeof item?.userId !== 'string' || typeof item.friendId !== 'string') throw new VendorError(-11, 'body lack of data');
      const base = { message: null, created_at: at, updated_at: at, requested_at: at, status: 'accepted' as const };
      this.rows.set(this.key(item.userId, item.friendId), { ...base, id: randomUUID(), user_id: item.userId, friend_id: item.friendId });
      this.rows.set(this.key(item.friendId, item.userId), { ...base, id: randomUUID(), user_id: item.friendId, friend_id: item.userId });
    }
    return this.generation === 'older' ? body : { message: 'Friends added successfully' };
  }

  private list(params: URLSearchParams): unknown {
    const parse = (name: string): Record<string, unknown> => {
      const value = params.get(name);
      if (value === null) return {};
      try {
        return JSON.parse(value) as Record<string, unknown>;
      } catch {
        throw new VendorError(-1, `${name} is not valid JSON`);
      }
    };
    if (params.get('filter') === null) throw new VendorError(-1, 'filter is required');
    const filter = parse('filter');
    const option = parse('option');
    const offset = Number(option.offset ?? 0);
    const perPage = Number(option.per_page ?? option.limit ?? 100);
    const matching = [...this.rows.values()]
      .filter((row) => Object.entries(filter).every(([field, value]) => row[field as keyof Row] === value))
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
    const page = matching.slice(offset, offset + perPage).map((row) => this.render(row));
    if (this.generation === 'older') return page;
    return { data: { friendships: { totalCount: matching.length, edges: page.map((node) => ({ node, cursor: node.id })) } } };
  }

  private render(row: Row): Record<string, unknown> {
    const person = (id: string) =>
      this.generation === 'older'
        ? { id, nickname: `Player ${id}` }
        : { id: Buffer.from(`Members:${id}`).toString('base64'), name: `Player ${id}`, profile: null };
    return {
      project_id: this.projectId,
      id: row.id,
      status: row.status,
      user_id: row.user_id,
      user: person(row.user_id),
      friend_id: row.friend_id,
      friend: person(row.friend_id),
      message: row.message,
      created_at: this.generation === 'newer' ? null : row.created_at,
      updated_at: this.generation === 'newer' ? null : row.updated_at,
      requested_at: row.requested_at,
    };
  }

  private wrap(operation: keyof typeof MUTATION_NAMES, row: Row): unknown {
    const friendship = this.render(row);
    return this.generation === 'older' ? { friendship } : { data: { [MUTATION_NAMES[operation]]: { friendship } } };
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString().replace('Z', '+00:00');
  }

  private loginauth(body: unknown, fault: Fault | undefined, res: http.ServerResponse): void {
    this.loginauthCalls += 1;
    this.loginauthBodies.push(body);
    if (fault?.kind === 'http-status') return send(res, fault.status, fault.body ?? '', fault.headers);
    const record = (body ?? {}) as Record<string, unknown>;
    const { projectId, memberId, token } = record;
    if (typeof projectId !== 'string' || typeof memberId !== 'string' || typeof token !== 'string' || !projectId || !memberId || !token) {
      return sendJson(res, 200, { status: 0, message: 'projectId, memberId and token are required' });
    }
    if (projectId !== this.projectId) return sendJson(res, 200, { status: -1, message: 'token verification failed' });
    const login = this.loginTokens.get(token);
    if (!login) return sendJson(res, 200, { status: -1, message: 'token verification failed' });
    if (login.memberId !== memberId) return sendJson(res, 200, { status: -2, message: 'memberId does not match the token' });
    if (this.now() - login.issuedAt > this.loginTokenTtlMs) return sendJson(res, 200, { status: -3, message: 'token expired' });
    return sendJson(res, 200, { status: 1, message: '' });
  }

  /** The control API, for a test or a benchmark in another process. */
  private control(method: string, path: string, text: string, res: http.ServerResponse): void {
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (path === '/__emulator/faults' && method === 'POST') {
      this.inject(body as unknown as FaultRule);
      return sendJson(res, 200, { faults: this.faults.length });
    }
    if (path === '/__emulator/faults' && method === 'DELETE') {
      this.clearFaults();
      return sendJson(res, 200, { faults: 0 });
    }
    if (path === '/__emulator/settings' && method === 'POST') {
      if (body.generation === 'older' || body.generation === 'newer') this.generation = body.generation;
      if (body.errorForm === 'status' || body.errorForm === 'code' || body.errorForm === 'status-200') this.errorForm = body.errorForm;
      if (typeof body.apiKey === 'string') this.apiKey = body.apiKey;
      return sendJson(res, 200, { generation: this.generation, errorForm: this.errorForm });
    }
    if (path === '/__emulator/reset' && method === 'POST') {
      this.reset();
      return sendJson(res, 200, {});
    }
    if (path === '/__emulator/stats' && method === 'GET') {
      return sendJson(res, 200, { requests: this.requests.length, attempts: this.attempts, connections: this.connections, loginauthCalls: this.loginauthCalls });
    }
    if (path === '/__emulator/gamepot/login' && method === 'POST' && typeof body.memberId === 'string') {
      return sendJson(res, 200, this.loginMember(body.memberId));
    }
    sendJson(res, 404, { message: 'unknown emulator control' });
  }
}
