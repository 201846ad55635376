/**
 * The built bundles against moto's Secrets Manager (AWS_ENDPOINT_URL_SECRETS_MANAGER
 * set to moto): a secret read by ARN and by name, no call when warm (counted by
 * moto's recorder), rotation with PutSecretValue healed by one re-read, a version
 * staged AWSPENDING never served, and a secret that is missing, scheduled for
 * deletion, binary-only or malformed, and a read IAM denies. Slow, dropped and failing connections,
 * which moto cannot play, stay with our own endpoint (test/functions/bundle-upstream.test.ts).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { functionEnvironment } from '../../functions/core/config.js';
import type { OperationName } from '../../functions/operations.js';
import type { FunctionContainer } from '../../local/function-container.js';
import { NcloudEmulator } from '../../local/ncloud-emulator.js';
import { callOperation, functionEnv, httpEvent, startContainer } from '../support/fixtures.js';
import { MotoServer, targetOf } from '../support/moto-server.js';
import { gateOnTools } from '../support/required-tool.js';

const gate = await gateOnTools("the bundles against moto's Secrets Manager (test/rehearsal/moto-secrets.test.ts)", ['moto_server']);

const PROJECT_ID = 'moto-project-5c';
const KEY = 'moto-key-first-8Jd2Lq';
const ROTATED_KEY = 'moto-key-rotated-4Hs7Wn';
const PENDING_KEY = 'moto-key-pending-1Kx5Ra';
const credentials = (apiKey: string) => JSON.stringify({ apiKey, projectId: PROJECT_ID });

gate.describe("the bundles against moto's Secrets Manager", () => {
  let moto: MotoServer;
  let emulator: NcloudEmulator;
  let secrets: SecretsManagerClient;
  let counter = 0;
  const started: FunctionContainer[] = [];
  const answers: string[] = [];

  beforeAll(async () => {
    emulator = new NcloudEmulator({ apiKey: KEY, projectId: PROJECT_ID });
    [moto] = await Promise.all([MotoServer.start(), emulator.start()]);
    secrets = new SecretsManagerClient(moto.clientConfig);
  });

  afterAll(async () => {
    // No key, in any version, in any log line or answer of the suite.
    const logs = started.flatMap((container) => container.logs).join('\n');
    for (const key of [KEY, ROTATED_KEY, PENDING_KEY]) {
      expect(logs).not.toContain(key);
      expect(answers.join('\n')).not.toContain(key);
    }
    await Promise.all(started.map((container) => container.stop()));
    await Promise.all([moto?.stop(), emulator?.stop()]);
  });

  /** A fresh secret of its own for each test: its name and complete ARN. */
  async function secret(value: { SecretString: string } | { SecretBinary: Uint8Array }) {
    counter += 1;
    const created = await secrets.send(new CreateSecretCommand({ Name: `friendship-bff/moto-${counter}/upstream`, ...value }));
    return { name: created.Name!, arn: created.ARN! };
  }

  async function container(name: OperationName, secretId: string, extra: Record<string, string> = {}) {
    const fresh = await startContainer(name, functionEnv({ emulator, secrets: moto }, { ...functionEnvironment({ secretId }), ...extra }));
    started.push(fresh);
    return fresh;
  }

  const call = (target: FunctionContainer, name: OperationName, options: Parameters<typeof httpEvent>[1]) => callOperation(target, name, options, answers);

  /** The GetSecretValue calls moto received since the last startRecording. */
  const secretReads = async () => (await moto.recordedCalls()).filter((recorded) => targetOf(recorded) === 'secretsmanager.GetSecretValue').length;
  const keysSent = (from: number) => emulator.requests.slice(from).map((sent) => sent.headers['x-api-key']);
  const logLines = (target: FunctionContainer) => target.logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

  it.each([
    ['its complete ARN', (created: { arn: string }) => created.arn],
    ['its ARN without the suffix', (created: { arn: string }) => created.arn.slice(0, -7)],
    ['its name', (created: { name: string }) => created.name],
  ])('reads the secret by %s', async (_title, idOf) => {
    emulator.apiKey = KEY;
    const created = await secret({ SecretString: credentials(KEY) });
    const list = await container('list-friendships', idOf(created));
    const before = emulator.requests.length;
    expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    expect(keysSent(before)).toEqual([KEY]);
  });

  it('reads once on a cold start and never when warm', async () => {
    emulator.apiKey = KEY;
    const created = await secret({ SecretString: credentials(KEY) });
    const list = await container('list-friendships', created.arn);
    await moto.startRecording();
    expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    expect(await secretReads()).toBe(1);
    for (let i = 0; i < 10; i += 1) expect((await call(list, 'list-friendships', { playerId: 'alice_01' })).status).toBe(200);
    expect(await secretReads()).toBe(1);
  });

  it('heals a key rotated with PutSecretValue: the old key is rejected, the secret re-read once, the call answered', async () => {
    emulator.apiKey = KEY;
    const created = await secret({ SecretString: credentials(KEY) });
    const request = await container('request-friend', created.arn);
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'rot_0001' } })).status).toBe(200);

    await secrets.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: credentials(ROTATED_KEY) }));
    emulator.apiKey = ROTATED_KEY;
    await moto.startRecording();
    const before = emulator.requests.length;
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'rot_0002' } })).status).toBe(200);
    expect(keysSent(before)).toEqual([KEY, ROTATED_KEY]);
    expect(await secretReads()).toBe(1);
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'rot_0003' } })).status).toBe(200);
    expect(await secretReads()).toBe(1);
  });

  it('never serves a version staged AWSPENDING, not even on the re-read after a rejected key', async () => {
    emulator.apiKey = KEY;
    const created = await secret({ SecretString: credentials(KEY) });
    await secrets.send(new PutSecretValueCommand({ SecretId: created.arn, SecretString: credentials(PENDING_KEY), VersionStages: ['AWSPENDING'] }));
    const request = await container('request-friend', created.arn);
    const before = emulator.requests.length;
    expect((await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'pen_0001' } })).status).toBe(200);

    // Midway through a rotation the vendor already wants the pending key: the function re-reads AWSCURRENT only.
    emulator.apiKey = PENDING_KEY;
    await moto.startRecording();
    const refused = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'pen_0002' } });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 502, code: 'UPSTREAM_AUTH' });
    expect(await secretReads()).toBe(1);
    expect(keysSent(before)).toEqual([KEY, KEY, KEY]);
  });

  it.each([
    ['missing', async () => ({ id: 'friendship-bff/moto-missing/upstream' }), 'ResourceNotFoundException'],
    [
      'scheduled for deletion',
      async () => {
        const created = await secret({ SecretString: credentials(KEY) });
        await secrets.send(new DeleteSecretCommand({ SecretId: created.arn, RecoveryWindowInDays: 7 }));
        return { id: created.arn };
      },
      'InvalidRequestException',
    ],
  ])('a secret that is %s is 503 SECRET_UNAVAILABLE, the log naming the fault, and no vendor call', async (_title, prepare, errorName) => {
    const { id } = await prepare();
    const request = await container('request-friend', id);
    const before = emulator.requests.length;
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'gone_001' } });
    expect({ status: answer.status, code: answer.body.code, retryAfter: answer.headers['retry-after'] }).toEqual({ status: 503, code: 'SECRET_UNAVAILABLE', retryAfter: '1' });
    expect(logLines(request)).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'secret unavailable', errorName }));
    expect(emulator.requests.length).toBe(before);
  });

  it("a read IAM denies is 503 SECRET_UNAVAILABLE, and the log gives the 403 though the SDK cannot parse moto's XML answer", async () => {
    // A moto of its own that enforces IAM after the three calls that set it up: a secret, a user, the user's key.
    const strict = await MotoServer.start({ INITIAL_NO_AUTH_ACTION_COUNT: '3' });
    try {
      const setup = moto.clientConfig;
      const created = await new SecretsManagerClient({ ...setup, endpoint: strict.url }).send(new CreateSecretCommand({ Name: 'friendship-bff/moto-denied/upstream', SecretString: credentials(KEY) }));
      const iam = new IAMClient({ ...setup, endpoint: strict.url });
      await iam.send(new CreateUserCommand({ UserName: 'friendship-function' }));
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'friendship-function' }));
      // The user has no policy: its GetSecretValue is denied.
      const request = await container('request-friend', created.ARN!, {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: strict.url,
        AWS_ACCESS_KEY_ID: AccessKey!.AccessKeyId!,
        AWS_SECRET_ACCESS_KEY: AccessKey!.SecretAccessKey!,
      });
      const before = emulator.requests.length;
      const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'deny_001' } });
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 503, code: 'SECRET_UNAVAILABLE' });
      expect(logLines(request)).toContainEqual(expect.objectContaining({ level: 'ERROR', message: 'secret unavailable', errorName: 'SyntaxError', httpStatus: 403 }));
      expect(emulator.requests.length).toBe(before);
    } finally {
      await strict.stop();
    }
  });

  it.each([
    ['binary-only', { SecretBinary: new TextEncoder().encode(credentials(KEY)) }, /string value|SecretString/],
    ['without a projectId', { SecretString: JSON.stringify({ apiKey: KEY }) }, /projectId/],
    ['not JSON', { SecretString: `${KEY} and more` }, /JSON/],
  ])('a secret that is %s is 500 SECRET_MALFORMED, saying what is wrong without quoting it, and no vendor call', async (_title, value, says) => {
    const created = await secret(value);
    const request = await container('request-friend', created.arn);
    const before = emulator.requests.length;
    const answer = await call(request, 'request-friend', { playerId: 'alice_01', body: { friendId: 'bad_0001' } });
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 500, code: 'SECRET_MALFORMED' });
    expect(answer.body.message).toMatch(says);
    expect(emulator.requests.length).toBe(before);
  });
});
