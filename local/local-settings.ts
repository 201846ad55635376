/**
 * What `npm start` reads from its environment, each checked before anything
 * starts; a bad value is a LocalConfigError whose one-line message is for the
 * person who set it.
 */
import { rateLimitNames, rateLimitSettings, readConfig, settings } from '../functions/core/config.js';
import { DEFAULT_STAGE, StageConfigError } from '../lib/stage-config.js';
import type { CorsPolicy } from '../lib/cors.js';
import { CORS_STAGE_VARIABLE, stageCorsPolicy } from './cors.js';

/** A setting `npm start` cannot run with; its message is for the person who set it. */
export class LocalConfigError extends Error {}

export const DEFAULT_PORT = 3000;

/** PORT: a whole number from 0 (any free port) to 65535; unset, 3000. */
export function portFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(port >= 0 && port <= 65_535)) throw new LocalConfigError(`PORT must be a whole number from 0 to 65535 (0 picks a free port), not "${raw}": e.g. PORT=3001 npm start`);
  return port;
}

/** The CORS policy of the stage named by CORS_STAGE (default dev), as that stage deploys it. */
export function corsPolicyFrom(env: NodeJS.ProcessEnv): CorsPolicy | undefined {
  const stage = env[CORS_STAGE_VARIABLE] || DEFAULT_STAGE;
  try {
    return stageCorsPolicy(stage);
  } catch (error) {
    if (!(error instanceof StageConfigError)) throw error;
    throw new LocalConfigError(`${CORS_STAGE_VARIABLE}=${stage}: ${error.message.split('\n').join(' ')}`);
  }
}

export interface UpstreamSettings {
  /** The key and project id the functions read from the (local) secret. */
  credentials: { apiKey: string; projectId: string };
  /** Set to proxy to the real vendor; unset, the embedded emulator answers. */
  realBaseUrl: string | undefined;
}

/** UPSTREAM_BASE_URL with UPSTREAM_API_KEY and UPSTREAM_PROJECT_ID: the real vendor. None of them: the emulator. */
export function upstreamFrom(env: NodeJS.ProcessEnv): UpstreamSettings {
  const { UPSTREAM_BASE_URL: baseUrl, UPSTREAM_API_KEY: apiKey, UPSTREAM_PROJECT_ID: projectId } = env;
  if (!baseUrl) return { credentials: { apiKey: 'local-emulator-key', projectId: 'local-project' }, realBaseUrl: undefined };
  if (!apiKey || !projectId) {
    // Falling back to the emulator here would hide that the real vendor is not being called.
    throw new LocalConfigError(
      'UPSTREAM_BASE_URL is set, so UPSTREAM_API_KEY and UPSTREAM_PROJECT_ID must be set too (the key and project id of the real vendor). Unset UPSTREAM_BASE_URL to use the embedded emulator.',
    );
  }
  return { credentials: { apiKey, projectId }, realBaseUrl: baseUrl };
}

export interface GuardSettings {
  /** GUARD_ENABLED=false: no guard, and no local store is started. */
  enabled: boolean;
  /** The guard's variables as set (GUARD_TIMEOUT_MS, LIMIT_*): passed to the functions as they are. */
  variables: Record<string, string>;
}

/** GUARD_ENABLED, GUARD_TIMEOUT_MS and the LIMIT_* variables, checked with the functions' own bounds. */
export function guardFrom(env: NodeJS.ProcessEnv): GuardSettings {
  const names = [settings.guardEnabled.env, settings.guardTimeoutMs.env, ...rateLimitNames.map((name) => rateLimitSettings[name].env)];
  const variables = Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]]] : []))) as Record<string, string>;
  try {
    const config = readConfig({ [settings.secretId.env]: 'local', [settings.guardTableName.env]: 'local-guard', ...variables });
    return { enabled: config.guard !== undefined, variables };
  } catch (error) {
    const bad = error instanceof Error ? error.message.replace('invalid function environment: ', '') : String(error);
    throw new LocalConfigError(`${bad}: GUARD_ENABLED is true or false; GUARD_TIMEOUT_MS and LIMIT_* are whole numbers within their bounds (docs/guard.md)`);
  }
}
