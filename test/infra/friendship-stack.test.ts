/**
 * The default (dev) stage's stack, synthesized once for the whole file exactly as
 * `cdk synth` does it: the real bundles from the local esbuild, and cdk-nag.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { operationNames, operations, type OperationName } from '../../functions/operations.js';
import { buildFriendshipApp } from '../../lib/friendship-app.js';
import { STAGE_WITHOUT_PITR_ACKNOWLEDGEMENTS, expectOnlyReasonedAcknowledgements, readNagReport } from '../support/nag-report.js';
import type { FriendshipStack } from '../../lib/friendship-stack.js';
import { accessLogFields, accessLogKeyOf } from '../../lib/friendship-api.js';
import { functionNameOf } from '../../lib/names.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

let app: App;
let stack: FriendshipStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  app = new App({ context: cdkJson.context });
  stack = buildFriendshipApp(app);
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const functionLogicalId = (name: OperationName) => logicalIdOf(stack.functions[name]);
const functionProps = (name: OperationName) => {
  const resource = resources[functionLogicalId(name)];
  if (!resource) throw new Error(`no function ${name}`);
  return resource.Properties;
};

describe('the functions', () => {
  it('are exactly six, one per operation, named by stage (no GamePot authorizer in JWT mode)', () => {
    expect(ofType('AWS::Lambda::Function')).toHaveLength(6);
    expect(stack.gamepotAuthorizer).toBeUndefined();
    for (const name of operationNames) expect(functionProps(name).FunctionName).toBe(functionNameOf('dev', name));
  });

  it('run Node 22 or newer on arm64, with a timeout between the upstream deadline and the API limit', () => {
    for (const name of operationNames) {
      const props = functionProps(name);
      expect(props.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(props.Architectures).toEqual(['arm64']);
      // One guard store call + 2 secret reads + 2 vendor calls + 1 s (lib/timeouts.ts).
      expect(props.Timeout).toBe(16);
      const environment = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Number(environment.UPSTREAM_TIMEOUT_MS)).toBeLessThan((props.Timeout as number) * 1000);
      expect(props.Timeout).toBeLessThan(30);
      expect(props.MemorySize).toBe(256);
      // Unset by default: an account with a concurrency quota of 10 could not deploy it.
      expect(props.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('each log to their own log group, with a retention, in JSON', () => {
    for (const name of operationNames) {
      const logging = functionProps(name).LoggingConfig as { LogGroup: { Ref: string }; LogFormat: string };
      expect(logging.LogFormat).toBe('JSON');
      expect(resources[logging.LogGroup.Ref]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 } });
    }
    const groups = operationNames.map((name) => (functionProps(name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    expect(new Set(groups).size).toBe(6);
  });

  it('are bundled as `npm run build` bundles them: ESM, minified, source map, the AWS SDK inside', () => {
    for (const name of operationNames) {
      const code = functionProps(name).Code as { S3Key: string };
      const assetDir = path.join(app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import{createRequire as __cr}from'node:module';")).toBe(true);
      expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
      expect(bundle).toContain('GetSecretValue');
      expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
      // Minified: a few very long lines, not one statement per line.
      expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1_000);
      expect(functionProps(name).Handler).toBe('index.handler');
    }
  });
});

describe('the environment', () => {
  it('holds the settings of functions/core/config.ts and no secret value', () => {
    const secretRef = { Ref: logicalIdOf(stack.upstreamSecret.secret) };
    for (const name of operationNames) {
      const variables = (functionProps(name).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toEqual({
        SECRET_ID: secretRef,
        SECRET_TTL_SECONDS: '300',
        SECRET_TIMEOUT_MS: '2000',
        UPSTREAM_PROVIDER: 'ncloud-chat',
        UPSTREAM_TIMEOUT_MS: '5000',
        PLAYER_ID_CLAIM: 'player_id',
        GUARD_ENABLED: 'true',
        GUARD_TABLE_NAME: { Ref: logicalIdOf(stack.guardTable.table) },
        GUARD_TIMEOUT_MS: '1000',
        LIMIT_FRIEND_REQUESTS_PER_MINUTE: '10',
        LIMIT_FRIEND_REQUESTS_PER_DAY: '100',
        LIMIT_FRIEND_REQUESTS_TO_SAME_PLAYER_PER_DAY: '3',
        LIMIT_CHANGES_PER_MINUTE: '60',
        LIMIT_LISTS_PER_MINUTE: '120',
        POWERTOOLS_SERVICE_NAME: 'friendship-bff',
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('the secret is created without a committed value, kept on delete, and never resolved into the template', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { Name: 'friendship-bff/dev/upstream', GenerateSecretString: {}, SecretString: Match.absent() },
    });
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toContain('resolve:secretsmanager');
    expect(text).not.toMatch(/apiKey"\s*:/);
  });
});

describe('the guard table', () => {
  it('is one on-demand AWS::DynamoDB::Table with the declared keys and TTL, without point-in-time recovery in dev', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    expect(ofType('AWS::DynamoDB::GlobalTable')).toHaveLength(0);
    expect(tables[0]?.[1].Properties).toEqual({
      TableName: 'friendship-dev-guard',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      Tags: [
        { Key: 'project', Value: 'friendship-bff' },
        { Key: 'stage', Value: 'dev' },
      ],
    });
  });
});

describe('least privilege', () => {
  /** The table's ARN as the stack writes it: from its name (a Ref), never Fn::GetAtt. */
  const tableArn = () => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/', { Ref: logicalIdOf(stack.guardTable.table) }]],
  });

  it("each function's role allows exactly the secret read, on exactly that secret, writing to its own log group, and the guard's item actions it uses on that one table", () => {
    const secretRef = { Ref: logicalIdOf(stack.upstreamSecret.secret) };
    for (const name of operationNames) {
      const roleId = (functionProps(name).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(resources[roleId]?.Properties.ManagedPolicyArns).toBeUndefined();
      const policies = ofType('AWS::IAM::Policy').filter(([, policy]) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
      expect(policies).toHaveLength(1);
      const statements = (policies[0]?.[1].Properties.PolicyDocument as { Statement: unknown[] }).Statement;
      const logGroup = (functionProps(name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      // Rate limits read and update their buckets; the trusted bulk route is not limited and gets no table access.
      const guard = operations[name].rateLimits.length > 0 ? [{ Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Effect: 'Allow', Resource: tableArn() }] : [];
      expect(statements).toEqual([
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } },
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: secretRef },
        ...guard,
      ]);
    }
    expect(operations['bulk-add-friendships'].rateLimits).toEqual([]);
    expect(operations['request-friend'].rateLimits.length).toBeGreaterThan(0);
  });

  it('no policy anywhere names a DynamoDB wildcard, Scan or the table by Fn::GetAtt', () => {
    const policies = JSON.stringify(ofType('AWS::IAM::Policy').map(([, policy]) => policy.Properties.PolicyDocument));
    expect(policies).not.toMatch(/dynamodb:\*|dynamodb:Scan|dynamodb:Query|dynamodb:Batch|dynamodb:Delete|dynamodb:Put/);
    expect(policies).not.toContain(`"${logicalIdOf(stack.guardTable.table)}","Arn"`);
  });
});

describe('the API', () => {
  it('maps each route of functions/routes.ts to its own function, payload format 2.0', () => {
    const routeResources = ofType('AWS::ApiGatewayV2::Route');
    expect(routeResources).toHaveLength(operationNames.length);
    for (const name of operationNames) {
      const { method, path: routePath } = operations[name];
      const [, route] = routeResources.find(([, resource]) => resource.Properties.RouteKey === `${method} ${routePath}`) ?? [];
      if (!route) throw new Error(`no route for ${name}`);
      const integrationId = ((route.Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1]).Ref;
      expect(resources[integrationId]?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionLogicalId(name), 'Arn'] },
      });
    }
  });

  it('puts the JWT authorizer on the five player routes and IAM on bulk', () => {
    const [[authorizerId, authorizer] = []] = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(ofType('AWS::ApiGatewayV2::Authorizer')).toHaveLength(1);
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['https://friendship-api.example.com'] },
    });
    for (const name of operationNames) {
      const { method, path: routePath, access } = operations[name];
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${method} ${routePath}`,
        ...(access === 'player' ? { AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } } : { AuthorizationType: 'AWS_IAM', AuthorizerId: Match.absent() }),
      });
    }
    expect(operationNames.filter((name) => operations[name].access === 'player')).toHaveLength(5);
  });

  it('lets API Gateway invoke each function on its own route only', () => {
    for (const name of operationNames) {
      const { path: routePath } = operations[name];
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [functionLogicalId(name), 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: { 'Fn::Join': ['', Match.arrayWith([`/*/*${routePath}`])] },
      });
    }
  });

  it('throttles, allows only the configured origins, and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['http://localhost:5173', 'https://game-dev.example.com'],
        AllowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        // A browser game sends its session (either kind) and an idempotency key, and reads the request id, Retry-After and a replay.
        AllowHeaders: ['authorization', 'content-type', 'x-gamepot-member-id', 'idempotency-key'],
        ExposeHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', 'allow'],
        MaxAge: 3600,
        AllowCredentials: Match.absent(),
      },
    });
    const [[, stage] = []] = ofType('AWS::ApiGatewayV2::Stage');
    const settings = stage?.Properties.AccessLogSettings as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
    const format = JSON.parse(settings.Format) as Record<string, string>;
    expect(format).toEqual(accessLogFields);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatencyMs: '$context.responseLatency',
      integrationError: '$context.integrationErrorMessage',
    });
    expect(resources[settings.DestinationArn['Fn::GetAtt'][0]]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 } });
  });
});

describe('monitoring', () => {
  it('alarms on the 5xx rate, p99 latency, throttles, function errors and 429 answers, and draws a dashboard', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms).toHaveLength(6);
    const byDescription = (text: string) => alarms.find((alarm) => String(alarm.AlarmDescription).includes(text));
    expect(byDescription('5xx answers above 5%')).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    expect(byDescription('p99 latency above 5000 ms')).toMatchObject({
      Threshold: 5000,
      Metrics: [{ MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Latency' }, Stat: 'p99' } }],
    });
    expect(byDescription('throttled')?.Metrics).toHaveLength(7);
    expect(byDescription('function failed')?.Metrics).toHaveLength(7);
    // dev sets no email and no topic: the alarms have no actions.
    for (const alarm of alarms) expect(alarm.AlarmActions).toBeUndefined();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("counts the access log's 429 lines (the stage's throttle refusals, which reach no function) with a metric filter", () => {
    const filters = ofType('AWS::Logs::MetricFilter').filter(([, filter]) => JSON.stringify(filter.Properties.MetricTransformations).includes('ThrottledRequests'));
    expect(filters).toHaveLength(1);
    const [[, filter] = []] = filters;
    expect(filter?.Properties).toEqual({
      LogGroupName: { Ref: logicalIdOf(stack.accessLogs) },
      // The access log writes `status` as a JSON string: "429", not 429.
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [{ MetricNamespace: 'FriendshipBff/dev', MetricName: 'ThrottledRequests', MetricValue: '1', DefaultValue: 0, Unit: 'Count' }],
    });
    // The field the filter reads is the one the stage's access log format writes $context.status under.
    const [[, apiStage] = []] = ofType('AWS::ApiGatewayV2::Stage');
    const format = JSON.parse((apiStage?.Properties.AccessLogSettings as { Format: string }).Format) as Record<string, string>;
    expect(format.status).toBe('$context.status');
    expect(accessLogKeyOf('$context.status')).toBe('status');
  });

  it('alarms when alarms.throttledRequestsPer5Min (default 50) requests are answered 429 in 5 minutes', () => {
    expect(stack.config.alarms.throttledRequestsPer5Min).toBe(50);
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, alarm]) => JSON.stringify(alarm.Properties.Metrics).includes('"ThrottledRequests"'));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.[1].Properties).toMatchObject({
      Threshold: 50,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: expect.stringContaining('50 or more requests answered 429 in 5 minutes') as unknown,
      Metrics: [{ MetricStat: { Metric: { Namespace: 'FriendshipBff/dev', MetricName: 'ThrottledRequests' }, Period: 300, Stat: 'Sum' } }],
    });
    const [[, dashboard] = []] = ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain('Requests answered 429');
    expect(body).toContain('ThrottledRequests');
    expect(body).toContain('FriendshipBff/dev');
  });
});

describe('guard refusals', () => {
  it("are counted by code from each rate-limited function's own log group, graphed, and GUARD_UNAVAILABLE alarms (alarms.guardUnavailablePer5Min, default 5)", () => {
    const filters = ofType('AWS::Logs::MetricFilter').filter(([, filter]) => JSON.stringify(filter.Properties.MetricTransformations).includes('GuardRefusals'));
    const guardedLogGroups = operationNames.filter((name) => operations[name].rateLimits.length > 0).map((name) => (functionProps(name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    expect(filters.map(([, filter]) => (filter.Properties.LogGroupName as { Ref: string }).Ref).sort()).toEqual([...guardedLogGroups].sort());
    for (const [, filter] of filters) {
      expect(filter.Properties).toMatchObject({
        FilterPattern: '{ $.message = "guard refused" }',
        MetricTransformations: [{ MetricNamespace: 'FriendshipBff/dev', MetricName: 'GuardRefusals', MetricValue: '1', Dimensions: [{ Key: 'code', Value: '$.code' }], Unit: 'Count' }],
      });
    }
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, alarm]) => JSON.stringify(alarm.Properties.Metrics).includes('"GuardRefusals"'));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.[1].Properties).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: [{ MetricStat: { Metric: { Namespace: 'FriendshipBff/dev', MetricName: 'GuardRefusals', Dimensions: [{ Name: 'code', Value: 'GUARD_UNAVAILABLE' }] }, Period: 300, Stat: 'Sum' } }],
    });
    const [[, dashboard] = []] = ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain('Guard refusals by code');
    expect(body).toContain('RATE_LIMITED');
  });
});

describe('cdk-nag: AwsSolutions and Serverless, run by the synth itself', () => {
  it('leaves no unacknowledged finding, and every acknowledgement carries its reason', () => {
    expectOnlyReasonedAcknowledgements(readNagReport(app.outdir), STAGE_WITHOUT_PITR_ACKNOWLEDGEMENTS);
  });
});

describe('outputs', () => {
  it('list the API URL and id, the secret ARN, and each function name and ARN', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
    expect(outputs.ApiUrl?.Export?.Name).toBe('FriendshipBff-dev-ApiUrl');
    expect(outputs.ApiId).toEqual(expect.objectContaining({ Value: { Ref: logicalIdOf(stack.api) }, Export: { Name: 'FriendshipBff-dev-ApiId' } }));
    expect(outputs.SecretArn?.Value).toEqual({ Ref: logicalIdOf(stack.upstreamSecret.secret) });
    for (const name of operationNames) {
      const pascal = name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
      expect(outputs[`${pascal}FunctionName`]?.Value).toEqual({ Ref: functionLogicalId(name) });
      expect(outputs[`${pascal}FunctionArn`]?.Value).toEqual({ 'Fn::GetAtt': [functionLogicalId(name), 'Arn'] });
    }
  });
});
