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

/** A rate limit per player: at most `default` calls per window (0 turns it off). */
export interface RateLimitSetting extends NumberSetting {
  readonly windowSeconds: number;
  /** Counted per pair of players (the acting one and the other one) instead of per acting player. */
  readonly perCounterpart?: boolean;
}

const MINUTE = 60;
const DAY = 86_400;
const rateLimit = (env: string, defaultLimit: number, windowSeconds: number, max: number, perCounterpart = false): RateLimitSetting => ({
  env,
  default: defaultLimit,
  min: 0,
  max,
  windowSeconds,
  perCounterpart,
});

/** The player guard's rate limits (functions/core/guard.ts), each a token bucket over its window. */
export const rateLimitSettings = {
  friendRequestsPerMinute: rateLimit('LIMIT_FRIEND_REQUESTS_PER_MINUTE', 10, MINUTE, 10_000),
  friendRequestsPerDay: rateLimit('LIMIT_FRIEND_REQUESTS_PER_DAY', 100, DAY, 1_000_000),
  friendRequestsToSamePlayerPerDay: rateLimit('LIMIT_FRIEND_REQUESTS_TO_SAME_PLAYER_PER_DAY', 3, DAY, 1_000, true),
  /** accept, reject, end (and, with blocks, block and unblock). */
  changesPerMinute: rateLimit('LIMIT_CHANGES_PER_MINUTE', 60, MINUTE, 10_000),
  /** list-friendships. */
  listsPerMinute: rateLimit('LIMIT_LISTS_PER_MINUTE', 120, MINUTE, 10_000),
} as const satisfies Record<string, RateLimitSetting>;
export type RateLimitName = keyof typeof rateLimitSettings;
export const rateLimitNames = Object.keys(rateLimitSettings) as RateLimitName[];

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
  /** The player guard (rate limits) on or off; on, it needs its table. */
  guardEnabled: { env: 'GUARD_ENABLED', default: true },
  /** The guard's DynamoDB table. */
  guardTableName: { env: 'GUARD_TABLE_NAME' },
  /** One guard store call. */
  guardTimeoutMs: { env: 'GUARD_TIMEOUT_MS', default: 1_000, min: 50, max: 5_000 },
  ...rateLimitSettings,
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
  [settings.guardEnabled.env]: z._default(z.enum(['true', 'false']), String(settings.guardEnabled.default) as 'true' | 'false'),
  [settings.guardTableName.env]: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/))),
  [settings.guardTimeoutMs.env]: whole(settings.guardTimeoutMs),
  ...Object.fromEntries(rateLimitNames.map((name) => [rateLimitSettings[name].env, whole(rateLimitSettings[name])])),
});

/** What the guard reads; undefined when GUARD_ENABLED=false. */
export interface GuardConfig {
  tableName: string;
  timeoutMs: number;
  /** Calls per window; 0: that limit is off. */
  limits: Record<RateLimitName, number>;
}

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
  guard: GuardConfig | undefined;
}

type SettingName = keyof typeof settings;

/** Throws with the names of the bad variables, never their values. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new Error(`invalid function environment: ${names.join(', ')}`);
  }
  const value = <T>(name: SettingName) => (parsed.data as Record<string, unknown>)[settings[name].env] as T;
  const provider = value<UpstreamProvider>('provider');
  const guardEnabled = value<string>('guardEnabled') === 'true';
  const tableName = value<string | undefined>('guardTableName');
  // Fail closed: a guard that is on but has no table would let everything through unchecked.
  if (guardEnabled && tableName === undefined) throw new Error(`invalid function environment: ${settings.guardTableName.env} (${settings.guardEnabled.env} is true)`);
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
    guard:
      guardEnabled && tableName !== undefined
        ? {
            tableName,
            timeoutMs: value('guardTimeoutMs'),
            limits: Object.fromEntries(rateLimitNames.map((name) => [name, value<number>(name)])) as Record<RateLimitName, number>,
          }
        : undefined,
  };
}

/** The defaults, for whoever derives something from them (the deployed timeouts, say). */
export const defaultConfig = (secretId: string): FunctionConfig => readConfig({ [settings.secretId.env]: secretId, [settings.guardEnabled.env]: 'false' });

/**
 * The variables for the given settings, by their declared names; a setting left
 * out is left to the function's default. Values may be CDK tokens (the secret's ARN).
 */
export function functionEnvironment(values: { readonly [K in SettingName]?: string | number | boolean | undefined }): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) variables[settings[name as SettingName].env] = String(value);
  }
  return variables;
}
