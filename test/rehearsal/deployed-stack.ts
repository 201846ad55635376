/**
 * A stage deployed into moto with the real CDK CLI, and what moto then holds for
 * it: the stack's resources, each function's configuration, code and policy,
 * each role's policies, the log groups. Read once, right after the deploy, so
 * that the tests compare the template against a snapshot rather than a moving target.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, type Role } from '@aws-sdk/client-iam';
import { GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readFile } from 'node:fs/promises';
import { cdk } from '../support/cdk-cli.js';
import { MOTO_ACCOUNT, MOTO_REGION, type MotoServer } from '../support/moto-server.js';
import type { StageAssembly } from '../support/stage-assemblies.js';
import { patternOf, TemplateResolver, type Template, type TemplateValue } from '../support/template-values.js';

export const BOOTSTRAP_DEADLINE_MS = 90_000;
export const DEPLOY_DEADLINE_MS = 120_000;

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string>>;
}

export interface DeployedFunction {
  logicalId: string;
  configuration: FunctionConfiguration;
  reservedConcurrency: number | undefined;
  /** The statements of its resource policy (the Lambda permissions). */
  permissions: PolicyStatement[];
  /** The zip moto's Lambda was deployed from, read from moto's S3. */
  zip: Uint8Array;
}

export interface DeployedStack {
  template: Template;
  resolver: TemplateResolver;
  status: string;
  /** The stack's outputs: key → value and export name. */
  outputs: Map<string, { value: string | undefined; exportName: string | undefined }>;
  resources: StackResourceSummary[];
  /** Logical id → type, for the template's resources moto did not create. */
  skipped: Map<string, string>;
  /** The types moto said it has no CloudFormation support for. */
  unsupportedTypes: Set<string>;
  functions: DeployedFunction[];
  roles: Map<string, { role: Role; policies: Map<string, { Statement: PolicyStatement[] }> }>;
  logGroups: Map<string, LogGroup>;
  secretArn: string;
}

/** moto's reset, then `cdk bootstrap` of its one account and region. */
export async function bootstrap(moto: MotoServer): Promise<void> {
  await moto.reset();
  await cdk(['bootstrap', `aws://${MOTO_ACCOUNT}/${MOTO_REGION}`], { env: moto.awsEnvironment, cwd: moto.workDir, timeoutMs: BOOTSTRAP_DEADLINE_MS });
}

/**
 * Creates the stage's secret in moto (the stack imports it by name), deploys the
 * assembly with `cdk deploy --app <dir>`, and reads back what moto created.
 */
export async function deploy(moto: MotoServer, assembly: StageAssembly, secret: { name: string; value: string }): Promise<DeployedStack> {
  const config = moto.clientConfig;
  const secrets = new SecretsManagerClient(config);
  await secrets.send(new CreateSecretCommand({ Name: secret.name, SecretString: secret.value }));
  // `--method direct` (CreateStack rather than a change set): moto evaluates a stack's outputs only then.
  await cdk(['deploy', '--app', assembly.dir, assembly.stackName, '--require-approval', 'never', '--progress', 'events', '--method', 'direct'], {
    env: moto.awsEnvironment,
    cwd: moto.workDir,
    timeoutMs: DEPLOY_DEADLINE_MS,
  });

  const template = JSON.parse(await readFile(assembly.templateFile, 'utf8')) as Template;
  const cloudFormation = new CloudFormationClient(config);
  const [stacks, listed] = await Promise.all([
    cloudFormation.send(new DescribeStacksCommand({ StackName: assembly.stackName })),
    cloudFormation.send(new ListStackResourcesCommand({ StackName: assembly.stackName })),
  ]);
  // moto lists a resource it skipped as an entry without an id; only the others were created.
  const resources = (listed.StackResourceSummaries ?? []).filter((resource) => resource.LogicalResourceId);
  const physicalIds = new Map(resources.map((resource) => [resource.LogicalResourceId!, resource.PhysicalResourceId ?? '']));
  const skipped = new Map(Object.entries(template.Resources).flatMap(([logicalId, resource]) => (physicalIds.has(logicalId) ? [] : [[logicalId, resource.Type] as const])));
  const unsupportedTypes = new Set([...moto.log.matchAll(/No Moto CloudFormation support for (\S+)/g)].map((match) => match[1]!));

  const typeOf = (logicalId: string) => template.Resources[logicalId]?.Type;
  const ofType = (type: string) => resources.filter((resource) => resource.ResourceType === type);
  const lambda = new LambdaClient(config);
  const iam = new IAMClient(config);
  const logs = new CloudWatchLogsClient(config);
  const s3 = new S3Client(config);

  const roles = new Map(
    await Promise.all(
      ofType('AWS::IAM::Role').map(async (resource) => {
        const roleName = resource.PhysicalResourceId!;
        const [{ Role: role }, { PolicyNames = [] }] = await Promise.all([iam.send(new GetRoleCommand({ RoleName: roleName })), iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))]);
        const policies = new Map(
          await Promise.all(
            PolicyNames.map(async (policyName) => {
              const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
              // IAM hands policy documents out URL-encoded; moto hands them out as they came.
              const text = PolicyDocument!.startsWith('%7B') ? decodeURIComponent(PolicyDocument!) : PolicyDocument!;
              return [policyName, JSON.parse(text) as { Statement: PolicyStatement[] }] as const;
            }),
          ),
        );
        return [resource.LogicalResourceId!, { role: role!, policies }] as const;
      }),
    ),
  );
  const { logGroups: allLogGroups = [] } = await logs.send(new DescribeLogGroupsCommand({}));
  const logGroups = new Map(ofType('AWS::Logs::LogGroup').map((resource) => [resource.LogicalResourceId!, allLogGroups.find((group) => group.logGroupName === resource.PhysicalResourceId)!]));

  const configurations = new Map(
    await Promise.all(
      ofType('AWS::Lambda::Function').map(async (resource) => [resource.LogicalResourceId!, await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: resource.PhysicalResourceId! }))] as const),
    ),
  );

  const resolver = new TemplateResolver(template, {
    account: MOTO_ACCOUNT,
    region: MOTO_REGION,
    stackName: assembly.stackName,
    physicalIds,
    skipped: new Set(skipped.keys()),
    attribute(logicalId, attribute) {
      const type = typeOf(logicalId);
      if (type === 'AWS::IAM::Role' && attribute === 'Arn') return roles.get(logicalId)!.role.Arn!;
      if (type === 'AWS::Lambda::Function' && attribute === 'Arn') return configurations.get(logicalId)!.FunctionArn!;
      if (type === 'AWS::Logs::LogGroup' && attribute === 'Arn') {
        // CloudFormation's log group ARN ends with ":*"; moto's does not.
        const name = physicalIds.get(logicalId)!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return patternOf(`arn:aws:logs:${MOTO_REGION}:${MOTO_ACCOUNT}:log-group:${name}(:\\*)?`, 'a log group ARN, with or without the ":*" CloudFormation adds');
      }
      throw new Error(`no lookup for Fn::GetAtt ${logicalId}.${attribute} (${type})`);
    },
  });

  const functions = await Promise.all(
    [...configurations].map(async ([logicalId, configuration]) => {
      const code = template.Resources[logicalId]!.Properties!.Code as { S3Bucket: TemplateValue; S3Key: TemplateValue };
      const [object, concurrency, policy] = await Promise.all([
        s3.send(new GetObjectCommand({ Bucket: resolver.exactString(code.S3Bucket), Key: resolver.exactString(code.S3Key) })),
        lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: configuration.FunctionName! })),
        lambda.send(new GetPolicyCommand({ FunctionName: configuration.FunctionName! })).catch((error: Error) => {
          if (error.name === 'ResourceNotFoundException') return { Policy: undefined };
          throw error;
        }),
      ]);
      return {
        logicalId,
        configuration,
        reservedConcurrency: concurrency.ReservedConcurrentExecutions,
        permissions: policy.Policy ? (JSON.parse(policy.Policy) as { Statement: PolicyStatement[] }).Statement : [],
        zip: await object.Body!.transformToByteArray(),
      };
    }),
  );

  const { ARN: secretArn } = await secrets.send(new DescribeSecretCommand({ SecretId: secret.name }));
  return {
    template,
    resolver,
    status: stacks.Stacks?.[0]?.StackStatus ?? 'missing',
    outputs: new Map((stacks.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey!, { value: output.OutputValue, exportName: output.ExportName }])),
    resources,
    skipped,
    unsupportedTypes,
    functions,
    roles,
    logGroups,
    secretArn: secretArn!,
  };
}

/** One line for the test output: what moto created and what it skipped, so a reader knows what the rehearsal does not prove. */
export function skippedSummary(stage: string, stack: DeployedStack, uncheckedFunctionProperties: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const type of stack.skipped.values()) counts.set(type, (counts.get(type) ?? 0) + 1);
  const skipped = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => (count > 1 ? `${type} ×${count}` : type));
  const droppedOutputs = Object.keys(stack.template.Outputs ?? {}).filter((key) => !stack.outputs.has(key));
  const parts = [
    `moto created ${stack.resources.length} of ${Object.keys(stack.template.Resources).length} resources`,
    `skipped ${skipped.join(', ') || 'none'}`,
    ...(uncheckedFunctionProperties.length > 0 ? [`function properties moto drops: ${uncheckedFunctionProperties.join(', ')}`] : []),
    ...(droppedOutputs.length > 0 ? [`outputs moto drops: ${droppedOutputs.join(', ')}`] : []),
  ];
  return `deploy rehearsal ${stage}: ${parts.join('; ')}`;
}
