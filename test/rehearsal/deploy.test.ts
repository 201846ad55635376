/**
 * The deploy rehearsal: `cdk bootstrap` and `cdk deploy` of every stage of cdk.json
 * into moto's CloudFormation, with moto reset between stages. The checks are
 * driven by each synthesized template: every resource moto implements must
 * exist as the template says (functions, roles and their policies, log groups,
 * Lambda permissions, the stack's outputs); every other one must be of a type moto says it lacks, and
 * is listed in the output. Then each deployed function's zip, read back from
 * moto's S3, runs in the function container against moto's Secrets Manager and
 * the vendor emulator, and answers one request as it does locally.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { functionEnvironment, settings } from '../../functions/core/config.js';
import { answers } from '../../functions/core/response-schemas.js';
import { operationNames, operations, type OperationName } from '../../functions/operations.js';
import { bundleFile, functionNames, type FunctionName } from '../../lib/bundling.js';
import { functionNameOf } from '../../lib/names.js';
import { FunctionContainer } from '../../local/function-container.js';
import { NcloudEmulator } from '../../local/ncloud-emulator.js';
import { httpEvent, type HttpAnswer } from '../support/fixtures.js';
import { MOTO_REGION, MotoServer } from '../support/moto-server.js';
import { gateOnTools } from '../support/required-tool.js';
import { stageAssemblies, stageConfigOf, stageNames, type StageAssemblies } from '../support/stage-assemblies.js';
import { iamResourceMatches, type TemplateValue } from '../support/template-values.js';
import { bootstrap, deploy, skippedSummary, BOOTSTRAP_DEADLINE_MS, DEPLOY_DEADLINE_MS, type DeployedFunction, type DeployedStack } from './deployed-stack.js';

const gate = await gateOnTools('the deploy rehearsal (test/rehearsal/deploy.test.ts)', ['moto_server']);

const API_KEY = 'rehearsal-key-Vq81mZ0c';
const PROJECT_ID = 'rehearsal-project-21';
const SYNTH_DEADLINE_MS = 240_000;

/** The Lambda properties each function is checked on against moto; the template's others are ones moto's Lambda drops. */
const CHECKED_FUNCTION_PROPERTIES = ['FunctionName', 'Code', 'Handler', 'Runtime', 'MemorySize', 'Timeout', 'Description', 'Environment', 'Role', 'ReservedConcurrentExecutions'];

gate.describe('cdk deploy of every stage into moto', () => {
  let moto: MotoServer;
  let assemblies: StageAssemblies;
  let emulator: NcloudEmulator;
  let unpacked: string;

  beforeAll(async () => {
    emulator = new NcloudEmulator({ apiKey: API_KEY, projectId: PROJECT_ID });
    const starting = MotoServer.start();
    // The first stage's bootstrap runs while the stages are synthesized.
    [assemblies] = await Promise.all([stageAssemblies(), starting.then(bootstrap), emulator.start()]);
    moto = await starting;
    unpacked = await mkdtemp(path.join(tmpdir(), 'rehearsal-code-'));
  }, SYNTH_DEADLINE_MS + BOOTSTRAP_DEADLINE_MS);

  afterAll(async () => {
    await Promise.all([moto?.stop(), emulator?.stop(), unpacked && rm(unpacked, { recursive: true, force: true })]);
  });

  describe.each(stageNames.map((stage, index) => [stage, index] as const))('stage %s', (stage, index) => {
    let stack: DeployedStack;
    const functionsOfTemplate = () => Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
    const propertiesOf = (logicalId: string) => stack.template.Resources[logicalId]!.Properties as Record<string, TemplateValue>;
    const deployedFunction = (logicalId: string) => stack.functions.find((fn) => fn.logicalId === logicalId)!;

    beforeAll(async () => {
      // A failed deploy leaves its stack in REVIEW_IN_PROGRESS: every stage starts from an empty moto.
      if (index > 0) await bootstrap(moto);
      const assembly = assemblies.rehearsal[stage]!;
      const config = stageConfigOf(stage, assembly.overrides);
      if (config.secret.source !== 'name') throw new Error(`the rehearsal imports every stage's secret by name; ${stage} has ${config.secret.source}`);
      stack = await deploy(moto, assembly, { name: config.secret.name, value: JSON.stringify({ apiKey: API_KEY, projectId: PROJECT_ID }) });
      const unchecked = [...new Set(functionsOfTemplate().flatMap(([logicalId]) => Object.keys(propertiesOf(logicalId))))].filter((name) => !CHECKED_FUNCTION_PROPERTIES.includes(name)).sort();
      process.stderr.write(`${skippedSummary(stage, stack, unchecked)}\n`);
    }, BOOTSTRAP_DEADLINE_MS + DEPLOY_DEADLINE_MS);

    it('deploys, creating every resource of the template except those of types moto says it lacks', () => {
      expect(stack.status).toBe('CREATE_COMPLETE');
      for (const resource of stack.resources) {
        expect({ id: resource.LogicalResourceId, status: resource.ResourceStatus, type: resource.ResourceType }).toEqual({
          id: resource.LogicalResourceId,
          status: 'CREATE_COMPLETE',
          type: stack.template.Resources[resource.LogicalResourceId!]?.Type,
        });
      }
      const notExplained = [...stack.skipped].filter(([, type]) => !stack.unsupportedTypes.has(type));
      expect(notExplained).toEqual([]);
      // The rehearsal proves nothing if moto skipped what it is about.
      for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::Logs::LogGroup', 'AWS::Lambda::Permission']) {
        expect([...stack.skipped.values()]).not.toContain(type);
      }
    });

    it('every function exists with the runtime, handler, memory, timeout, environment, role and concurrency of the template', () => {
      const fromTemplate = functionsOfTemplate();
      expect(fromTemplate.length).toBeGreaterThan(0);
      expect(stack.functions.map((fn) => fn.logicalId).sort()).toEqual(fromTemplate.map(([logicalId]) => logicalId).sort());
      for (const [logicalId] of fromTemplate) {
        const properties = propertiesOf(logicalId);
        const { configuration, reservedConcurrency } = deployedFunction(logicalId);
        const expected = (name: string) => (properties[name] === undefined ? undefined : stack.resolver.expected(properties[name]!));
        expect({
          name: configuration.FunctionName,
          runtime: configuration.Runtime,
          handler: configuration.Handler,
          memory: configuration.MemorySize,
          timeout: configuration.Timeout,
          description: configuration.Description,
          environment: configuration.Environment?.Variables,
          role: configuration.Role,
          reservedConcurrency,
        }).toEqual({
          name: expected('FunctionName'),
          runtime: expected('Runtime'),
          handler: expected('Handler'),
          memory: expected('MemorySize'),
          timeout: expected('Timeout'),
          description: expected('Description'),
          environment: (expected('Environment') as { Variables?: unknown } | undefined)?.Variables,
          role: expected('Role'),
          reservedConcurrency: expected('ReservedConcurrentExecutions'),
        });
      }
    });

    it("every role has the template's trust policy and exactly its policies, the secret grant resolving to the stage's secret", () => {
      const policies = Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Policy');
      const roleIds = Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === 'AWS::IAM::Role').map(([logicalId]) => logicalId);
      expect([...stack.roles.keys()].sort()).toEqual(roleIds.sort());
      for (const roleId of roleIds) {
        const { role, policies: held } = stack.roles.get(roleId)!;
        const trust = typeof role.AssumeRolePolicyDocument === 'string' ? JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument)) : role.AssumeRolePolicyDocument;
        expect(trust).toEqual(stack.resolver.expected(propertiesOf(roleId).AssumeRolePolicyDocument!));
        const own = policies.filter(([, policy]) => (policy.Properties!.Roles as Array<{ Ref: string }>).some((ref) => ref.Ref === roleId));
        expect([...held.keys()].sort()).toEqual(own.map(([, policy]) => stack.resolver.exactString(policy.Properties!.PolicyName!)).sort());
        for (const [, policy] of own) {
          expect(held.get(stack.resolver.exactString(policy.Properties!.PolicyName!))).toEqual(stack.resolver.expected(policy.Properties!.PolicyDocument!));
        }
      }
      // Each of our functions' roles may read the secret moto holds, and no other secret.
      const ours = projectFunctions(stage, stack);
      expect(ours.length).toBeGreaterThan(0);
      for (const { fn } of ours) {
        const held = [...stack.roles.values()].find(({ role }) => role.Arn === fn.configuration.Role)!.policies;
        const grants = [...held.values()].flatMap((document) => document.Statement.filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue')));
        const resources = grants.flatMap((statement) => [statement.Resource ?? []].flat());
        expect(resources.length).toBeGreaterThan(0);
        for (const resource of resources) {
          expect({ resource, matchesTheSecret: iamResourceMatches(resource, stack.secretArn) }).toEqual({ resource, matchesTheSecret: true });
          expect(iamResourceMatches(resource, `${stack.secretArn.slice(0, -7)}-other-AbCdEf`)).toBe(false);
        }
      }
    });

    it('every log group exists with the retention of the template', () => {
      const groups = Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThan(0);
      for (const [logicalId, resource] of groups) {
        expect(stack.logGroups.get(logicalId)).toMatchObject({ retentionInDays: resource.Properties!.RetentionInDays });
      }
    });

    it('every Lambda permission is on its function, for its principal and source', () => {
      const permissions = Object.entries(stack.template.Resources).filter(([, resource]) => resource.Type === 'AWS::Lambda::Permission');
      for (const [, permission] of permissions) {
        const properties = permission.Properties!;
        const target = stack.functions.find((fn) => fn.configuration.FunctionArn === stack.resolver.exactString(properties.FunctionName!));
        expect(target).toBeDefined();
        const sourceArn = properties.SourceArn === undefined ? undefined : stack.resolver.expected(properties.SourceArn);
        expect(target!.permissions).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Action: properties.Action,
            Principal: { Service: properties.Principal },
            ...(sourceArn === undefined ? {} : { Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } } }),
          }),
        );
      }
      const granted = stack.functions.reduce((count, fn) => count + fn.permissions.length, 0);
      expect(granted).toBe(permissions.length);
    });

    it('gives every output of the template, with its value and export name, but those that are only an id of a skipped resource', () => {
      // moto drops an output whose whole value is a Ref or Fn::GetAtt of a resource it skipped (ApiId: the API's id).
      const ofSkipped = (value: TemplateValue) => {
        const target = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value.Ref ?? [value['Fn::GetAtt']].flat()[0]) : undefined;
        return typeof target === 'string' && stack.skipped.has(target);
      };
      const outputs = Object.entries(stack.template.Outputs ?? {}).filter(([, output]) => !ofSkipped(output.Value));
      expect(outputs.length).toBeGreaterThan(0);
      expect([...stack.outputs.keys()].sort()).toEqual(outputs.map(([key]) => key).sort());
      for (const [key, output] of outputs) {
        expect({ key, ...stack.outputs.get(key) }).toEqual({
          key,
          value: stack.resolver.expected(output.Value),
          exportName: output.Export === undefined ? undefined : stack.resolver.exactString(output.Export.Name),
        });
      }
    });

    it('uploads, for every function, the zip its code hash names, holding the very bundle the other suites test', async () => {
      for (const fn of stack.functions) expect(createHash('sha256').update(fn.zip).digest('base64')).toBe(fn.configuration.CodeSha256);
      const ours = projectFunctions(stage, stack);
      expect(ours.map(({ name }) => name)).toEqual(expect.arrayContaining([...operationNames]));
      for (const { name, fn } of ours) {
        const files = unzipSync(fn.zip);
        expect(Buffer.from(files['index.mjs']!).equals(await readFile(bundleFile(name)))).toBe(true);
      }
    });

    it('runs each deployed zip in the function container: one request per function answers as it does locally', async () => {
      const config = stageConfigOf(stage, assemblies.rehearsal[stage]!.overrides);
      const containers = new Map<FunctionName, FunctionContainer>();
      const logs: string[] = [];
      try {
        await Promise.all(
          projectFunctions(stage, stack).map(async ({ name, fn }) => {
            const dir = path.join(unpacked, stage, fn.logicalId);
            await mkdir(dir, { recursive: true });
            for (const [file, bytes] of Object.entries(unzipSync(fn.zip))) await writeFile(path.join(dir, file), bytes);
            containers.set(name, await containerFor(fn, dir));
          }),
        );
        emulator.reset();
        const invoked = new Set<FunctionName>();
        const invoke = async (name: FunctionName, event: unknown) => {
          const container = containers.get(name);
          if (!container) throw new Error(`${stage} deployed no ${name}`);
          invoked.add(name);
          const outcome = await container.invoke(event);
          expect(outcome.functionError).toBeUndefined();
          return outcome.payload;
        };

        // Who is calling, as API Gateway hands it to the function: the JWT authorizer's claims, or our Lambda authorizer's answer.
        const playerAuthorizer = async (playerId: string): Promise<unknown> => {
          if (config.auth.mode === 'jwt') return { jwt: { claims: { [config.auth.playerIdClaim]: playerId }, scopes: null } };
          const { token } = emulator.loginMember(playerId);
          const answer = (await invoke('gamepot-authorizer', {
            version: '2.0',
            type: 'REQUEST',
            headers: { authorization: `Bearer ${token}`, 'x-gamepot-member-id': playerId },
            requestContext: { requestId: `auth-${playerId}`, http: { sourceIp: '203.0.113.7' } },
          })) as { isAuthorized: boolean; context: Record<string, unknown> };
          expect(answer).toEqual({ isAuthorized: true, context: { playerId } });
          return { lambda: answer.context };
        };
        /** One request; a 200 whose body has the shape the registry (functions/operations.ts) declares for the operation. */
        const call = async (name: OperationName, authorizer: unknown, options: Parameters<typeof httpEvent>[1]): Promise<unknown> => {
          const event = httpEvent(name, options) as { requestContext: Record<string, unknown> };
          event.requestContext.authorizer = authorizer;
          const answer = (await invoke(name, event)) as HttpAnswer;
          expect({ name, status: answer.statusCode }).toEqual({ name, status: 200 });
          return answers[operations[name].answer].parse(JSON.parse(answer.body));
        };
        const [alice, bob] = await Promise.all([playerAuthorizer('alice_01'), playerAuthorizer('bob_0002')]);

        expect(await call('request-friend', alice, { body: { friendId: 'bob_0002', message: 'gg' } })).toMatchObject({ friendship: { status: 'requested', user_id: 'alice_01', friend_id: 'bob_0002' } });
        expect(await call('accept-friend', bob, { body: { friendId: 'alice_01' } })).toMatchObject({ friendship: { status: 'accepted', user_id: 'bob_0002', friend_id: 'alice_01' } });
        expect(await call('list-friendships', alice, { query: { status: 'accepted' } })).toEqual([expect.objectContaining({ status: 'accepted', friend: expect.objectContaining({ id: 'bob_0002' }) })]);
        expect(await call('end-friendship', alice, { body: { friendId: 'bob_0002' } })).toMatchObject({ friendship: { user_id: 'alice_01', friend_id: 'bob_0002' } });
        // A request for bob to reject, sent to the vendor directly.
        await vendorRequest(emulator, { userId: 'carol_03', friendId: 'bob_0002' });
        expect(await call('reject-friend', bob, { body: { friendId: 'carol_03' } })).toMatchObject({ friendship: { status: 'rejected', friend_id: 'carol_03' } });
        const pairs = [{ userId: 'npc_guide', friendId: 'alice_01' }];
        const iam = { iam: { accessKey: 'AKIA', accountId: '123456789012', userArn: 'arn:aws:iam::123456789012:role/game-server' } };
        expect(await call('bulk-add-friendships', iam, { body: pairs })).toEqual({ added: pairs });

        expect([...invoked].sort()).toEqual([...containers.keys()].sort());
        // Every call reached the vendor with the key from moto's secret; the key itself was never logged.
        expect(emulator.requests.length).toBeGreaterThanOrEqual(6);
        for (const sent of emulator.requests) expect(sent.headers['x-api-key']).toBe(API_KEY);
        for (const container of containers.values()) logs.push(...container.logs);
        expect(logs.join('\n')).not.toContain(API_KEY);
      } finally {
        await Promise.all([...containers.values()].map((container) => container.stop()));
      }
    });

    /** The deployed function's environment, with the vendor replaced by the emulator and Secrets Manager by moto's. */
    async function containerFor(fn: DeployedFunction, dir: string): Promise<FunctionContainer> {
      const { Handler, Environment, Timeout, MemorySize, FunctionName } = fn.configuration;
      const [file, exported] = Handler!.split('.') as [string, string];
      // The container calls `handler` of an ES module, as Lambda does for `index.handler` with index.mjs.
      expect(exported).toBe('handler');
      const variables = Environment?.Variables ?? {};
      return FunctionContainer.start({
        bundle: path.join(dir, `${file}.mjs`),
        functionName: FunctionName!,
        timeoutMs: Timeout! * 1000,
        env: {
          ...variables,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MemorySize),
          ...functionEnvironment({
            upstreamBaseUrl: emulator.baseUrl,
            loginauthUrl: variables[settings.loginauthUrl.env] === undefined ? undefined : emulator.loginauthUrl,
          }),
          AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
          // The guard's table, as the stack created it in moto.
          AWS_ENDPOINT_URL_DYNAMODB: moto.url,
          AWS_REGION: MOTO_REGION,
          AWS_ACCESS_KEY_ID: moto.awsEnvironment.AWS_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: moto.awsEnvironment.AWS_SECRET_ACCESS_KEY,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      });
    }
  });
});

/** The deployed functions that are the project's own (lib/bundling.ts), by their physical names; a function CDK adds for itself is not. */
function projectFunctions(stage: string, stack: DeployedStack): Array<{ name: FunctionName; fn: DeployedFunction }> {
  return stack.functions.flatMap((fn) => {
    const name = functionNames.find((candidate) => functionNameOf(stage, candidate) === fn.configuration.FunctionName);
    return name ? [{ name, fn }] : [];
  });
}

/** A friend request made at the vendor itself, not through a function. */
async function vendorRequest(emulator: NcloudEmulator, pair: { userId: string; friendId: string }): Promise<void> {
  const answer = await fetch(`${emulator.baseUrl}/friendship/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'x-project-id': PROJECT_ID },
    body: JSON.stringify(pair),
  });
  expect(answer.status).toBe(200);
  await answer.arrayBuffer();
}
