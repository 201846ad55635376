/**
 * The function environment, declared once: each variable's name, default and
 * bounds. The functions read it here (once per container); the CDK stack, the
 * stage schema, the local stack and the tests write it with `functionEnvironment`
 * and take their defaults and bounds from `settings`, so no copy can drift.
 */
import * as z from 'zod/mini';

export const upstreamProviders = {
  'ncloud-chat': 'https://dashboard-api.ncloudchat.naverncp.com/v1/api',
  gamepot: 'https://gamepot.apigw.ntruss.com/gpapps/v2',
} as const;
export type UpstreamProvider = keyof typeof upstreamProviders;

/** A whole number with its variable's name, default and bounds. */
export interface NumberSetting {
  readonly env: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** Every variable a function reads. SECRET_ID is the only one without a default. */
export const settings = {
  secretId: { env: 'SECRET_ID' },
  /** How long a container keeps the key. */
  secretTtlSeconds: { env: 'SECRET_TTL_SECONDS', default: 300, min: 0, max: 86_400 },
  /** One Secrets Manager read. */
  secretTimeoutMs: { env: 'SECRET_TIMEOUT_MS', default: 2_000, min: 100, max: 10_000 },
  provider: { env: 'UPSTREAM_PROVIDER', default: 'ncloud-chat' },
  /** Overrides the provider's base URL, version path included. */
  upstreamBaseUrl: { env: 'UPSTREAM_BASE_URL' },
  /** One vendor call. */
  upstreamTimeoutMs: { env: 'UPSTREAM_TIMEOUT_MS', default: 5_000, min: 100, max: 10_000 },
  /** The JWT claim that holds the player id. */
  playerIdClaim: { env: 'PLAYER_ID_CLAIM', default: 'sub' },
  /** GamePot's session check (the GamePot session authorizer only). */
  loginauthUrl: { env: 'GAMEPOT_LOGINAUTH_URL', default: 'https://gamepot.apigw.ntruss.com/gpapps/v1/loginauth' },
  /** One loginauth call. */
  loginauthTimeoutMs: { env: 'LOGINAUTH_TIMEOUT_MS', default: 2_000, min: 100, max: 10_000 },
} as const satisfies Record<string, { env: string; default?: unknown; min?: number; max?: number }>;

const whole = (setting: NumberSetting) => z._default(z.coerce.number().check(z.int(), z.gte(setting.min), z.lte(setting.max)), setting.default);

const environment = z.object({
  [settings.secretId.env]: z.string().check(z.minLength(1)),
  [settings.secretTtlSeconds.env]: whole(settings.secretTtlSeconds),
  [settings.secretTimeoutMs.env]: whole(settings.secretTimeoutMs),
  [settings.provider.env]: z._default(z.enum(Object.keys(upstreamProviders) as [UpstreamProvider]), settings.provider.default),
  [settings.upstreamBaseUrl.env]: z.optional(z.url()),
  [settings.upstreamTimeoutMs.env]: whole(settings.upstreamTimeoutMs),
  [settings.playerIdClaim.env]: z._default(z.string().check(z.minLength(1)), settings.playerIdClaim.default),
  [settings.loginauthUrl.env]: z._default(z.url(), settings.loginauthUrl.default),
  [settings.loginauthTimeoutMs.env]: whole(settings.loginauthTimeoutMs),
});

export interface FunctionConfig {
  secretId: string;
  secretTtlSeconds: number;
  secretTimeoutMs: number;
  provider: UpstreamProvider;
  /** The provider's base URL unless overridden, without a trailing slash. */
  upstreamBaseUrl: string;
  upstreamTimeoutMs: number;
  playerIdClaim: string;
  loginauthUrl: string;
  loginauthTimeoutMs: number;
}

type SettingName = keyof typeof settings;

/** Throws with the names of the bad variables, never their values. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new Error(`invalid function environment: ${names.join(', ')}`);
  }
  const value = <T>(name: SettingName) => parsed.data[settings[name].env] as T;
  const provider = value<UpstreamProvider>('provider');
  return {
    secretId: value('secretId'),
    secretTtlSeconds: value('secretTtlSeconds'),
    secretTimeoutMs: value('secretTimeoutMs'),
    provider,
    upstreamBaseUrl: (value<string | undefined>('upstreamBaseUrl') ?? upstreamProviders[provider]).replace(/\/+$/, ''),
    upstreamTimeoutMs: value('upstreamTimeoutMs'),
    playerIdClaim: value('playerIdClaim'),
    loginauthUrl: value('loginauthUrl'),
    loginauthTimeoutMs: value('loginauthTimeoutMs'),
  };
}

/** The defaults, for whoever derives something from them (the deployed timeouts, say). */
export const defaultConfig = (secretId: string): FunctionConfig => readConfig({ [settings.secretId.env]: secretId });

/**
 * The variables for the given settings, by their declared names; a setting left
 * out is left to the function's default. Values may be CDK tokens (the secret's ARN).
 */
export function functionEnvironment(values: { readonly [K in SettingName]?: string | number | undefined }): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) variables[settings[name as SettingName].env] = String(value);
  }
  return variables;
}
