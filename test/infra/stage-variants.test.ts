/**
 * Other stages and settings: prod (a secret imported by name, email alarms,
 * reserved concurrency), a secret imported by ARN with a customer-managed key,
 * stages side by side, the grants, and a bad configuration. Bundling is skipped
 * here (`aws:cdk:bundling-stacks: []`): friendship-stack.test.ts checks the real bundles.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { operationNames } from '../../functions/operations.js';
import { buildFriendshipApp } from '../../lib/friendship-app.js';
import { FriendshipStack } from '../../lib/friendship-stack.js';
import { loadStageConfig, StageConfigError } from '../../lib/stage-config.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function synth(context: Record<string, unknown>) {
  const app = new App({ context: { ...cdkJson.context, ...NO_BUNDLING, ...context } });
  const stack = buildFriendshipApp(app);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);
  const statements = () =>
    ofType('AWS::IAM::Policy').map((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  const report = JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { ruleName: string }[] }[];
  };
  return { app, stack, template, resources, ofType, statements, unacknowledged: report.pluginReports.flatMap((plugin) => plugin.violations) };
}

describe('prod: a secret imported by name, email alarms, a concurrency cap', () => {
  let prod: ReturnType<typeof synth>;
  beforeAll(() => {
    prod = synth({ stage: 'prod' });
  });

  it('grants the secret read on the partial ARN pattern `<name>-??????` and nothing wider', () => {
    prod.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const partialArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':secret:friendship-bff/prod/upstream-??????']],
    };
    const policies = prod.statements();
    expect(policies).toHaveLength(6);
    for (const statements of policies) {
      expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager'))).toEqual([
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: partialArn },
      ]);
      expect(JSON.stringify(statements)).not.toContain('kms:');
    }
  });

  it('names the secret in SECRET_ID, caps concurrency, and keeps the log groups', () => {
    for (const fn of prod.ofType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({ ReservedConcurrentExecutions: 50, MemorySize: 512, Environment: { Variables: { SECRET_ID: 'friendship-bff/prod/upstream', POWERTOOLS_LOG_LEVEL: 'INFO' } } });
    }
    for (const group of prod.ofType('AWS::Logs::LogGroup')) expect(group).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 90 } });
  });

  it('sends alarms and recoveries to a TLS-only topic with the email subscribed', () => {
    prod.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    prod.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const alarms = prod.ofType('AWS::CloudWatch::Alarm');
    // The 429 and GUARD_UNAVAILABLE alarms go to the same topic as the other four.
    expect(alarms).toHaveLength(6);
    expect(alarms.filter((alarm) => JSON.stringify(alarm.Properties.Metrics).includes('"ThrottledRequests"'))).toHaveLength(1);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    expect(prod.unacknowledged).toEqual([]);
  });

  it('keeps the guard table, with point-in-time recovery, and acknowledges no missing recovery', () => {
    const [table, ...others] = prod.ofType('AWS::DynamoDB::Table');
    expect(others).toEqual([]);
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', Properties: { TableName: 'friendship-prod-guard', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } });
    const report = readFileSync(path.join(prod.app.outdir, 'validation-report.json'), 'utf8');
    expect(report).not.toContain('AwsSolutions-DDB3');
  });
});

describe('guard settings of a stage', () => {
  it('guard.enabled false and a limit of 0 reach the functions; the table stays', () => {
    const variant = synth({ stage: 'dev', 'guard.enabled': 'false', 'guard.limits.listsPerMinute': '0' });
    for (const fn of variant.ofType('AWS::Lambda::Function').filter((fn) => (fn.Properties.FunctionName as string).startsWith('friendship-dev-'))) {
      expect(fn.Properties).toMatchObject({ Environment: { Variables: { GUARD_ENABLED: 'false', LIMIT_LISTS_PER_MINUTE: '0' } } });
    }
    variant.template.resourceCountIs('AWS::DynamoDB::Table', 1);
  });

  it('refuses a limit out of its bounds, naming the key', () => {
    expect(() => loadStageConfig({ ...cdkJson.context, 'guard.limits.friendRequestsPerMinute': '-1' })).toThrow(/guard\.limits\.friendRequestsPerMinute/);
  });
});

describe('a secret imported by ARN, encrypted with a customer-managed key', () => {
  const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:friendship-bff/qa/upstream-AbC123';
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';
  let qa: ReturnType<typeof synth>;
  beforeAll(() => {
    qa = synth({
      stage: 'qa',
      stages: { qa: { ...(cdkJson.context.stages as Record<string, object>).dev, env: { account: '123456789012', region: 'eu-west-1' } } },
      secret: JSON.stringify({ source: 'arn', arn: secretArn, kmsKeyArn: keyArn }),
      'upstream.baseUrl': 'https://gamepot.apigw.ntruss.com/gpapps/v2',
      'upstream.provider': 'gamepot',
      'alarms.topicArn': topicArn,
    });
  });

  it('grants the read on that ARN, and kms:Decrypt on that key through Secrets Manager only', () => {
    for (const statements of qa.statements()) {
      // The log group and the guard table have their own tests (friendship-stack.test.ts).
      expect(statements.filter((statement) => !/logs:|dynamodb:/.test(JSON.stringify(statement.Action)))).toEqual([
        { Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Effect: 'Allow', Resource: secretArn },
        { Action: 'kms:Decrypt', Effect: 'Allow', Resource: keyArn, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
      ]);
    }
  });

  it('passes the ARN, the provider and the base URL to the functions', () => {
    for (const fn of qa.ofType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({
        FunctionName: expect.stringMatching(/^friendship-qa-/) as unknown,
        Environment: { Variables: { SECRET_ID: secretArn, UPSTREAM_PROVIDER: 'gamepot', UPSTREAM_BASE_URL: 'https://gamepot.apigw.ntruss.com/gpapps/v2' } },
      });
    }
  });

  it('alarms to the given topic, and passes cdk-nag', () => {
    const alarms = qa.ofType('AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    expect(qa.unacknowledged).toEqual([]);
  });
});

describe('a JWT stage that leaves auth.mode out (jwt is the default)', () => {
  let jwt: ReturnType<typeof synth>;
  beforeAll(() => {
    const { mode: _mode, ...auth } = (cdkJson.context.stages as Record<string, { auth: Record<string, unknown> }>).dev?.auth ?? {};
    expect(auth).toEqual({ issuer: 'https://auth.example.com/', audience: ['https://friendship-api.example.com'], playerIdClaim: 'player_id' });
    jwt = synth({ stage: 'qa', stages: { qa: { ...(cdkJson.context.stages as Record<string, object>).dev, auth } } });
  });

  it('synthesizes as JWT: the JWT authorizer on the five player routes, IAM on bulk, no seventh function', () => {
    expect(jwt.stack.config.auth.mode).toBe('jwt');
    expect(jwt.stack.gamepotAuthorizer).toBeUndefined();
    expect(jwt.ofType('AWS::Lambda::Function')).toHaveLength(6);
    const authorizers = jwt.ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['https://friendship-api.example.com'] },
    });
    const routeTypes = jwt.ofType('AWS::ApiGatewayV2::Route').map((route) => route.Properties.AuthorizationType);
    expect(routeTypes.sort()).toEqual(['AWS_IAM', 'JWT', 'JWT', 'JWT', 'JWT', 'JWT']);
    for (const fn of jwt.ofType('AWS::Lambda::Function')) expect(fn.Properties).toMatchObject({ Environment: { Variables: { PLAYER_ID_CLAIM: 'player_id' } } });
    expect(jwt.unacknowledged).toEqual([]);
  });
});

describe('alarms.throttledRequestsPer5Min', () => {
  it('sets the threshold of the 429 alarm (-c override), with the metric in the stage\'s namespace', () => {
    const variant = synth({ stage: 'prod', 'alarms.throttledRequestsPer5Min': '200' });
    const [alarm, ...others] = variant.ofType('AWS::CloudWatch::Alarm').filter((candidate) => JSON.stringify(candidate.Properties.Metrics).includes('"ThrottledRequests"'));
    expect(others).toEqual([]);
    expect(alarm?.Properties).toMatchObject({
      Threshold: 200,
      AlarmDescription: 'Friendship BFF (prod): 200 or more requests answered 429 in 5 minutes (the stage\'s throttle.rateLimit/burstLimit, or the vendor\'s rate limit passed on).',
      Metrics: [{ MetricStat: { Metric: { Namespace: 'FriendshipBff/prod', MetricName: 'ThrottledRequests' } } }],
    });
    variant.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'FriendshipBff/prod', MetricName: 'ThrottledRequests' })],
    });
  });

  it('refuses a threshold that is not a whole number from 1, naming the key', () => {
    for (const value of ['0', '1.5', 'many']) {
      expect(() => buildFriendshipApp(new App({ context: { ...cdkJson.context, ...NO_BUNDLING, 'alarms.throttledRequestsPer5Min': value } }))).toThrow(
        'alarms.throttledRequestsPer5Min: expected a whole number from 1 to 1000000 (requests answered 429 in 5 minutes that alarm)',
      );
    }
  });
});

describe('a created secret with a customer-managed key', () => {
  it('is encrypted with that key, and each function may decrypt with it through Secrets Manager only', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const dev = synth({ 'secret.kmsKeyArn': keyArn });
    dev.template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: keyArn });
    for (const statements of dev.statements()) {
      expect(statements.filter((statement) => JSON.stringify(statement.Action).includes('kms:'))).toEqual([
        {
          Action: 'kms:Decrypt',
          Effect: 'Allow',
          Resource: keyArn,
          Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
        },
      ]);
    }
    expect(dev.unacknowledged).toEqual([]);
  });
});

describe('stages side by side in one account (JWT and GamePot sessions)', () => {
  it('share no account-wide name: stacks, functions, secret, API, dashboard, exports', () => {
    const app = new App({ context: { ...cdkJson.context, ...NO_BUNDLING } });
    const stacks = ['dev', 'dev-gamepot', 'prod'].map((stage) => {
      const config = loadStageConfig({ ...cdkJson.context, stage });
      return new FriendshipStack(app, `FriendshipBff-${stage}`, { config });
    });
    // Authorizer names are per API, not per account.
    const perAccount = (resource: Resource) => resource.Type !== 'AWS::ApiGatewayV2::Authorizer';
    const names = stacks.flatMap((stack) => {
      const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource>; Outputs: Record<string, { Export?: { Name: string } }> };
      const physical = Object.values(template.Resources)
        .filter(perAccount)
        .flatMap((resource) =>
          ['FunctionName', 'Name', 'DashboardName']
            .map((key) => resource.Properties[key])
            .filter((value): value is string => typeof value === 'string')
            .map((name) => `${resource.Type} ${name}`),
        );
      const exports = Object.values(template.Outputs).map((output) => `Export ${output.Export?.Name ?? ''}`);
      return [`Stack ${stack.stackName}`, ...physical, ...exports];
    });
    expect(names.length).toBeGreaterThan(3 * (3 * operationNames.length + 3));
    expect(names).toContain('AWS::Lambda::Function friendship-dev-gamepot-gamepot-authorizer');
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });
});

describe('grants for other stacks', () => {
  let consumer: Template;
  let friendship: FriendshipStack;
  beforeAll(() => {
    const app = new App({ context: { ...cdkJson.context, ...NO_BUNDLING } });
    friendship = new FriendshipStack(app, 'FriendshipBff-dev', { config: loadStageConfig(cdkJson.context) });
    const stack = new Stack(app, 'GameServer');
    const role = (id: string) => new Role(stack, id, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    friendship.grantInvoke(role('AllOperations'));
    friendship.grantInvoke(role('ListOnly'), 'list-friendships');
    friendship.grantBulkInvoke(role('BulkOverHttp'));
    consumer = Template.fromStack(stack);
  });

  const statementsOf = (roleId: string) =>
    Object.values(consumer.toJSON().Resources as Record<string, Resource>)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties.Roles).includes(roleId))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

  it('grantInvoke: lambda:InvokeFunction on all six functions, or on the named ones', () => {
    const all = statementsOf('AllOperations');
    expect(all).toHaveLength(operationNames.length);
    for (const statement of all) expect(statement.Action).toBe('lambda:InvokeFunction');
    const listOnly = statementsOf('ListOnly');
    expect(listOnly).toHaveLength(1);
    expect(JSON.stringify(listOnly)).toContain('ListFriendshipsFunction');
  });

  it('grantBulkInvoke: execute-api:Invoke on the bulk route only', () => {
    const [statement, ...others] = statementsOf('BulkOverHttp');
    expect(others).toEqual([]);
    expect(statement?.Action).toBe('execute-api:Invoke');
    expect(JSON.stringify(statement?.Resource)).toMatch(/\/\*\/POST\/v1\/api\/friendship\/bulk"/);
  });

  it('grantInvoke refuses an empty list', () => {
    expect(() => friendship.grantInvoke(new Role(new Stack(new App(), 'Other'), 'R', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }), [])).toThrow(
      'name at least one operation',
    );
  });
});

describe('a bad configuration', () => {
  it('stops the app before any resource, with the key and what is expected', () => {
    const app = new App({ context: { ...cdkJson.context, ...NO_BUNDLING, 'auth.issuer': 'not a url', 'throttle.burstLimit': '0' } });
    expect(() => buildFriendshipApp(app)).toThrow(StageConfigError);
    expect(() => buildFriendshipApp(new App({ context: { ...cdkJson.context, 'auth.issuer': 'not a url' } }))).toThrow(
      /auth\.issuer: expected an https:\/\/ URL/,
    );
    try {
      buildFriendshipApp(new App({ context: { ...cdkJson.context, 'auth.issuer': 'not a url', 'throttle.burstLimit': '0' } }));
    } catch (error) {
      expect((error as StageConfigError).keys).toEqual(['auth.issuer', 'throttle.burstLimit']);
    }
    expect(app.node.children).toHaveLength(0);
  });
});
