/** The stage configuration: cdk.json's stages, -c overrides, and messages that name the key. No synth here. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { defaultConfig, settings } from '../../functions/core/config.js';
import { loadStageConfig, StageConfigError } from '../../lib/stage-config.js';
import {
  API_AUTHORIZER_LIMIT_MS,
  MAX_AUTHORIZER_TIMEOUT_MS,
  MAX_FUNCTION_TIMEOUT_MS,
  authorizerTimeoutMs,
  functionTimeoutMs,
} from '../../lib/timeouts.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const stages = cdkJson.context.stages as Record<string, Record<string, unknown>>;

function failure(context: Record<string, unknown>): StageConfigError {
  try {
    loadStageConfig({ ...cdkJson.context, ...context });
  } catch (error) {
    if (error instanceof StageConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('cdk.json stages', () => {
  it('defaults to dev, with its documented example values', () => {
    const config = loadStageConfig(cdkJson.context);
    expect(config.stage).toBe('dev');
    expect(config.auth).toEqual({
      mode: 'jwt',
      issuer: 'https://auth.example.com/',
      audience: ['https://friendship-api.example.com'],
      playerIdClaim: 'player_id',
    });
    expect(config.secret.source).toBe('create');
    expect(config.functions.reservedConcurrency).toBeUndefined();
  });

  it('falls back to dev with no "stage" at all (a bare `cdk synth`)', () => {
    const { stage: _stage, ...rest } = cdkJson.context;
    expect(loadStageConfig(rest).stage).toBe('dev');
  });

  it('selects GamePot sessions with -c stage=dev-gamepot', () => {
    const config = loadStageConfig({ ...cdkJson.context, stage: 'dev-gamepot' });
    expect(config.stage).toBe('dev-gamepot');
    expect(config.auth).toEqual({ mode: 'gamepot', cacheTtlSeconds: 300 });
    expect(config.upstream.provider).toBe('gamepot');
    expect(config.secret).toMatchObject({ source: 'create', timeoutMs: 2000 });
  });

  it('selects prod with -c stage=prod', () => {
    const config = loadStageConfig({ ...cdkJson.context, stage: 'prod' });
    expect(config.stage).toBe('prod');
    expect(config.secret).toMatchObject({ source: 'name', name: 'friendship-bff/prod/upstream' });
    expect(config.functions.reservedConcurrency).toBe(50);
    expect(config.alarms.email).toBe('oncall@example.com');
  });
});

describe('auth.mode defaults to jwt (issue 6)', () => {
  it('reads a stage with {issuer, audience, playerIdClaim} and no mode as JWT', () => {
    const { mode: _mode, ...auth } = (stages.dev?.auth ?? {}) as Record<string, unknown>;
    expect(auth).not.toHaveProperty('mode');
    const config = loadStageConfig({ ...cdkJson.context, stages: { ...stages, dev: { ...stages.dev, auth } } });
    expect(config.auth).toEqual({ mode: 'jwt', issuer: 'https://auth.example.com/', audience: ['https://friendship-api.example.com'], playerIdClaim: 'player_id' });
  });

  it('also for a whole auth section given with -c, where the claim defaults to sub', () => {
    const config = loadStageConfig({ ...cdkJson.context, auth: '{"issuer":"https://login.example.com/","audience":"game-client"}' });
    expect(config.auth).toEqual({ mode: 'jwt', issuer: 'https://login.example.com/', audience: ['game-client'], playerIdClaim: 'sub' });
  });

  it('still takes "gamepot" only when written out', () => {
    expect(loadStageConfig({ ...cdkJson.context, auth: '{"mode":"gamepot"}' }).auth).toEqual({ mode: 'gamepot', cacheTtlSeconds: 300 });
    // GamePot keys without the mode are JWT settings, and refused as such.
    expect(failure({ auth: '{"cacheTtlSeconds":60}' }).message).toContain('auth: Unrecognized key: "cacheTtlSeconds"');
  });
});

describe('alarms.throttledRequestsPer5Min', () => {
  it('defaults to 50, and a -c override sets it', () => {
    expect(loadStageConfig(cdkJson.context).alarms.throttledRequestsPer5Min).toBe(50);
    expect(loadStageConfig({ ...cdkJson.context, stage: 'prod' }).alarms.throttledRequestsPer5Min).toBe(50);
    expect(loadStageConfig({ ...cdkJson.context, 'alarms.throttledRequestsPer5Min': '500' }).alarms.throttledRequestsPer5Min).toBe(500);
  });
});

describe('-c overrides', () => {
  it('overrides one key, parsing numbers, lists and single audiences', () => {
    const config = loadStageConfig({
      ...cdkJson.context,
      'auth.issuer': 'https://login.example.com/',
      'auth.audience': 'game-client',
      'functions.memoryMb': '1024',
      'functions.reservedConcurrency': '20',
      'cors.allowOrigins': '["https://play.example.com"]',
    });
    expect(config.auth).toMatchObject({ issuer: 'https://login.example.com/', audience: ['game-client'] });
    expect(config.functions).toMatchObject({ memoryMb: 1024, reservedConcurrency: 20 });
    expect(config.cors.allowOrigins).toEqual(['https://play.example.com']);
  });

  it('replaces a whole section with JSON', () => {
    const config = loadStageConfig({ ...cdkJson.context, cors: '{"allowOrigins":[]}' });
    expect(config.cors).toEqual({ allowOrigins: [], maxAgeSeconds: 3600 });
  });

  it('ignores context that is not configuration (CDK flags, unrelated keys)', () => {
    const config = loadStageConfig({ ...cdkJson.context, '@aws-cdk/core:newStyleStackSynthesis': true, 'aws:cdk:bundling-stacks': [] });
    expect(config.stage).toBe('dev');
  });
});

describe('a bad or missing value fails with its key and what is expected', () => {
  it('a missing issuer', () => {
    const dev = stages.dev ?? {};
    const error = failure({ stages: { dev: { ...dev, auth: { mode: 'jwt', audience: ['a'] } } } });
    expect(error.keys).toEqual(['auth.issuer']);
    expect(error.message).toContain('stage "dev"');
    expect(error.message).toContain('auth.issuer: is missing: expected an https:// URL');
  });

  it('an issuer that is not https', () => {
    expect(failure({ 'auth.issuer': 'http://login.example.com/' }).message).toContain('auth.issuer: expected an https:// URL');
  });

  it('an empty audience', () => {
    expect(failure({ 'auth.audience': '[]' }).message).toContain('auth.audience: expected a non-empty list of audiences');
  });

  it('a number that is not one', () => {
    const error = failure({ 'functions.memoryMb': 'lots' });
    expect(error.message).toContain('functions.memoryMb: expected a whole number from 128 to 10240');
  });

  it('missing throttling', () => {
    const { throttle: _throttle, ...dev } = stages.dev ?? {};
    expect(failure({ stages: { dev } }).message).toContain('throttle: is missing: expected {"rateLimit", "burstLimit"}');
  });

  it('a misspelt key', () => {
    expect(failure({ 'auth.isuer': 'https://login.example.com/' }).message).toContain('auth: Unrecognized key: "isuer"');
  });

  it('an origin with a path, or a retention CloudWatch does not offer', () => {
    expect(failure({ 'cors.allowOrigins': '["https://game.example.com/"]' }).message).toContain('cors.allowOrigins.0: expected an origin');
    expect(failure({ 'logs.retentionDays': '10' }).message).toContain('logs.retentionDays: expected one of 1, 3, 5, 7, 14, 30');
  });

  it('a secret source that does not exist, and a secret ARN that is not one', () => {
    expect(failure({ 'secret.source': 'ssm' }).message).toContain('secret.source: expected {"source": "create" | "arn" | "name", ...}');
    expect(failure({ secret: '{"source":"arn","arn":"friendship"}' }).message).toContain('secret.arn: expected arn:aws:secretsmanager:');
  });

  it('deadlines that would push the function past the API limit', () => {
    const error = failure({ 'upstream.timeoutMs': '10000', 'secret.timeoutMs': '5000' });
    expect(error.message).toContain("upstream.timeoutMs: with secret.timeoutMs and guard.timeoutMs the function timeout would be 32 s; it must stay under the API's 30 s limit");
    // With the guard off, its store call is no part of the budget.
    expect(failure({ 'upstream.timeoutMs': '10000', 'secret.timeoutMs': '5000', 'guard.enabled': 'false' }).message).toContain('the function timeout would be 31 s');
  });

  it('an auth mode that does not exist', () => {
    const error = failure({ auth: '{"mode":"cognito"}' });
    expect(error.keys).toEqual(['auth.mode']);
    expect(error.message).toContain('auth.mode: expected {"mode"?: "jwt" (the default), "issuer", "audience", ...} or {"mode": "gamepot", "cacheTtlSeconds"?}');
    expect(failure({ 'auth.mode': 'JWT' }).message).toContain('auth.mode: expected {"mode"?: "jwt" (the default)');
  });

  it('no auth section at all, or one that is not an object', () => {
    const { auth: _auth, ...dev } = stages.dev ?? {};
    expect(failure({ stages: { dev } }).message).toContain('auth: is missing: expected {"mode"?: "jwt" (the default), "issuer", "audience", ...}');
    expect(failure({ auth: '"jwt"' }).message).toContain('auth: expected {"mode"?: "jwt" (the default)');
  });

  it('a stage without auth.mode is a JWT stage, so it needs the issuer and the audience', () => {
    const error = failure({ auth: '{"playerIdClaim":"player_id"}' });
    expect(error.keys).toEqual(['auth.issuer', 'auth.audience']);
    expect(error.message).toContain('auth.issuer: is missing: expected an https:// URL');
    expect(error.message).toContain('auth.audience: is missing: expected a non-empty list of audiences');
  });

  it('alarms.throttledRequestsPer5Min that is not a whole number from 1 to 1000000', () => {
    for (const value of ['0', '-5', '2.5', 'lots', '1000001']) {
      const error = failure({ 'alarms.throttledRequestsPer5Min': value });
      expect(error.keys).toEqual(['alarms.throttledRequestsPer5Min']);
      expect(error.message).toContain('alarms.throttledRequestsPer5Min: expected a whole number from 1 to 1000000 (requests answered 429 in 5 minutes that alarm)');
    }
  });

  it('a gamepot cache TTL beyond API Gateway\'s hour', () => {
    const error = failure({ auth: '{"mode":"gamepot","cacheTtlSeconds":7200}' });
    expect(error.keys).toEqual(['auth.cacheTtlSeconds']);
    expect(error.message).toContain('auth.cacheTtlSeconds: expected a whole number from 0 to 3600');
  });

  it('JWT settings on a gamepot stage', () => {
    expect(failure({ stage: 'dev-gamepot', 'auth.issuer': 'https://login.example.com/' }).message).toContain('auth: Unrecognized key: "issuer"');
  });

  it('an unknown stage, listing the known ones', () => {
    const error = failure({ stage: 'qa' });
    expect(error.message).toBe('Unknown stage "qa": cdk.json context "stages" has "dev", "dev-gamepot", "prod". Add "stages.qa" or pick one with -c stage=<name>.');
  });

  it('a stage name that cannot be part of resource names', () => {
    expect(failure({ stage: 'Prod_EU' }).keys).toEqual(['stage']);
  });
});

describe('the function timeout and the functions deadlines come from the same numbers', () => {
  const defaults = defaultConfig('any');

  it("gives the GamePot authorizer 1 secret read + 1 loginauth call: 5 s by default, well inside API Gateway's 10 s", () => {
    const timeout = authorizerTimeoutMs({ secretTimeoutMs: defaults.secretTimeoutMs, loginauthTimeoutMs: defaults.loginauthTimeoutMs });
    expect(timeout).toBe(5_000);
    expect(timeout).toBeGreaterThanOrEqual(defaults.secretTimeoutMs + defaults.loginauthTimeoutMs);
    expect(MAX_AUTHORIZER_TIMEOUT_MS).toBeLessThan(API_AUTHORIZER_LIMIT_MS);
    expect(API_AUTHORIZER_LIMIT_MS).toBe(10_000);
  });

  it('covers one guard store call, 2 secret reads and 2 upstream calls, and stays under the API limit: 16 s by default (15 s with the guard off)', () => {
    const guardTimeoutMs = settings.guardTimeoutMs.default;
    const timeout = functionTimeoutMs({ secretTimeoutMs: defaults.secretTimeoutMs, upstreamTimeoutMs: defaults.upstreamTimeoutMs, guardTimeoutMs });
    expect(timeout).toBe(16_000);
    expect(functionTimeoutMs({ secretTimeoutMs: defaults.secretTimeoutMs, upstreamTimeoutMs: defaults.upstreamTimeoutMs, guardTimeoutMs: 0 })).toBe(15_000);
    expect(timeout).toBeGreaterThanOrEqual(guardTimeoutMs + 2 * defaults.secretTimeoutMs + 2 * defaults.upstreamTimeoutMs);
    expect(timeout).toBeLessThanOrEqual(MAX_FUNCTION_TIMEOUT_MS);
  });
});
