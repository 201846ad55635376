/**
 * The API's CORS policy: the stage's `cors` settings (its origins and preflight
 * cache) with what the API itself fixes, the methods of its routes and the
 * headers a browser game sends and reads. The deployed HTTP API and the local
 * API both take it from here.
 */
import { operationNames, operations } from '../functions/operations.js';
import type { StageSettings } from './stage-config.js';

/** The request headers a browser may send: the session (a bearer token; GamePot's member id), JSON bodies, an idempotency key. */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'x-gamepot-member-id', 'idempotency-key'] as const;
/** The response headers a browser may read: the request id of every answer, when to retry, whether an answer was replayed, and 405's allowed methods. */
export const CORS_EXPOSE_HEADERS = ['x-request-id', 'retry-after', 'idempotent-replayed', 'allow'] as const;

export type CorsMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
const METHOD_ORDER: readonly CorsMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface CorsPolicy {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly CorsMethod[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/** The policy for a stage's `cors` settings; undefined when it allows no origin (no CORS at all). */
export function corsPolicyOf(cors: StageSettings['cors']): CorsPolicy | undefined {
  if (cors.allowOrigins.length === 0) return undefined;
  const used = new Set<string>(operationNames.map((name) => operations[name].method));
  return {
    allowOrigins: [...cors.allowOrigins],
    allowMethods: [...METHOD_ORDER.filter((method) => used.has(method)), 'OPTIONS'],
    allowHeaders: [...CORS_ALLOW_HEADERS],
    exposeHeaders: [...CORS_EXPOSE_HEADERS],
    maxAgeSeconds: cors.maxAgeSeconds,
  };
}
