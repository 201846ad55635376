/** The function environment: one declaration, read by the functions and written by everyone else. */
import { describe, expect, it } from '@jest/globals';
import { defaultConfig, functionEnvironment, rateLimitNames, readConfig, settings, type FunctionConfig } from '../../functions/core/config.js';
import { loadStageConfig, StageConfigError } from '../../lib/stage-config.js';

const stage = (overrides: Record<string, unknown>) =>
  loadStageConfig({
    stages: { dev: { auth: { issuer: 'https://issuer.example', audience: 'game' }, secret: { source: 'create' }, throttle: { rateLimit: 10, burstLimit: 10 } } },
    ...overrides,
  });

describe('functionEnvironment and readConfig', () => {
  it('round-trips every setting by its declared name', () => {
    const written = functionEnvironment({
      secretId: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:s-AbCdEf',
      secretTtlSeconds: 60,
      secretTimeoutMs: 900,
      provider: 'gamepot',
      upstreamBaseUrl: 'http://127.0.0.1:4010/v1/api/',
      upstreamTimeoutMs: 1_500,
      playerIdClaim: 'player_id',
      loginauthUrl: 'http://127.0.0.1:4010/loginauth',
      loginauthTimeoutMs: 700,
      guardEnabled: true,
      guardTableName: 'friendship-dev-guard',
      guardTimeoutMs: 400,
      friendRequestsPerMinute: 5,
      friendRequestsPerDay: 50,
      friendRequestsToSamePlayerPerDay: 2,
      changesPerMinute: 0,
      listsPerMinute: 30,
    });
    expect(Object.keys(written).sort()).toEqual(Object.values(settings).map((setting) => setting.env).sort());
    expect(readConfig(written)).toEqual({
      secretId: 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:s-AbCdEf',
      secretTtlSeconds: 60,
      secretTimeoutMs: 900,
      provider: 'gamepot',
      upstreamBaseUrl: 'http://127.0.0.1:4010/v1/api',
      upstreamTimeoutMs: 1_500,
      playerIdClaim: 'player_id',
      loginauthUrl: 'http://127.0.0.1:4010/loginauth',
      loginauthTimeoutMs: 700,
      guard: {
        tableName: 'friendship-dev-guard',
        timeoutMs: 400,
        limits: { friendRequestsPerMinute: 5, friendRequestsPerDay: 50, friendRequestsToSamePlayerPerDay: 2, changesPerMinute: 0, listsPerMinute: 30 },
      },
    });
  });

  it('reads the default rate limits, and refuses a guard that is on without its table (fail closed)', () => {
    expect(readConfig({ SECRET_ID: 'x', GUARD_TABLE_NAME: 't-guard' }).guard).toEqual({
      tableName: 't-guard',
      timeoutMs: 1_000,
      limits: { friendRequestsPerMinute: 10, friendRequestsPerDay: 100, friendRequestsToSamePlayerPerDay: 3, changesPerMinute: 60, listsPerMinute: 120 },
    });
    expect(() => readConfig({ SECRET_ID: 'x' })).toThrow('GUARD_TABLE_NAME');
    expect(readConfig({ SECRET_ID: 'x', GUARD_ENABLED: 'false' }).guard).toBeUndefined();
    expect(() => readConfig({ SECRET_ID: 'x', GUARD_ENABLED: 'yes', GUARD_TABLE_NAME: 't-guard' })).toThrow('GUARD_ENABLED');
  });

  it('leaves out what is undefined, so the function takes its default', () => {
    expect(functionEnvironment({ secretId: 'x', playerIdClaim: undefined })).toEqual({ SECRET_ID: 'x' });
    expect(defaultConfig('x')).toMatchObject({ secretTtlSeconds: 300, secretTimeoutMs: 2_000, upstreamTimeoutMs: 5_000, loginauthTimeoutMs: 2_000, playerIdClaim: 'sub', provider: 'ncloud-chat' });
  });

  it('names a bad variable, never its value', () => {
    expect(() => readConfig({ SECRET_ID: 'x', UPSTREAM_TIMEOUT_MS: 'soon' })).toThrow('invalid function environment: UPSTREAM_TIMEOUT_MS');
    expect(() => readConfig({})).toThrow('SECRET_ID');
  });
});

describe('one set of bounds for the stage and the function', () => {
  type StageConfig = ReturnType<typeof stage>;
  type Read = (config: FunctionConfig) => number | undefined;
  it.each([
    ['secret.timeoutMs', 'secretTimeoutMs', (config: StageConfig) => config.secret.timeoutMs, (config: FunctionConfig) => config.secretTimeoutMs],
    ['upstream.timeoutMs', 'upstreamTimeoutMs', (config: StageConfig) => config.upstream.timeoutMs, (config: FunctionConfig) => config.upstreamTimeoutMs],
    ['secret.ttlSeconds', 'secretTtlSeconds', (config: StageConfig) => config.secret.ttlSeconds, (config: FunctionConfig) => config.secretTtlSeconds],
    ['guard.timeoutMs', 'guardTimeoutMs', (config: StageConfig) => config.guard.timeoutMs, ((config) => config.guard?.timeoutMs) as Read],
    ...rateLimitNames.map(
      (name) => [`guard.limits.${name}`, name, (config: StageConfig) => config.guard.limits[name], ((config) => config.guard?.limits[name]) as Read] as const,
    ),
  ] as const)('%s: what the stage accepts, the function reads; what the function refuses, the stage refuses', (key, name, read, readBack) => {
    const setting = settings[name];
    for (const value of [setting.min, setting.max]) {
      // Both deadlines at their maximum would push the function past the API's limit (the stage's own check): keep the other one short.
      const config = stage({ 'secret.timeoutMs': '100', 'upstream.timeoutMs': '100', [key]: String(value) });
      expect(readBack(readConfig(functionEnvironment({ secretId: 'x', guardTableName: 't-guard', [name]: read(config) })))).toBe(value);
    }
    for (const value of [setting.min - 1, setting.max + 1]) {
      expect(() => stage({ [key]: String(value) })).toThrow(StageConfigError);
      expect(() => readConfig({ SECRET_ID: 'x', GUARD_TABLE_NAME: 't-guard', [setting.env]: String(value) })).toThrow(setting.env);
    }
  });
});
