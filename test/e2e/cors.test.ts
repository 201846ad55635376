/**
 * CORS on the local API, over HTTP, against what the dev stage deploys (its
 * synthesized CorsConfiguration): preflights answered by the API itself (204,
 * no authorizer), the configured headers on every answer to an allowed origin,
 * none for any other. browser-cors.test.ts does the same from a real browser.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FriendshipStack } from '../../lib/friendship-stack.js';
import { loadStageConfig } from '../../lib/stage-config.js';
import { CORS_STAGE_VARIABLE } from '../../local/cors.js';
import { LocalConfigError, corsPolicyFrom } from '../../local/local-settings.js';
import { send } from '../support/http.js';
import { localStackForFile } from '../support/local-stack.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

interface CorsConfiguration {
  AllowOrigins: string[];
  AllowMethods: string[];
  AllowHeaders: string[];
  ExposeHeaders: string[];
  MaxAge: number;
}

/** The CorsConfiguration the stage's HTTP API is deployed with (synthesized, bundling skipped). */
function deployedCors(stage: string): CorsConfiguration {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new FriendshipStack(app, 'CorsCheck', { config: loadStageConfig({ ...cdkJson.context, stage }) });
  const [api] = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Api')) as { Properties: { CorsConfiguration: CorsConfiguration } }[];
  return api!.Properties.CorsConfiguration;
}

const GAME = 'http://localhost:5173';
const ELSEWHERE = 'http://localhost:5174';
const corsHeadersOf = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));
const preflight = (origin: string, method = 'GET', requestHeaders = 'authorization') => ({
  headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': requestHeaders },
});

// No CORS_STAGE: the default.
const local = localStackForFile({ env: {} });
let dev: CorsConfiguration;

beforeAll(() => {
  dev = deployedCors('dev');
});

describe('by default, the CORS settings of the dev stage', () => {
  it('a preflight from an allowed origin: 204 with what the dev stage deploys, and no authorizer or function runs', async () => {
    expect(dev.AllowOrigins).toContain(GAME);
    const before = local.api.upstreamRequests;
    const reply = await send(local.stack.url, 'OPTIONS', '/v1/api/friendships', preflight(GAME));
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    expect(reply.headers).toMatchObject({
      'access-control-allow-origin': GAME,
      'access-control-allow-methods': dev.AllowMethods.join(','),
      'access-control-allow-headers': dev.AllowHeaders.join(','),
      'access-control-max-age': String(dev.MaxAge),
    });
    expect(local.api.upstreamRequests).toBe(before);
  });

  it('the deployed settings let a browser send both kinds of session and an idempotency key, and read the request id, Retry-After and a replay', () => {
    expect(dev.AllowHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-gamepot-member-id', 'idempotency-key']));
    expect(dev.ExposeHeaders).toEqual(expect.arrayContaining(['x-request-id', 'retry-after', 'idempotent-replayed']));
  });

  it('an answer to an allowed origin carries Access-Control-Allow-Origin and the exposed headers: a result, a refusal, an unknown route', async () => {
    const token = await local.api.session('cors_alice1');
    const answers = await Promise.all([
      send(local.stack.url, 'GET', '/v1/api/friendships', { token, headers: { origin: GAME } }),
      send(local.stack.url, 'GET', '/v1/api/friendships', { headers: { origin: GAME } }),
      send(local.stack.url, 'GET', '/v1/api/nowhere', { headers: { origin: GAME } }),
      send(local.stack.url, 'POST', '/local/session', { json: { playerId: 'cors_bob001' }, headers: { origin: GAME } }),
    ]);
    expect(answers.map((reply) => reply.status)).toEqual([200, 401, 404, 200]);
    for (const reply of answers) {
      expect(reply.headers['access-control-allow-origin']).toBe(GAME);
      expect(reply.headers['access-control-expose-headers']).toBe(dev.ExposeHeaders.join(','));
    }
    expect(answers[0]?.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('another origin: its preflight is 204 without any CORS header, and so is every answer', async () => {
    const pre = await send(local.stack.url, 'OPTIONS', '/v1/api/friendships', preflight(ELSEWHERE));
    expect(pre.status).toBe(204);
    expect(corsHeadersOf(pre.headers)).toEqual([]);
    const reply = await send(local.stack.url, 'GET', '/v1/api/friendships', { token: await local.api.session('cors_carol1'), headers: { origin: ELSEWHERE } });
    expect(reply.status).toBe(200);
    expect(corsHeadersOf(reply.headers)).toEqual([]);
  });

  it('no Origin, or an OPTIONS that is no preflight: no CORS header; OPTIONS is a route like any other (404)', async () => {
    const plain = await send(local.stack.url, 'GET', '/openapi.json');
    expect(corsHeadersOf(plain.headers)).toEqual([]);
    const noMethod = await send(local.stack.url, 'OPTIONS', '/v1/api/friendships', { headers: { origin: GAME } });
    const noOrigin = await send(local.stack.url, 'OPTIONS', '/v1/api/friendships', { headers: { 'access-control-request-method': 'GET' } });
    expect([noMethod.status, noOrigin.status]).toEqual([404, 404]);
  });

  it('the Lambda Invoke API is no browser API: no CORS there', async () => {
    const reply = await send(local.stack.url, 'OPTIONS', '/2015-03-31/functions/list-friendships/invocations', preflight(GAME, 'POST'));
    expect(corsHeadersOf(reply.headers)).toEqual([]);
  });
});

describe(CORS_STAGE_VARIABLE, () => {
  it('names the stage whose CORS settings apply', () => {
    expect(corsPolicyFrom({ [CORS_STAGE_VARIABLE]: 'prod' })?.allowOrigins).toEqual(loadStageConfig({ ...cdkJson.context, stage: 'prod' }).cors.allowOrigins);
    expect(corsPolicyFrom({})?.allowOrigins).toEqual(dev.AllowOrigins);
  });

  it('an unknown stage is a one-line LocalConfigError', () => {
    expect(() => corsPolicyFrom({ [CORS_STAGE_VARIABLE]: 'nope' })).toThrow(LocalConfigError);
    expect(() => corsPolicyFrom({ [CORS_STAGE_VARIABLE]: 'nope' })).toThrow(/^CORS_STAGE=nope: Unknown stage "nope"[^\n]*$/);
  });
});
