/** The environment and the timeout of each local function container, as the stack deploys them. */
import { DEFAULT_LOGINAUTH_TIMEOUT_MS, DEFAULT_SECRET_TIMEOUT_MS, DEFAULT_UPSTREAM_TIMEOUT_MS, authorizerTimeoutMs, functionTimeoutMs } from '../lib/timeouts.js';
import type { LocalCredentials } from './local-credentials.js';

export interface FunctionSettingsInput {
  secretId: string;
  secretsUrl: string;
  upstreamBaseUrl: string;
  /** The emulator's loginauth, or the one a real-vendor setup names. */
  loginauthUrl: string | undefined;
  upstreamProvider: string | undefined;
  credentials: LocalCredentials;
  logLevel: string | undefined;
  /** Extra variables, e.g. a short UPSTREAM_TIMEOUT_MS for a test; they win. */
  extra: Record<string, string> | undefined;
}

export function functionEnvironment(input: FunctionSettingsInput): Record<string, string> {
  return {
    SECRET_ID: input.secretId,
    UPSTREAM_BASE_URL: input.upstreamBaseUrl,
    ...(input.upstreamProvider ? { UPSTREAM_PROVIDER: input.upstreamProvider } : {}),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: input.secretsUrl,
    ...(input.loginauthUrl ? { GAMEPOT_LOGINAUTH_URL: input.loginauthUrl } : {}),
    AWS_REGION: 'ap-northeast-2',
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: input.logLevel ?? 'WARN',
    // Locally the bundles run on this machine's Node (20 is supported until the SDK's 2027 releases); Lambda runs Node 24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...input.extra,
  };
}

/** The timeout the stack deploys for `name`, from the same deadlines (lib/timeouts.ts) as `environment` sets them. */
export function deployedTimeoutMs(name: string, environment: Record<string, string>): number {
  const deadline = (variable: string, fallback: number) => Number(environment[variable] ?? fallback);
  const secretTimeoutMs = deadline('SECRET_TIMEOUT_MS', DEFAULT_SECRET_TIMEOUT_MS);
  return name === 'gamepot-authorizer'
    ? authorizerTimeoutMs({ secretTimeoutMs, loginauthTimeoutMs: deadline('LOGINAUTH_TIMEOUT_MS', DEFAULT_LOGINAUTH_TIMEOUT_MS) })
    : functionTimeoutMs({ secretTimeoutMs, upstreamTimeoutMs: deadline('UPSTREAM_TIMEOUT_MS', DEFAULT_UPSTREAM_TIMEOUT_MS) });
}
