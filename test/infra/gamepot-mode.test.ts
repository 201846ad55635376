/**
 * `auth.mode: gamepot`: the player routes behind a Lambda REQUEST authorizer, the
 * seventh function `gamepot-authorizer`. cdk.json's `dev-gamepot` stage is
 * synthesized once for the whole file as `cdk synth -c stage=dev-gamepot` does it
 * (real bundles, cdk-nag); the variants below skip bundling.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AUTHORIZER_PLAYER_KEY } from '../../functions/core/identity.js';
import { operationNames, operations } from '../../functions/operations.js';
import { GAMEPOT_IDENTITY_SOURCES } from '../../lib/authorizers.js';
import { buildFriendshipApp } from '../../lib/friendship-app.js';
import type { FriendshipStack } from '../../lib/friendship-stack.js';
import { functionNameOf } from '../../lib/names.js';
import { loadStageConfig, StageConfigError } from '../../lib/stage-config.js';
import { STAGE_WITHOUT_PITR_ACKNOWLEDGEMENTS, expectOnlyReasonedAcknowledgements, readNagReport } from '../support/nag-report.js';
import { API_AUTHORIZER_LIMIT_MS, authorizerTimeoutMs, MAX_AUTHORIZER_TIMEOUT_MS } from '../../lib/timeouts.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Condition?: unknown };

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const STAGE = 'dev-gamepot';
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function synth(context: Record<string, unknown>) {
  const app = new App({ context: { ...cdkJson.context, stage: STAGE, ...context } });
  const stack = buildFriendshipApp(app);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  return { app, stack, template, resources, ofType, logicalIdOf };
}

let app: App;
let stack: FriendshipStack;
let template: Template;
let resources: Record<string, Resource>;
let ofType: (type: string) => [string, Resource][];
let logicalIdOf: (construct: { node: { defaultChild?: unknown } }) => string;
let authorizerFnId: string;

beforeAll(() => {
  ({ app, stack, template, resources, ofType, logicalIdOf } = synth({}));
  if (!stack.gamepotAuthorizer) throw new Error('dev-gamepot has no gamepot-authorizer');
  authorizerFnId = logicalIdOf(stack.gamepotAuthorizer);
});

const propsOf = (logicalId: string) => {
  const resource = resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}`);
  return resource.Properties;
};
const variablesOf = (logicalId: string) => (propsOf(logicalId).Environment as { Variables: Record<string, unknown> }).Variables;
const authorizers = () => ofType('AWS::ApiGatewayV2::Authorizer');

describe('the dev-gamepot stage of cdk.json', () => {
  it('selects gamepot sessions with a 300 s cache, and GamePot as the upstream', () => {
    const config = loadStageConfig({ ...cdkJson.context, stage: STAGE });
    expect(config.auth).toEqual({ mode: 'gamepot', cacheTtlSeconds: 300 });
    expect(config.upstream.provider).toBe('gamepot');
  });
});

describe('the seventh function, gamepot-authorizer', () => {
  it('is the only function besides the six operations, named by stage', () => {
    expect(ofType('AWS::Lambda::Function')).toHaveLength(7);
    expect(propsOf(authorizerFnId).FunctionName).toBe(functionNameOf(STAGE, 'gamepot-authorizer'));
    for (const name of operationNames) expect(propsOf(logicalIdOf(stack.functions[name])).FunctionName).toBe(functionNameOf(STAGE, name));
    // Not one of the operations: grantInvoke and the typed client never see it.
    expect(Object.keys(stack.functions).sort()).toEqual([...operationNames].sort());
  });

  it('is built like the operations: runtime, architecture, memory, JSON logs to its own log group, same bundling', () => {
    const sameAsOperations = ['Runtime', 'Architectures', 'MemorySize', 'Handler', 'ReservedConcurrentExecutions'];
    const operation = propsOf(logicalIdOf(stack.functions['list-friendships']));
    const authorizer = propsOf(authorizerFnId);
    for (const key of sameAsOperations) expect([key, authorizer[key]]).toEqual([key, operation[key]]);
    const logging = authorizer.LoggingConfig as { LogGroup: { Ref: string }; LogFormat: string; ApplicationLogLevel: string };
    expect(logging).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG' });
    expect(resources[logging.LogGroup.Ref]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 } });
    const otherGroups = operationNames.map((name) => (propsOf(logicalIdOf(stack.functions[name])).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    expect(otherGroups).not.toContain(logging.LogGroup.Ref);

    const code = authorizer.Code as { S3Key: string };
    const assetDir = path.join(app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import{createRequire as __cr}from'node:module';")).toBe(true);
    expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
    // functions/gamepot-authorizer.ts: the loginauth call and the secret read.
    expect(bundle).toContain('loginauth');
    expect(bundle).toContain('GetSecretValue');
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  it('times out at 5 s: one secret read + one loginauth call + margin, well inside the 10 s authorizer limit', () => {
    const timeoutS = propsOf(authorizerFnId).Timeout as number;
    expect(timeoutS).toBe(5);
    expect(timeoutS * 1000).toBeLessThanOrEqual(MAX_AUTHORIZER_TIMEOUT_MS);
    expect(timeoutS * 1000).toBeLessThan(API_AUTHORIZER_LIMIT_MS);
    const variables = variablesOf(authorizerFnId);
    expect(Number(variables.SECRET_TIMEOUT_MS) + Number(variables.LOGINAUTH_TIMEOUT_MS)).toBeLessThan(timeoutS * 1000);
    expect(timeoutS * 1000).toBe(authorizerTimeoutMs({ secretTimeoutMs: Number(variables.SECRET_TIMEOUT_MS), loginauthTimeoutMs: Number(variables.LOGINAUTH_TIMEOUT_MS) }));
    expect(stack.authorizerTimeout?.toSeconds()).toBe(5);
  });

  it('gets the variables the authorizer reads (functions/core/config.ts), and no secret value', () => {
    expect(variablesOf(authorizerFnId)).toEqual({
      SECRET_ID: { Ref: logicalIdOf(stack.upstreamSecret.secret) },
      SECRET_TTL_SECONDS: '300',
      SECRET_TIMEOUT_MS: '2000',
      GAMEPOT_LOGINAUTH_URL: 'https://gamepot.apigw.ntruss.com/gpapps/v1/loginauth',
      GUARD_ENABLED: 'false',
      LOGINAUTH_TIMEOUT_MS: '2000',
      POWERTOOLS_SERVICE_NAME: 'friendship-bff',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it("has its own role: exactly the secret read on that secret, and writing to its own log group", () => {
    const roleId = (propsOf(authorizerFnId).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(resources[roleId]?.Properties.AssumeRolePolicyDocument).toEqual({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      Version: '2012-10-17',
    });
    const policies = ofType('AWS::IAM::Policy').filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`));
    expect(policies).toHaveLength(1);
    const statements = (policies[0]?.[1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const logGroup = (propsOf(authorizerFnId).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } },
      { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: { Ref: logicalIdOf(stack.upstreamSecret.secret) } },
    ]);
    // No other role is shared with it.
    for (const name of operationNames) expect(propsOf(logicalIdOf(stack.functions[name])).Role).not.toEqual(propsOf(authorizerFnId).Role);
  });
});

describe('the operations in gamepot mode', () => {
  it('name no JWT claim: they read the authorizer context key `playerId`', () => {
    expect(AUTHORIZER_PLAYER_KEY).toBe('playerId');
    for (const name of operationNames) {
      const variables = variablesOf(logicalIdOf(stack.functions[name]));
      expect(variables.PLAYER_ID_CLAIM).toBeUndefined();
      expect(variables).toMatchObject({ UPSTREAM_PROVIDER: 'gamepot', UPSTREAM_TIMEOUT_MS: '5000', SECRET_TIMEOUT_MS: '2000' });
      expect(variables.LOGINAUTH_TIMEOUT_MS).toBeUndefined();
      expect(propsOf(logicalIdOf(stack.functions[name])).Timeout).toBe(16);
    }
  });
});

describe('the Lambda REQUEST authorizer', () => {
  it('is the only authorizer: simple responses, payload 2.0, both headers as identity, cached for auth.cacheTtlSeconds', () => {
    expect(authorizers()).toHaveLength(1);
    const [[, authorizer] = []] = authorizers();
    expect(authorizer?.Properties).toEqual({
      ApiId: { Ref: logicalIdOf(stack.api) },
      Name: 'GamePotSession',
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization', '$request.header.X-GamePot-Member-Id'],
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, ':lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': [authorizerFnId, 'Arn'] }, '/invocations'],
        ],
      },
    });
    expect(GAMEPOT_IDENTITY_SOURCES).toEqual(authorizer?.Properties.IdentitySource);
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' }, 0);
  });

  it('guards exactly the five player routes; bulk keeps IAM', () => {
    const [[authorizerId] = []] = authorizers();
    const playerRoutes = operationNames.filter((name) => operations[name].access === 'player');
    expect(playerRoutes).toHaveLength(5);
    for (const name of operationNames) {
      const { method, path: routePath, access } = operations[name];
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${method} ${routePath}`,
        ...(access === 'player' ? { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } } : { AuthorizationType: 'AWS_IAM', AuthorizerId: Match.absent() }),
      });
    }
    const custom = ofType('AWS::ApiGatewayV2::Route').filter(([, route]) => route.Properties.AuthorizationType === 'CUSTOM');
    expect(custom.map(([, route]) => route.Properties.RouteKey).sort()).toEqual(playerRoutes.map((name) => `${operations[name].method} ${operations[name].path}`).sort());
    expect(ofType('AWS::ApiGatewayV2::Route')).toHaveLength(6);
  });

  it('may be invoked by API Gateway for this API and this authorizer only', () => {
    const [[authorizerId] = []] = authorizers();
    const permissions = ofType('AWS::Lambda::Permission').filter(([, permission]) => JSON.stringify(permission.Properties.FunctionName).includes(`"${authorizerFnId}"`));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.[1].Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [authorizerFnId, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':execute-api:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':',
            { Ref: logicalIdOf(stack.api) },
            '/authorizers/',
            { Ref: authorizerId },
          ],
        ],
      },
    });
  });

  it('lets a browser send X-GamePot-Member-Id (CORS)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowHeaders: ['authorization', 'content-type', 'x-gamepot-member-id', 'idempotency-key'],
        ExposeHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', 'allow'],
        AllowOrigins: ['http://localhost:5173', 'https://game-dev.example.com'],
      },
    });
  });
});

describe('monitoring and checks in gamepot mode', () => {
  it('counts the authorizer in the function errors and throttles alarms, and draws it on the dashboard', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms).toHaveLength(6);
    for (const text of ['function failed', 'throttled']) {
      const alarm = alarms.find((candidate) => String(candidate.AlarmDescription).includes(text));
      // Seven functions and the sum.
      expect(alarm?.Metrics).toHaveLength(8);
      expect(JSON.stringify(alarm?.Metrics)).toContain(`"${authorizerFnId}"`);
    }
    const [[, dashboard] = []] = ofType('AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain(`"${authorizerFnId}"`);
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).toContain('gamepot-authorizer');
  });

  it('leaves no unacknowledged cdk-nag finding, and every acknowledgement carries its reason', () => {
    expectOnlyReasonedAcknowledgements(readNagReport(app.outdir), STAGE_WITHOUT_PITR_ACKNOWLEDGEMENTS);
  });

  it("outputs the authorizer's function name besides the six operations'", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
    expect(outputs.GamepotAuthorizerFunctionName).toEqual(
      expect.objectContaining({ Value: { Ref: authorizerFnId }, Export: { Name: 'FriendshipBff-dev-gamepot-GamepotAuthorizerFunctionName' } }),
    );
    expect(Object.keys(outputs).filter((key) => key.endsWith('FunctionName'))).toHaveLength(7);
  });
});

describe('auth.cacheTtlSeconds', () => {
  it('0 turns the cache off, 3600 is the maximum, a -c override sets it', () => {
    for (const ttl of [0, 3600]) {
      const variant = synth({ ...NO_BUNDLING, 'auth.cacheTtlSeconds': String(ttl) });
      variant.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'REQUEST', AuthorizerResultTtlInSeconds: ttl });
    }
  });

  it('defaults to 300 when left out', () => {
    const config = loadStageConfig({ ...cdkJson.context, stage: STAGE, auth: '{"mode":"gamepot"}' });
    expect(config.auth).toEqual({ mode: 'gamepot', cacheTtlSeconds: 300 });
  });

  it.each([
    ['-1', 'auth.cacheTtlSeconds: expected a whole number from 0 to 3600'],
    ['3601', 'auth.cacheTtlSeconds: expected a whole number from 0 to 3600'],
    ['1.5', 'auth.cacheTtlSeconds: expected a whole number from 0 to 3600'],
    ['soon', 'auth.cacheTtlSeconds: expected a whole number from 0 to 3600'],
  ])('refuses %s, naming the key and the range', (value, message) => {
    let error: unknown;
    try {
      buildFriendshipApp(new App({ context: { ...cdkJson.context, ...NO_BUNDLING, stage: STAGE, 'auth.cacheTtlSeconds': value } }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    expect((error as StageConfigError).keys).toEqual(['auth.cacheTtlSeconds']);
    expect((error as StageConfigError).message).toContain(message);
    expect((error as StageConfigError).message).toContain('0 turns caching off');
  });

  it('is a gamepot key: a JWT stage refuses it', () => {
    expect(() => loadStageConfig({ ...cdkJson.context, 'auth.cacheTtlSeconds': '60' })).toThrow('auth: Unrecognized key: "cacheTtlSeconds"');
  });
});

describe("the authorizer's deadlines stay inside API Gateway's limit", () => {
  it('accepts secret.timeoutMs up to 5000 (an 8 s authorizer)', () => {
    const variant = synth({ ...NO_BUNDLING, 'secret.timeoutMs': '5000' });
    expect(variant.stack.authorizerTimeout?.toSeconds()).toBe(8);
    variant.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: functionNameOf(STAGE, 'gamepot-authorizer'), Timeout: 8 });
  });

  it('refuses a secret.timeoutMs that would push it past 8 s, naming the key', () => {
    let error: unknown;
    try {
      loadStageConfig({ ...cdkJson.context, stage: STAGE, 'secret.timeoutMs': '6000' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    expect((error as StageConfigError).keys).toEqual(['secret.timeoutMs']);
    expect((error as StageConfigError).message).toContain("secret.timeoutMs: with auth.mode 'gamepot' the authorizer's timeout would be 9 s");
    expect((error as StageConfigError).message).toContain('expected at most 5000 ms');
    // The same secret timeout is fine for a JWT stage, whose functions have 30 s.
    expect(loadStageConfig({ ...cdkJson.context, 'secret.timeoutMs': '6000' }).secret.timeoutMs).toBe(6000);
  });
});
