/** The environment and the timeout of each local function container, as the stack deploys them. */
import { functionEnvironment, readConfig } from '../functions/core/config.js';
import { authorizerTimeoutMs, functionTimeoutMs } from '../lib/timeouts.js';
import type { LocalCredentials } from './local-credentials.js';

export interface LocalFunctionSettings {
  secretId: string;
  secretsUrl: string;
  upstreamBaseUrl: string;
  /** The emulator's loginauth, or the one a real-vendor setup names. */
  loginauthUrl: string | undefined;
  provider: string | undefined;
  credentials: LocalCredentials;
  logLevel: string | undefined;
  /** The local guard store, or undefined when GUARD_ENABLED=false. */
  guard: { tableName: string; url: string } | undefined;
  /** The guard's variables as set for `npm start` (GUARD_TIMEOUT_MS, LIMIT_*). */
  guardVariables: Record<string, string>;
  /** Extra variables, e.g. a short UPSTREAM_TIMEOUT_MS for a test; they win. */
  extra: Record<string, string> | undefined;
}

/** The function variables (functions/core/config.ts) plus what a local container needs to reach the local AWS endpoints. */
export function localFunctionEnvironment(input: LocalFunctionSettings): Record<string, string> {
  return {
    ...functionEnvironment({ secretId: input.secretId, upstreamBaseUrl: input.upstreamBaseUrl, provider: input.provider, loginauthUrl: input.loginauthUrl }),
    ...input.guardVariables,
    ...functionEnvironment({ guardEnabled: input.guard !== undefined, guardTableName: input.guard?.tableName }),
    // The same @aws-sdk/client-dynamodb code path as in AWS, pointed at the local store.
    ...(input.guard ? { AWS_ENDPOINT_URL_DYNAMODB: input.guard.url } : {}),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: input.secretsUrl,
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: input.logLevel ?? 'WARN',
    // Locally the bundles run on this machine's Node (20 is supported until the SDK's 2027 releases); Lambda runs Node 24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...input.extra,
  };
}

/** The timeout the stack deploys for `name`, from the deadlines the functions will read in `environment` (lib/timeouts.ts). */
export function deployedTimeoutMs(name: string, environment: Record<string, string>): number {
  const deadlines = readConfig(environment);
  return name === 'gamepot-authorizer' ? authorizerTimeoutMs(deadlines) : functionTimeoutMs({ ...deadlines, guardTimeoutMs: deadlines.guard?.timeoutMs ?? 0 });
}
