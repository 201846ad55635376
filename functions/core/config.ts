/**
 * The function's environment, read once per container. SECRET_ID is the only
 * variable without a default.
 */
import * as z from 'zod/mini';

export const upstreamProviders = {
  'ncloud-chat': 'https://dashboard-api.ncloudchat.naverncp.com/v1/api',
  gamepot: 'https://gamepot.apigw.ntruss.com/gpapps/v2',
} as const;
export type UpstreamProvider = keyof typeof upstreamProviders;

const milliseconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(60_000)), fallback);

const environment = z.object({
  SECRET_ID: z.string().check(z.minLength(1)),
  SECRET_TTL_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(86_400)), 300),
  SECRET_TIMEOUT_MS: milliseconds(2_000),
  UPSTREAM_PROVIDER: z._default(z.enum(['ncloud-chat', 'gamepot']), 'ncloud-chat'),
  UPSTREAM_BASE_URL: z.optional(z.url()),
  UPSTREAM_TIMEOUT_MS: milliseconds(5_000),
  PLAYER_ID_CLAIM: z._default(z.string().check(z.minLength(1)), 'sub'),
  GAMEPOT_LOGINAUTH_URL: z._default(z.url(), 'https://gamepot.apigw.ntruss.com/gpapps/v1/loginauth'),
  LOGINAUTH_TIMEOUT_MS: milliseconds(2_000),
});

export interface FunctionConfig {
  secretId: string;
  secretTtlMs: number;
  secretTimeoutMs: number;
  provider: UpstreamProvider;
  upstreamBaseUrl: string;
  upstreamTimeoutMs: number;
  playerIdClaim: string;
  loginauthUrl: string;
  loginauthTimeoutMs: number;
}

/** Throws with the names of the bad variables, never their values. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new Error(`invalid function environment: ${names.join(', ')}`);
  }
  const e = parsed.data;
  return {
    secretId: e.SECRET_ID,
    secretTtlMs: e.SECRET_TTL_SECONDS * 1000,
    secretTimeoutMs: e.SECRET_TIMEOUT_MS,
    provider: e.UPSTREAM_PROVIDER,
    upstreamBaseUrl: (e.UPSTREAM_BASE_URL ?? upstreamProviders[e.UPSTREAM_PROVIDER]).replace(/\/+$/, ''),
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    playerIdClaim: e.PLAYER_ID_CLAIM,
    loginauthUrl: e.GAMEPOT_LOGINAUTH_URL,
    loginauthTimeoutMs: e.LOGINAUTH_TIMEOUT_MS,
  };
}
