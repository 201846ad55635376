/**
 * The stage configuration: cdk.json context `stages.<name>`, selected with
 * `-c stage=<name>` (default `dev`), and overridden key by key with
 * `-c <dotted.key>=<value>` (e.g. `-c auth.issuer=https://...`) or section by
 * section with JSON (`-c cors='{"allowOrigins":["https://game.example.com"]}'`). Validated at
 * synth time; a bad or missing value fails with its key and what is expected.
 */
import * as z from 'zod';
import { rateLimitNames, rateLimitSettings, settings, upstreamProviders, type NumberSetting, type RateLimitName } from '../functions/core/config.js';
import { asRecord } from '../functions/core/json.js';
import {
  API_AUTHORIZER_LIMIT_MS,
  AUTHORIZER_OVERHEAD_MS,
  MAX_AUTHORIZER_TIMEOUT_MS,
  MAX_FUNCTION_TIMEOUT_MS,
  authorizerTimeoutMs,
  functionTimeoutMs,
} from './timeouts.js';

export const DEFAULT_STAGE = 'dev';
/** auth.cacheTtlSeconds (gamepot): how long API Gateway keeps an authorizer answer. */
export const DEFAULT_AUTHORIZER_CACHE_TTL_SECONDS = 300;
/** API Gateway caches an authorizer answer for at most an hour. */
const MAX_AUTHORIZER_CACHE_TTL_SECONDS = 3_600;
/** alarms.throttledRequestsPer5Min: a few clients retrying a burst stay under it; a stage at its limit does not. */
const DEFAULT_THROTTLED_REQUESTS_PER_5_MIN = 50;

/** alarms.guardUnavailablePer5Min: a blip of the store is not a page; a store that keeps failing is (every player route is refused). */
const DEFAULT_GUARD_UNAVAILABLE_PER_5_MIN = 5;

/** Message for an issue: "is missing" when there was no value at all, so the fix is obvious. */
const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? `is missing: expected ${what}` : `expected ${what}`),
});

const positive = (max: number, what: string) => {
  const expected = expecting(`${what} above 0, at most ${max}`);
  return z.number(expected).positive(expected).max(max, expected);
};
const httpsUrl = (what: string) => z.url({ protocol: /^https$/, ...expecting(`an https:// URL (${what})`) });
const int = (min: number, max: number, what: string) => {
  const expected = expecting(`a whole number from ${min} to ${max} (${what})`);
  return z.int(expected).min(min, expected).max(max, expected);
};

/** A stage key that sets one function variable: that variable's bounds and default. */
const functionSetting = (setting: NumberSetting) => int(setting.min, setting.max, setting.env).default(setting.default);

/** guard.limits: each rate limit by its name in functions/core/config.ts, with that setting's bounds and default. */
const guardLimits = z
  .strictObject(Object.fromEntries(rateLimitNames.map((name) => [name, functionSetting(rateLimitSettings[name])])) as Record<RateLimitName, ReturnType<typeof functionSetting>>)
  .prefault({});

/** CloudWatch Logs accepts only these retention periods. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
const retentionDays = z
  .number(expecting(`one of ${RETENTION_DAYS.join(', ')} (days)`))
  .refine((days) => (RETENTION_DAYS as readonly number[]).includes(days), `expected one of ${RETENTION_DAYS.join(', ')} (days)`);

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** Secrets Manager appends "-" and 6 characters to a name; a name that already ends so makes partial ARNs ambiguous. */
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;
const secretName = z
  .string(expecting('a secret name of letters, digits and /_+=.@-'))
  .regex(SECRET_NAME, 'expected a secret name of 1 to 512 letters, digits and /_+=.@-')
  .refine((name) => !SECRET_SUFFIX.test(name), 'must not end with "-" and 6 characters: Secrets Manager adds such a suffix itself');
const secretArn = z
  .string(expecting('a Secrets Manager secret ARN'))
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, 'expected arn:aws:secretsmanager:<region>:<account>:secret:<name>[-<6 chars>]');
const kmsKeyArn = z
  .string(expecting('a KMS key ARN'))
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'expected arn:aws:kms:<region>:<account>:key/<key id>');

/** Settings every secret source shares. */
const secretCommon = {
  /** Only for a customer-managed key: the functions then get kms:Decrypt on it, through Secrets Manager only. */
  kmsKeyArn: kmsKeyArn.optional(),
  ttlSeconds: functionSetting(settings.secretTtlSeconds),
  timeoutMs: functionSetting(settings.secretTimeoutMs),
};

const secret = z.discriminatedUnion(
  'source',
  [
    /** The stack creates an empty secret (a random value, never a committed one); the README sets the real value. */
    z.strictObject({ source: z.literal('create'), name: secretName.optional(), ...secretCommon }),
    /** An existing secret by ARN, complete (with the 6-character suffix) or partial. */
    z.strictObject({ source: z.literal('arn'), arn: secretArn, ...secretCommon }),
    /** An existing secret by name: granted on its partial ARN's pattern `<name>-??????`. */
    z.strictObject({ source: z.literal('name'), name: secretName, ...secretCommon }),
  ],
  expecting('{"source": "create" | "arn" | "name", ...}'),
);

const audienceExpected = expecting('a non-empty list of audiences (for Cognito: the app client ids)');
const audienceValue = z.string(audienceExpected).min(1, audienceExpected);
/** A list, or a single audience (handy with -c auth.audience=<client id>). */
const audience = z
  .union([audienceValue, z.array(audienceValue, audienceExpected).min(1, audienceExpected)], audienceExpected)
  .transform((value) => (typeof value === 'string' ? [value] : value));

/** What `auth` and `auth.mode` expect; `mode` may be left out for a JWT stage. */
const AUTH_EXPECTED = '{"mode"?: "jwt" (the default), "issuer", "audience", ...} or {"mode": "gamepot", "cacheTtlSeconds"?}';

const auth = z.discriminatedUnion(
  'mode',
  [
    /**
     * API Gateway's JWT authorizer: the default mode, so `mode` may be left out
     * (zod routes an object without `mode` to this option, and fills in 'jwt').
     */
    z.strictObject({
      mode: z.literal('jwt').default('jwt'),
      issuer: httpsUrl('the JWT issuer, e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>'),
      audience,
      /** PLAYER_ID_CLAIM: the claim that holds the player id. */
      playerIdClaim: z.string(expecting('a claim name')).min(1, expecting('a claim name')).default(settings.playerIdClaim.default),
    }),
    /**
     * GamePot sessions through a Lambda REQUEST authorizer (the `gamepot-authorizer` function),
     * whose answers API Gateway caches per pair of Authorization and X-GamePot-Member-Id values.
     */
    z.strictObject({
      mode: z.literal('gamepot'),
      /** 0 turns the cache off; 3600 is API Gateway's maximum. */
      cacheTtlSeconds: int(0, MAX_AUTHORIZER_CACHE_TTL_SECONDS, 'seconds API Gateway caches an authorizer answer; 0 turns caching off').default(
        DEFAULT_AUTHORIZER_CACHE_TTL_SECONDS,
      ),
    }),
  ],
  expecting(AUTH_EXPECTED),
);

/** An origin is scheme://host[:port], with no path; `*` only when written out. */
const origin = z
  .string(expecting('an origin such as https://game.example.com'))
  .regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'expected an origin such as https://game.example.com (no path, no trailing slash), or "*"');

const stageConfigSchema = z
  .strictObject({
    /** Pins the stack to an account and region; left out, the stack is environment-agnostic (synth needs no credentials). */
    env: z
      .strictObject({
        account: z.string(expecting('a 12-digit account id')).regex(/^\d{12}$/, 'expected a 12-digit account id').optional(),
        region: z.string(expecting('a region such as eu-west-1')).regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region such as eu-west-1').optional(),
      })
      .prefault({}),
    upstream: z
      .strictObject({
        provider: z.enum(Object.keys(upstreamProviders) as [keyof typeof upstreamProviders], expecting("'ncloud-chat' or 'gamepot'")).default(settings.provider.default),
        /** Overrides the provider's base URL, version path included. */
        baseUrl: httpsUrl('the upstream base URL').optional(),
        timeoutMs: functionSetting(settings.upstreamTimeoutMs),
      })
      .prefault({}),
    secret,
    auth,
    cors: z
      .strictObject({
        /** Empty: no CORS at all (native clients and servers need none). */
        allowOrigins: z.array(origin, expecting('a list of origins')).default([]),
        maxAgeSeconds: int(0, 86_400, 'the preflight cache').default(3_600),
      })
      .prefault({}),
    throttle: z.strictObject(
      {
        rateLimit: positive(10_000, 'requests per second,'),
        burstLimit: int(1, 5_000, 'the burst in requests'),
      },
      expecting('{"rateLimit", "burstLimit"}'),
    ),
    functions: z
      .strictObject({
        memoryMb: int(128, 10_240, 'MB of memory per function').default(256),
        /** A cap that protects the upstream. Unset by default: accounts with a concurrency quota of 10 cannot reserve any. */
        reservedConcurrency: int(1, 1_000, 'concurrent executions per function').optional(),
        logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'], expecting("'DEBUG', 'INFO', 'WARN' or 'ERROR'")).default('INFO'),
      })
      .prefault({}),
    logs: z
      .strictObject({
        retentionDays: retentionDays.default(30),
        /** `destroy` deletes the log groups with the stack; `retain` keeps them. */
        removal: z.enum(['destroy', 'retain'], expecting("'destroy' or 'retain'")).default('destroy'),
      })
      .prefault({}),
    /** The player guard (docs/guard.md): rate limits per player, kept in the stage's DynamoDB table. */
    guard: z
      .strictObject({
        /** false: no rate limits at all (a load-test stage, say); the table still exists. */
        enabled: z.boolean(expecting('true or false')).default(settings.guardEnabled.default),
        /** One store call. */
        timeoutMs: functionSetting(settings.guardTimeoutMs),
        /** Calls per window per player; 0 turns that limit off. */
        limits: guardLimits,
        /** Point-in-time recovery on the guard table (on in prod). */
        pointInTimeRecovery: z.boolean(expecting('true or false')).default(false),
        /** `retain` keeps the table when the stack is deleted. */
        removal: z.enum(['destroy', 'retain'], expecting("'destroy' or 'retain'")).default('destroy'),
      })
      .prefault({}),
    alarms: z
      .strictObject({
        /** Creates an SNS topic with this email subscribed. */
        email: z.email(expecting('an email address')).optional(),
        /** An existing SNS topic for the alarms (e.g. one wired to chat or paging). */
        topicArn: z
          .string(expecting('an SNS topic ARN'))
          .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'expected arn:aws:sns:<region>:<account>:<topic>')
          .optional(),
        serverErrorRatePercent: positive(100, 'a percentage').default(1),
        p99LatencyMs: int(100, 30_000, 'the p99 latency threshold in ms').default(3_000),
        /**
         * Requests answered 429 within one 5-minute period that alarm: refused by the stage's
         * throttle (throttle.rateLimit / burstLimit), or the vendor's rate limit passed on.
         */
        throttledRequestsPer5Min: int(1, 1_000_000, 'requests answered 429 in 5 minutes that alarm').default(DEFAULT_THROTTLED_REQUESTS_PER_5_MIN),
        /** Calls answered 503 GUARD_UNAVAILABLE (the guard's store failing or slow) within one 5-minute period that alarm. */
        guardUnavailablePer5Min: int(1, 1_000_000, 'calls answered GUARD_UNAVAILABLE in 5 minutes that alarm').default(DEFAULT_GUARD_UNAVAILABLE_PER_5_MIN),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.auth.mode === 'gamepot') {
      const loginauthMs = settings.loginauthTimeoutMs.default;
      const authorizerMs = authorizerTimeoutMs({ secretTimeoutMs: config.secret.timeoutMs, loginauthTimeoutMs: loginauthMs });
      if (authorizerMs > MAX_AUTHORIZER_TIMEOUT_MS) {
        ctx.addIssue({
          code: 'custom',
          path: ['secret', 'timeoutMs'],
          message: `with auth.mode 'gamepot' the authorizer's timeout would be ${authorizerMs / 1000} s (one secret read + one ${loginauthMs / 1000} s loginauth call + ${AUTHORIZER_OVERHEAD_MS / 1000} s); it must stay well inside API Gateway's ${API_AUTHORIZER_LIMIT_MS / 1000} s authorizer limit (at most ${MAX_AUTHORIZER_TIMEOUT_MS / 1000} s): expected at most ${MAX_AUTHORIZER_TIMEOUT_MS - loginauthMs - AUTHORIZER_OVERHEAD_MS} ms`,
        });
      }
    }
    const timeoutMs = functionTimeoutMs({
      secretTimeoutMs: config.secret.timeoutMs,
      upstreamTimeoutMs: config.upstream.timeoutMs,
      guardTimeoutMs: config.guard.enabled ? config.guard.timeoutMs : 0,
    });
    if (timeoutMs > MAX_FUNCTION_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['upstream', 'timeoutMs'],
        message: `with secret.timeoutMs and guard.timeoutMs the function timeout would be ${timeoutMs / 1000} s; it must stay under the API's 30 s limit (at most ${MAX_FUNCTION_TIMEOUT_MS / 1000} s)`,
      });
    }
  });

export type StageSettings = z.output<typeof stageConfigSchema>;
export type AuthConfig = StageSettings['auth'];
export type SecretConfig = StageSettings['secret'];

export interface StageConfig extends StageSettings {
  /** The stage's name: part of the stack name and of every physical name, so stages coexist in one account. */
  readonly stage: string;
}

export class StageConfigError extends Error {
  constructor(
    message: string,
    readonly keys: readonly string[],
  ) {
    super(message);
    this.name = 'StageConfigError';
  }
}

/** Lowercase, starts with a letter, short enough for `friendship-<stage>-bulk-add-friendships` to fit Lambda's 64 characters. */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const TOP_LEVEL_KEYS = new Set(Object.keys(stageConfigSchema.shape));

/** -c values arrive as strings: numbers, booleans, lists and objects are written as JSON. */
function contextValue(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*([[{]|-?\d|true$|false$)/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  const [head, ...rest] = keys;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next: Record<string, unknown> = { ...asRecord(child) };
  target[head] = next;
  setPath(next, rest, value);
}


/**
 * Reads and validates the selected stage from the app's whole context
 * (`app.node.getAllContext()`): `stage`, `stages`, and dotted overrides.
 */
export function loadStageConfig(context: Readonly<Record<string, unknown>>): StageConfig {
  const stage = context.stage ?? DEFAULT_STAGE;
  if (typeof stage !== 'string' || !STAGE_NAME.test(stage)) {
    throw new StageConfigError(`Invalid stage: "stage" must be 1 to 16 characters of a-z, 0-9 and -, starting with a letter (got ${JSON.stringify(stage)}).`, ['stage']);
  }
  const stages = context.stages;
  const known = Object.keys(asRecord(stages) ?? {});
  const base = asRecord(asRecord(stages)?.[stage]);
  if (!base) {
    throw new StageConfigError(
      `Unknown stage "${stage}": cdk.json context "stages" has ${known.length > 0 ? known.map((name) => `"${name}"`).join(', ') : 'no stages'}. Add "stages.${stage}" or pick one with -c stage=<name>.`,
      [`stages.${stage}`],
    );
  }

  const raw: Record<string, unknown> = structuredClone(base);
  const overrides = Object.entries(context).filter(([key]) => TOP_LEVEL_KEYS.has(key.split('.')[0] ?? ''));
  // Whole sections first (`-c cors='{"allowOrigins":[]}'`), then single keys (`-c cors.maxAgeSeconds=600`).
  for (const [key, value] of overrides.filter(([key]) => !key.includes('.'))) raw[key] = contextValue(value);
  for (const [key, value] of overrides.filter(([key]) => key.includes('.'))) setPath(raw, key.split('.'), contextValue(value));

  const parsed = stageConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({ key: issue.path.map(String).join('.') || '(stage)', message: issue.message }));
    const lines = problems.map(({ key, message }) => `  - ${key}: ${message}`);
    throw new StageConfigError(
      `Invalid configuration for stage "${stage}" (cdk.json context "stages.${stage}", or -c <key>=<value>):\n${lines.join('\n')}`,
      problems.map(({ key }) => key),
    );
  }
  return { stage, ...parsed.data };
}
