/**
 * The whole product on loopback: the local HTTP API in front of the built
 * bundles, the local session issuer, the Lambda Invoke API, an embedded Secrets
 * Manager endpoint, and the Ncloud emulator as the default upstream (or the real
 * Ncloud Chat / GamePot when UPSTREAM_BASE_URL and a key are given).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildBundles } from '../bin/build.js';
import { bundleFile, functionNames, projectRoot } from '../lib/bundling.js';
import { buildOpenApiDocument } from '../lib/openapi.js';
import { authorizerTimeoutMs, functionTimeoutMs } from '../lib/timeouts.js';
import { functionEnvironment, readConfig, settings } from '../functions/core/config.js';
import { FunctionPool } from './function-pool.js';
import { GamePotSessionAuthorizer, JwtAuthorizer, authorizeRoute, type PlayerAuthorizer } from './authorizers.js';
import { buildEvent, matchRoute } from './http-api.js';
import { invokeFunction, isInvokeRequest } from './lambda-endpoint.js';
import { NcloudEmulator } from './ncloud-emulator.js';
import { PLAYER_ID_PATTERN } from '../functions/core/schemas.js';
import { SecretsManagerEndpoint } from './secrets-manager-endpoint.js';
import { SessionIssuer } from './session-issuer.js';

export const LOCAL_SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-2:000000000000:secret:friendship-bff/local-upstream';
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface LocalStackOptions {
  port?: number;
  host?: string;
  /** No request log lines (tests). */
  quiet?: boolean;
  /** Print the functions' own log lines. */
  functionLogs?: boolean;
  /** Extra function environment, e.g. a short UPSTREAM_TIMEOUT_MS for a test. */
  functionEnv?: Record<string, string>;
  /** Overrides every function's timeout; by default each gets the one the stack deploys (lib/timeouts.ts). */
  functionTimeoutMs?: number;
  /** How players prove who they are: local JWTs (default) or GamePot sessions. */
  auth?: AuthMode;
  /** The GamePot authorizer's result cache, as API Gateway keeps it. */
  authorizerCacheTtlSeconds?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export type AuthMode = 'jwt' | 'gamepot';

export interface LocalStack {
  url: string;
  auth: AuthMode;
  issuer: SessionIssuer;
  /** Undefined when proxying to the real vendor. */
  emulator: NcloudEmulator | undefined;
  secrets: SecretsManagerEndpoint;
  upstreamBaseUrl: string;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is already in use`);
  }
}

/** A setting `npm start` cannot run with; its message is for the person who set it. */
export class LocalConfigError extends Error {}

/** The sources a bundle is built from; a change to any of them makes the bundles stale. */
export const bundleSources = [path.join(projectRoot, 'functions'), path.join(projectRoot, 'lib', 'bundling.ts'), path.join(projectRoot, 'package-lock.json')];

/** True when a bundle is missing or older than the newest file among `sources`. */
export function bundlesAreStale(bundles: readonly string[] = functionNames.map(bundleFile), sources: readonly string[] = bundleSources): boolean {
  let oldestBundle = Infinity;
  for (const bundle of bundles) {
    const stat = statSync(bundle, { throwIfNoEntry: false });
    if (!stat) return true;
    oldestBundle = Math.min(oldestBundle, stat.mtimeMs);
  }
  const newest = (target: string): number => {
    const stat = statSync(target, { throwIfNoEntry: false });
    if (!stat) return 0;
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(0, ...readdirSync(target).map((entry) => newest(path.join(target, entry))));
  };
  return Math.max(...sources.map(newest)) > oldestBundle;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function idField(body: Buffer, field: string): string | undefined {
  try {
    const value = (JSON.parse(body.toString('utf8')) as Record<string, unknown>)[field];
    return typeof value === 'string' && PLAYER_ID_PATTERN.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: http.ServerResponse, statusCode: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  if (bundlesAreStale()) {
    log('building the function bundles…');
    await buildBundles();
  }

  const realUpstream = env.UPSTREAM_BASE_URL && env.UPSTREAM_API_KEY && env.UPSTREAM_PROJECT_ID;
  if (env.UPSTREAM_BASE_URL && !realUpstream) {
    // Falling back to the emulator here would hide that the real vendor is not being called.
    throw new LocalConfigError('UPSTREAM_BASE_URL is set, so UPSTREAM_API_KEY and UPSTREAM_PROJECT_ID must be set too (the key and project id of the real vendor). Unset UPSTREAM_BASE_URL to use the embedded emulator.');
  }
  const credentials = realUpstream
    ? { apiKey: env.UPSTREAM_API_KEY as string, projectId: env.UPSTREAM_PROJECT_ID as string }
    : { apiKey: 'local-emulator-key', projectId: 'local-project' };
  const emulator = realUpstream ? undefined : new NcloudEmulator(credentials);
  const secrets = new SecretsManagerEndpoint();
  await Promise.all([emulator?.start(), secrets.start()]);
  secrets.put(LOCAL_SECRET_ARN, JSON.stringify(credentials));
  const upstreamBaseUrl = emulator ? emulator.baseUrl : (env.UPSTREAM_BASE_URL as string);

  const server = http.createServer();
  const port = options.port ?? 3000;
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    await Promise.all([emulator?.stop(), secrets.stop()]);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port);
    throw error;
  }
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const issuer = await SessionIssuer.create(`${url}/local`);
  const openapi = buildOpenApiDocument({ serverUrl: url });

  const environment: Record<string, string> = {
    ...functionEnvironment({
      secretId: LOCAL_SECRET_ARN,
      upstreamBaseUrl,
      provider: env[settings.provider.env] || undefined,
      loginauthUrl: emulator ? emulator.loginauthUrl : env[settings.loginauthUrl.env] || undefined,
    }),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: 'AKIALOCAL0000000000',
    AWS_SECRET_ACCESS_KEY: 'local-only-not-a-real-secret',
    POWERTOOLS_LOG_LEVEL: env.LOG_LEVEL ?? 'WARN',
    // Locally the bundles run on this machine's Node (20 is supported until the SDK's 2027 releases); Lambda runs Node 24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.functionEnv,
  };
  // The timeouts the stack deploys, from the deadlines the functions will read (lib/timeouts.ts).
  const deadlines = readConfig(environment);
  const deployedTimeoutMs = (name: string) => (name === 'gamepot-authorizer' ? authorizerTimeoutMs(deadlines) : functionTimeoutMs(deadlines));
  const pool = new FunctionPool(environment, {
    timeoutMs: (name) => options.functionTimeoutMs ?? deployedTimeoutMs(name),
    echoLogs: options.functionLogs ?? true,
  });
  const auth: AuthMode = options.auth ?? 'jwt';
  const players: PlayerAuthorizer =
    auth === 'gamepot' ? new GamePotSessionAuthorizer(pool, (options.authorizerCacheTtlSeconds ?? 300) * 1000) : new JwtAuthorizer(issuer);
  // Warm every container now, so the first request is not also a process start.
  await Promise.all(functionNames.filter((name) => auth === 'gamepot' || name !== 'gamepot-authorizer').map((name) => pool.get(name)));

  server.on('request', (req, res) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', url);
    void (async () => {
      const body = await readBody(req);
      if (body === undefined) return { fn: '-', status: 413, sent: sendJson(res, 413, { message: 'Request Entity Too Large' }) };
      if (isInvokeRequest(method, target.pathname)) {
        const outcome = await invokeFunction(req, target.pathname, body, pool, res);
        return { fn: outcome.name ?? '-', status: outcome.statusCode };
      }
      if (method === 'POST' && target.pathname === '/local/session') return { fn: 'local-issuer', status: await issueSession(body, res) };
      if (method === 'POST' && target.pathname === '/local/gamepot/login') return { fn: 'gamepot-emulator', status: gamePotLogin(body, res) };
      if (method === 'GET' && target.pathname === '/local/jwks.json') return { fn: 'local-issuer', status: 200, sent: sendJson(res, 200, issuer.jwks) };
      if (method === 'GET' && target.pathname === '/openapi.json') return { fn: 'openapi', status: 200, sent: sendJson(res, 200, openapi) };
      const match = matchRoute(method, target.pathname);
      if (match.kind === 'none') return { fn: '-', status: 404, sent: sendJson(res, 404, { message: 'Not Found' }) };
      const requestId = randomUUID();
      const verdict = await authorizeRoute(match.name, req, players, requestId);
      if (!verdict.ok) {
        sendJson(res, verdict.refusal.statusCode, verdict.refusal.body, verdict.refusal.headers);
        return { fn: `${match.name} (authorizer)`, status: verdict.refusal.statusCode };
      }
      const container = await pool.get(match.name);
      const outcome = await container.invoke(buildEvent(match.name, req, target, body, verdict.authorizer, requestId));
      if (outcome.functionError) {
        sendJson(res, 500, { message: 'Internal Server Error' });
        return { fn: match.name, status: 500 };
      }
      const result = outcome.payload as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
      res.writeHead(result.statusCode, result.headers ?? {});
      res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
      return { fn: match.name, status: result.statusCode };
    })()
      .then(({ fn, status }) => {
        if (!options.quiet) log(`${method} ${target.pathname} → ${fn} ${status} ${Date.now() - started} ms`);
      })
      .catch((error: unknown) => {
        log(`${method} ${target.pathname} failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      });
  });

  async function issueSession(body: Buffer, res: http.ServerResponse): Promise<number> {
    const playerId = idField(body, 'playerId');
    if (!playerId) return sendJson(res, 400, { message: 'send {"playerId": "..."} with 4 to 128 characters of A-Z, a-z, 0-9, _ or -' }), 400;
    sendJson(res, 200, await issuer.issue(playerId));
    return 200;
  }

  /** What the GamePot SDK's login gives a client: a member id and a login token. */
  function gamePotLogin(body: Buffer, res: http.ServerResponse): number {
    const memberId = idField(body, 'memberId');
    if (!emulator) return sendJson(res, 404, { message: 'GamePot logins are emulated only with the embedded emulator' }), 404;
    if (!memberId) return sendJson(res, 400, { message: 'send {"memberId": "..."} with 4 to 128 characters of A-Z, a-z, 0-9, _ or -' }), 400;
    sendJson(res, 200, emulator.loginMember(memberId));
    return 200;
  }

  return {
    url,
    auth,
    issuer,
    emulator,
    secrets,
    upstreamBaseUrl,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.stop();
      await Promise.all([emulator?.stop(), secrets.stop()]);
    },
  };
}
