/**
 * The "Using the functions from another stack" example in docs/deploy.md, compiled (by
 * `tsc --noEmit`) and synthesized: test/infra/fixtures/game-server-stack.ts builds
 * a game-server stack next to the dev stage's stack in one app, whose function
 * gets the six function names and the grants. Bundling is skipped.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { operationNames, operations } from '../../functions/operations.js';
import { buildFriendshipApp } from '../../lib/friendship-app.js';
import type { FriendshipStack } from '../../lib/friendship-stack.js';
import { buildGameServerApp, MATCHMAKER_ENTRY } from './fixtures/game-server-stack.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Effect: string; Resource: unknown };
interface Finding {
  ruleName: string;
  acknowledgedAt?: string;
  reason?: string;
  violatingConstructs?: { constructPath?: string }[];
}
interface Report {
  pluginReports: { violations: Finding[]; suppressedViolations?: Finding[] }[];
}

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function reportOf(app: App): Report {
  return JSON.parse(readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8')) as Report;
}
const unacknowledged = (report: Report) => report.pluginReports.flatMap((plugin) => plugin.violations);
const acknowledged = (report: Report) => report.pluginReports.flatMap((plugin) => plugin.suppressedViolations ?? []);

let app: App;
let friendship: FriendshipStack;
let game: Template;
let gameResources: Record<string, Resource>;
/** The friendship stack's exports: name → the value it exports. */
let exported: Map<string, unknown>;

beforeAll(() => {
  app = new App({ context: { ...cdkJson.context, ...NO_BUNDLING } });
  const built = buildGameServerApp(app);
  friendship = built.friendship;
  game = Template.fromStack(built.game);
  gameResources = game.toJSON().Resources as Record<string, Resource>;
  const outputs = Template.fromStack(friendship).toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>;
  exported = new Map(Object.values(outputs).flatMap((output) => (output.Export ? [[output.Export.Name, output.Value] as const] : [])));
});

const logicalIdOf = (construct: { node: { defaultChild?: unknown } }) => friendship.getLogicalId(construct.node.defaultChild as never);
/** What an `{"Fn::ImportValue": name}` of the game stack reads from the friendship stack. */
const importedValue = (value: unknown) => {
  const name = (value as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
  if (typeof name !== 'string') throw new Error(`not an import: ${JSON.stringify(value)}`);
  expect(name.startsWith('FriendshipBff-dev:')).toBe(true);
  return exported.get(name);
};
const matchmakerStatements = () => {
  const policies = Object.values(gameResources).filter((resource) => resource.Type === 'AWS::IAM::Policy');
  expect(policies).toHaveLength(1);
  return (policies[0]?.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};

describe("docs/deploy.md's game-server stack, in the same app as the stage's stack", () => {
  it('synthesizes with cdk-nag on the whole app: no unacknowledged finding, every acknowledgement with its reason', () => {
    expect(app.node.children.map((child) => child.node.id)).toEqual(expect.arrayContaining(['FriendshipBff-dev', 'GameServer-dev']));
    const report = reportOf(app);
    expect(unacknowledged(report).map((finding) => finding.ruleName)).toEqual([]);
    for (const finding of acknowledged(report)) expect(finding.reason?.length).toBeGreaterThan(60);
    // The references make it depend on the friendship stack: `cdk deploy --all` deploys that first.
    const gameStack = app.node.findChild('GameServer-dev') as unknown as { dependencies: { stackName: string }[] };
    expect(gameStack.dependencies.map((stack) => stack.stackName)).toEqual(['FriendshipBff-dev']);
  });

  it('runs the docs matchmaker (the typed client) as its one function', () => {
    const functions = Object.values(gameResources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(1);
    expect(functions[0]?.Properties).toMatchObject({ Runtime: 'nodejs24.x', MemorySize: 256, Timeout: 20, Handler: 'index.handler' });
    expect(path.basename(MATCHMAKER_ENTRY)).toBe('matchmaker.ts');
  });

  it('passes the six function names as REQUEST_FRIEND_FN … BULK_ADD_FRIENDSHIPS_FN, and the API URL', () => {
    const [fn] = Object.values(gameResources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    const variables = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(Object.keys(variables).sort()).toEqual([
      'ACCEPT_FRIEND_FN',
      'BULK_ADD_FRIENDSHIPS_FN',
      'END_FRIENDSHIP_FN',
      'FRIENDSHIP_API_URL',
      'LIST_FRIENDSHIPS_FN',
      'REJECT_FRIEND_FN',
      'REQUEST_FRIEND_FN',
    ]);
    for (const name of operationNames) {
      const variable = `${name.toUpperCase().replaceAll('-', '_')}_FN`;
      // Ref of a function is its name.
      expect([variable, importedValue(variables[variable])]).toEqual([variable, { Ref: logicalIdOf(friendship.functions[name]) }]);
    }
    expect(JSON.stringify(variables.FRIENDSHIP_API_URL)).toContain('.execute-api.');
  });

  it('gives its role lambda:InvokeFunction on exactly the six functions (and their versions), and nothing else of Lambda', () => {
    const invoke = matchmakerStatements().filter((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(invoke).toHaveLength(operationNames.length);
    const granted = invoke.map((statement) => {
      const [arn, versions] = statement.Resource as [unknown, { 'Fn::Join': [string, [unknown, string]] }];
      expect(statement.Effect).toBe('Allow');
      expect(versions['Fn::Join']).toEqual(['', [arn, ':*']]);
      return importedValue(arn);
    });
    expect(granted).toEqual(operationNames.map((name) => ({ 'Fn::GetAtt': [logicalIdOf(friendship.functions[name]), 'Arn'] })));
  });

  it('and execute-api:Invoke on the bulk route ARN only', () => {
    const statements = matchmakerStatements();
    expect(statements.map((statement) => statement.Action).sort()).toEqual([...operationNames.map(() => 'lambda:InvokeFunction'), 'execute-api:Invoke'].sort());
    const [bulk, ...others] = statements.filter((statement) => statement.Action === 'execute-api:Invoke');
    expect(others).toEqual([]);
    const { method, path: bulkPath } = operations['bulk-add-friendships'];
    expect(`${method} ${bulkPath}`).toBe('POST /v1/api/friendship/bulk');
    const parts = (bulk?.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    expect(bulk?.Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', parts[7], `/*/${method}${bulkPath}`],
      ],
    });
    // This API's id; the * is the stage (the API has only $default).
    expect(importedValue(parts[7])).toEqual({ Ref: logicalIdOf(friendship.api) });
  });

  it('the grants acknowledge exactly the wildcards they add; the function acknowledges its own findings', () => {
    const onMatchmaker = acknowledged(reportOf(app)).filter((finding) => finding.acknowledgedAt?.startsWith('GameServer-dev/'));
    const byGrants = onMatchmaker.filter((finding) => finding.acknowledgedAt === 'GameServer-dev/Matchmaker/ServiceRole');
    expect(byGrants.map((finding) => finding.ruleName).sort()).toEqual(
      [
        ...operationNames.map((name) => `AwsSolutions-IAM5[Resource::${(friendship.resolve(friendship.exportValue(friendship.functions[name].functionArn)) as { 'Fn::ImportValue': string })['Fn::ImportValue']}:*]`),
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${(friendship.resolve(friendship.exportValue(friendship.api.apiId)) as { 'Fn::ImportValue': string })['Fn::ImportValue']}/*/POST/v1/api/friendship/bulk]`,
      ].sort(),
    );
    for (const finding of byGrants) expect(finding.reason).toMatch(/^FriendshipStack\.grant(Bulk)?Invoke: /);
    const own = onMatchmaker.filter((finding) => finding.acknowledgedAt === 'GameServer-dev/Matchmaker').map((finding) => finding.ruleName);
    expect(own.sort()).toEqual(['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', 'Serverless-LambdaDLQ', 'Serverless-LambdaTracing']);
  });
});

describe("the game stack's own findings", () => {
  it('fail the synth without their acknowledgements: cdk-nag checks the whole app', () => {
    const bare = new App({ context: { ...cdkJson.context, ...NO_BUNDLING } });
    buildGameServerApp(bare, { withoutAcknowledgements: true });
    expect(() => bare.synth()).toThrow("Acknowledge with 'Serverless::Serverless-LambdaDLQ'");
    const findings = unacknowledged(reportOf(bare));
    expect(findings.map((finding) => finding.ruleName).sort()).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'Serverless-LambdaDLQ',
      'Serverless-LambdaTracing',
    ]);
    const paths = findings.flatMap((finding) => (finding.violatingConstructs ?? []).map((construct) => construct.constructPath));
    expect(paths).toHaveLength(3);
    for (const constructPath of paths) expect(constructPath).toMatch(/^GameServer-dev\/Matchmaker\//);
  });
});

describe('grant acknowledgements for a grantee in the friendship stack itself', () => {
  it('name the resources as that stack holds them (no imports), and leave nothing unacknowledged', () => {
    const same = new App({ context: { ...cdkJson.context, ...NO_BUNDLING } });
    const stack = buildFriendshipApp(same);
    const role = new Role(stack, 'InStackCaller', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    stack.grantInvoke(role, 'list-friendships');
    stack.grantBulkInvoke(role);
    same.synth();
    const report = reportOf(same);
    expect(unacknowledged(report).map((finding) => finding.ruleName)).toEqual([]);
    const listId = stack.getLogicalId(stack.functions['list-friendships'].node.defaultChild as never);
    const apiId = stack.getLogicalId(stack.api.node.defaultChild as never);
    expect(
      acknowledged(report)
        .filter((finding) => finding.acknowledgedAt === 'FriendshipBff-dev/InStackCaller')
        .map((finding) => finding.ruleName)
        .sort(),
    ).toEqual([
      `AwsSolutions-IAM5[Resource::<${listId}.Arn>:*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/*/POST/v1/api/friendship/bulk]`,
    ]);
    // Nothing exported for a grantee in the same stack.
    expect(Object.keys(Template.fromStack(stack).toJSON().Outputs as object).filter((key) => key.startsWith('ExportsOutput'))).toEqual([]);
  });
});
