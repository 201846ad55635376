/**
 * The whole product on loopback: the local HTTP API in front of the built
 * bundles, the local session issuer, the Lambda Invoke API, an embedded Secrets
 * Manager endpoint, and the Ncloud emulator as the default upstream (or the real
 * Ncloud Chat / GamePot when UPSTREAM_BASE_URL and a key are given).
 *
 * Everything is started and warmed first; the port is opened last, so whatever
 * connects is answered.
 */
import { settings } from '../functions/core/config.js';
import { buildBundles, bundlesAreStale } from '../lib/build-bundles.js';
import { functionNames } from '../lib/bundling.js';
import type { CorsPolicy } from '../lib/cors.js';
import { buildOpenApiDocument } from '../lib/openapi.js';
import { DEFAULT_AUTHORIZER_CACHE_TTL_SECONDS } from '../lib/stage-config.js';
import { ApiGateway } from './api-gateway.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, listen, type ClientTimeouts } from './api-server.js';
import { GamePotSessionAuthorizer, IamAuthorizer, JwtAuthorizer, type PlayerAuthorizer } from './authorizers.js';
import { LocalCors } from './cors.js';
import { FunctionPool } from './function-pool.js';
import { deployedTimeoutMs, localFunctionEnvironment } from './function-settings.js';
import { LambdaInvokeEndpoint } from './lambda-endpoint.js';
import { localCredentials, type LocalCredentials } from './local-credentials.js';
import { localEndpoints } from './local-endpoints.js';
import { GuardStoreServer } from './guard-store-server.js';
import { DEFAULT_PORT, corsPolicyFrom, guardFrom, upstreamFrom, type GuardSettings, type UpstreamSettings } from './local-settings.js';
import { NcloudEmulator } from './ncloud-emulator.js';
import { localRouter } from './router.js';
import { SecretsManagerEndpoint } from './secrets-manager-endpoint.js';
import { SessionIssuer, type IssuerKey } from './session-issuer.js';

export { PortInUseError } from './api-server.js';
export { LocalConfigError } from './local-settings.js';

export const LOCAL_SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-2:000000000000:secret:friendship-bff/local-upstream';

export type AuthMode = 'jwt' | 'gamepot';

export interface LocalStackOptions {
  /** Default 3000; 0 picks a free port. */
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
  /** API Gateway's integration timeout: 30 s, as in AWS. */
  integrationTimeoutMs?: number;
  /** How slowly a client may send a request (api-server.ts DEFAULT_CLIENT_TIMEOUTS). */
  clientTimeouts?: Partial<ClientTimeouts>;
  /** How long stop() lets the requests in flight finish. */
  shutdownGraceMs?: number;
  /** The CORS policy; by default the one the stage named by CORS_STAGE (default dev) deploys. */
  cors?: CorsPolicy;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  auth: AuthMode;
  issuer: SessionIssuer;
  /** Undefined when proxying to the real vendor. */
  emulator: NcloudEmulator | undefined;
  secrets: SecretsManagerEndpoint;
  /** The guard's local DynamoDB-compatible store; undefined with GUARD_ENABLED=false. */
  guardStore: GuardStoreServer | undefined;
  upstreamBaseUrl: string;
  /** The pair the bulk route and the Lambda Invoke API accept signatures of. */
  credentials: LocalCredentials;
  cors: CorsPolicy | undefined;
  /** Stops taking connections, lets the requests in flight finish (a bounded grace), then stops everything. */
  stop(): Promise<void>;
}

/** The emulator (unless a real vendor is named), the Secrets Manager endpoint holding the upstream key, and the guard's store (unless off). */
async function startBackends(upstream: UpstreamSettings, guard: GuardSettings) {
  const emulator = upstream.realBaseUrl ? undefined : new NcloudEmulator(upstream.credentials);
  const secrets = new SecretsManagerEndpoint();
  const guardStore = guard.enabled ? new GuardStoreServer() : undefined;
  await Promise.all([emulator?.start(), secrets.start(), guardStore?.start()]);
  secrets.put(LOCAL_SECRET_ARN, JSON.stringify(upstream.credentials));
  return { emulator, secrets, guardStore, upstreamBaseUrl: emulator ? emulator.baseUrl : (upstream.realBaseUrl as string) };
}

interface SiteParts {
  pool: FunctionPool;
  auth: AuthMode;
  issuerKey: IssuerKey;
  credentials: LocalCredentials;
  cors: LocalCors;
  emulator: NcloudEmulator | undefined;
  options: LocalStackOptions;
  log: (line: string) => void;
}

/** Everything that answers on the port, for the server's own URL (the issuer and the OpenAPI document name it). */
function siteAt(url: string, { pool, auth, issuerKey, credentials, cors, emulator, options, log }: SiteParts) {
  const issuer = SessionIssuer.withKey(`${url}/local`, issuerKey);
  const players: PlayerAuthorizer =
    auth === 'gamepot' ? new GamePotSessionAuthorizer(pool, (options.authorizerCacheTtlSeconds ?? DEFAULT_AUTHORIZER_CACHE_TTL_SECONDS) * 1000) : new JwtAuthorizer(issuer);
  const gateway = new ApiGateway({
    pool,
    authorizers: { players, iam: new IamAuthorizer(credentials) },
    integrationTimeoutMs: options.integrationTimeoutMs,
    integrationHeaders: cors.integrationHeaders,
  });
  const router = localRouter({
    gateway,
    lambda: new LambdaInvokeEndpoint(pool, credentials),
    endpoints: localEndpoints({ issuer, emulator, openapi: buildOpenApiDocument({ serverUrl: url }) }),
    cors,
    baseUrl: url,
    log,
    quiet: options.quiet,
  });
  return { issuer, handler: router };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  // Every setting first: a bad one stops here, before anything runs.
  const upstream = upstreamFrom(env);
  const guard = guardFrom(env);
  const cors = options.cors ?? corsPolicyFrom(env);
  const credentials = localCredentials(env);
  const auth: AuthMode = options.auth ?? 'jwt';
  if (bundlesAreStale()) {
    log('building the function bundles…');
    await buildBundles();
  }

  const { emulator, secrets, guardStore, upstreamBaseUrl } = await startBackends(upstream, guard);
  const environment = localFunctionEnvironment({
    secretId: LOCAL_SECRET_ARN,
    secretsUrl: secrets.url,
    upstreamBaseUrl,
    loginauthUrl: emulator ? emulator.loginauthUrl : env[settings.loginauthUrl.env] || undefined,
    provider: env[settings.provider.env] || undefined,
    credentials,
    logLevel: env.LOG_LEVEL,
    guard: guardStore ? { tableName: guardStore.tableName, url: guardStore.url } : undefined,
    guardVariables: guard.variables,
    extra: options.functionEnv,
  });
  const pool = new FunctionPool(environment, {
    timeoutMs: (name) => options.functionTimeoutMs ?? deployedTimeoutMs(name, environment),
    echoLogs: options.functionLogs ?? true,
  });
  const stopBackends = async () => {
    await pool.stop();
    await Promise.all([emulator?.stop(), secrets.stop(), guardStore?.stop()]);
  };

  const serve = async () => {
    // Warm every container now, so the first request is not also a process start; the port opens last.
    await Promise.all(functionNames.filter((name) => auth === 'gamepot' || name !== 'gamepot-authorizer').map((name) => pool.get(name)));
    const parts: SiteParts = { pool, auth, issuerKey: await SessionIssuer.generateKey(), credentials, cors: new LocalCors(cors), emulator, options, log };
    return listen((url) => siteAt(url, parts), { port: options.port ?? DEFAULT_PORT, host: options.host ?? '127.0.0.1', clientTimeouts: options.clientTimeouts });
  };
  const server = await serve().catch(async (error: unknown) => {
    await stopBackends();
    throw error;
  });

  return {
    url: server.url,
    auth,
    issuer: server.site.issuer,
    emulator,
    secrets,
    guardStore,
    upstreamBaseUrl,
    credentials,
    cors,
    stop: async () => {
      // The functions and the upstream keep running until the last answer is out.
      await server.close(options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      await stopBackends();
    },
  };
}
