/**
 * API Gateway HTTP API's CORS, locally, from the policy the stage deploys
 * (lib/cors.ts over cdk.json's `stages.<stage>.cors`):
 * - a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is
 *   answered by the API itself, 204, before any route or authorizer;
 * - any other answer to an allowed `Origin` carries Access-Control-Allow-Origin
 *   and Access-Control-Expose-Headers, and the function's own CORS headers are dropped;
 * - a request from another origin, or without `Origin`, gets no CORS header at all.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { projectRoot } from '../lib/bundling.js';
import { corsPolicyOf, type CorsPolicy } from '../lib/cors.js';
import { DEFAULT_STAGE, loadStageConfig } from '../lib/stage-config.js';

/** The variable naming the cdk.json stage whose CORS settings the local API applies. */
export const CORS_STAGE_VARIABLE = 'CORS_STAGE';

/** The CORS policy stage `stage` deploys, read from cdk.json. */
export function stageCorsPolicy(stage: string = DEFAULT_STAGE): CorsPolicy | undefined {
  const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return corsPolicyOf(loadStageConfig({ ...cdkJson.context, stage }).cors);
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export class LocalCors {
  constructor(readonly policy: CorsPolicy | undefined) {}

  /** The allowed origin of this request, as Access-Control-Allow-Origin names it; undefined for none. */
  private allowedOrigin(req: http.IncomingMessage): string | undefined {
    const origin = single(req.headers.origin);
    if (!this.policy || origin === undefined) return undefined;
    if (this.policy.allowOrigins.includes('*')) return '*';
    return this.policy.allowOrigins.includes(origin) ? origin : undefined;
  }

  isPreflight(req: http.IncomingMessage): boolean {
    return this.policy !== undefined && req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;
  }

  /** 204; the policy's headers only for an allowed origin, so that the browser refuses any other. */
  answerPreflight(req: http.IncomingMessage, res: http.ServerResponse): void {
    const origin = this.allowedOrigin(req);
    const policy = this.policy;
    const headers: Record<string, string> =
      origin && policy
        ? {
            'access-control-allow-origin': origin,
            'access-control-allow-methods': policy.allowMethods.join(','),
            'access-control-allow-headers': policy.allowHeaders.join(','),
            'access-control-max-age': String(policy.maxAgeSeconds),
            ...(origin === '*' ? {} : { vary: 'Origin' }),
          }
        : {};
    res.writeHead(204, headers).end();
  }

  /** Sets the headers of an actual CORS request on `res`, before anything writes its head. */
  decorate(req: http.IncomingMessage, res: http.ServerResponse): void {
    const origin = this.allowedOrigin(req);
    if (!origin || !this.policy) return;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', this.policy.exposeHeaders.join(','));
    if (origin !== '*') res.setHeader('vary', 'Origin');
  }

  /** With CORS on, API Gateway ignores the CORS headers an integration returns. */
  integrationHeaders = (headers: Record<string, string>): Record<string, string> =>
    this.policy ? Object.fromEntries(Object.entries(headers).filter(([name]) => !/^access-control-/i.test(name))) : headers;
}
