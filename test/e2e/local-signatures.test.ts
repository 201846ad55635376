/**
 * The local stand-ins of IAM (the bulk route) and of the Lambda Invoke API check
 * SigV4 for real, against the one local credential pair: a wrong secret, an
 * unknown key id, a body changed after signing, a date past the clock skew, a
 * signature for another service and a bare `Credential=` are refused the way AWS
 * refuses them, and none reaches a function or the vendor. A correct signature
 * in any region passes.
 */
import { describe, expect, it } from '@jest/globals';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_LOCAL_CREDENTIALS, LOCAL_CREDENTIAL_VARIABLES } from '../../local/local-credentials.js';
import { MAX_CLOCK_SKEW_MS } from '../../local/sigv4-verifier.js';
import { startLocalStack } from '../../local/stack.js';
import { send, type IamSigning, type SendOptions } from '../support/http.js';
import { localStackForFile } from '../support/local-stack.js';

const local = localStackForFile();

const WRONG_SECRET = { ...DEFAULT_LOCAL_CREDENTIALS, secretAccessKey: 'not-the-local-secret' };
const UNKNOWN_KEY = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: DEFAULT_LOCAL_CREDENTIALS.secretAccessKey };
const minutes = (count: number) => new Date(Date.now() + count * 60_000);

let pairs = 0;
const nextPair = () => {
  pairs += 1;
  return [{ userId: `sig_a${String(pairs).padStart(4, '0')}`, friendId: `sig_b${String(pairs).padStart(4, '0')}` }];
};

type Refused = [title: string, options: () => SendOptions];

const refusedOnBulk: Refused[] = [
  ['no signature at all', () => ({})],
  ['an empty `Credential=` header', () => ({ authorization: 'AWS4-HMAC-SHA256 Credential=' })],
  ['a well-formed header with a made-up signature', () => ({ authorization: `AWS4-HMAC-SHA256 Credential=${DEFAULT_LOCAL_CREDENTIALS.accessKeyId}/20250101/ap-northeast-2/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, headers: { 'x-amz-date': '20250101T000000Z' } })],
  ['the wrong secret', () => ({ iam: { credentials: WRONG_SECRET } })],
  ['an unknown access key id', () => ({ iam: { credentials: UNKNOWN_KEY } })],
  ['a body changed after signing (with its signed hash header)', () => ({ iam: { signedBody: JSON.stringify(nextPair()) } })],
  ['a body changed after signing (no hash header)', () => ({ iam: { signedBody: JSON.stringify(nextPair()), contentHashHeader: false } })],
  [`signed ${MAX_CLOCK_SKEW_MS / 60_000 + 1} minutes ago`, () => ({ iam: { signingDate: minutes(-(MAX_CLOCK_SKEW_MS / 60_000 + 1)) } })],
  [`signed ${MAX_CLOCK_SKEW_MS / 60_000 + 1} minutes ahead`, () => ({ iam: { signingDate: minutes(MAX_CLOCK_SKEW_MS / 60_000 + 1) } })],
  ['a signature for another service', () => ({ iam: { service: 'lambda' } })],
  ['a query parameter added after signing', () => ({ query: { extra: '1' }, iam: { signedTarget: '/v1/api/friendship/bulk' } })],
  ['another path than the one signed', () => ({ iam: { signedTarget: '/v1/api/friendship/request' } })],
];

describe('the bulk route (IAM)', () => {
  it.each(refusedOnBulk)("%s: API Gateway's 403 Forbidden, nothing reaches the vendor", async (_title, options) => {
    const before = local.api.upstreamRequests;
    const reply = await local.api.call('bulk-add-friendships', { json: nextPair(), ...options() });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 403, body: { message: 'Forbidden' } });
    expect(local.api.upstreamRequests).toBe(before);
  });

  it.each<[string, IamSigning]>([
    ['the local pair', {}],
    ['another region', { region: 'eu-west-1' }],
    ['a clock 4 minutes behind', { signingDate: minutes(-4) }],
    ['no hash header', { contentHashHeader: false }],
  ])('a correct signature with %s passes (the control)', async (_title, iam) => {
    const pairs = nextPair();
    const reply = await local.api.call('bulk-add-friendships', { json: pairs, iam });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: { added: pairs } });
  });

});

describe('the Lambda Invoke API', () => {
  const INVOKE = '/2015-03-31/functions/list-friendships/invocations';
  const payload = JSON.stringify({ userId: 'sig_alice01' });
  const invoker = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new LambdaClient({ endpoint: local.stack.url, region: 'ap-northeast-2', credentials, maxAttempts: 1 });

  it('the SDK with the local pair invokes (the control)', async () => {
    const client = invoker(DEFAULT_LOCAL_CREDENTIALS);
    try {
      const output = await client.send(new InvokeCommand({ FunctionName: 'list-friendships', Payload: payload }));
      expect(JSON.parse(Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8'))).toEqual({ ok: true, data: [] });
    } finally {
      client.destroy();
    }
  });

  it.each([
    ['the wrong secret', 'InvalidSignatureException', WRONG_SECRET],
    ['an unknown access key id', 'UnrecognizedClientException', UNKNOWN_KEY],
  ])('the SDK with %s: 403 %s', async (_title, type, credentials) => {
    const client = invoker(credentials);
    try {
      await expect(client.send(new InvokeCommand({ FunctionName: 'list-friendships', Payload: payload }))).rejects.toMatchObject({
        name: type,
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      client.destroy();
    }
  });

  it.each<[string, string, SendOptions]>([
    ['no signature at all', 'MissingAuthenticationTokenException', {}],
    ['an empty `Credential=` header', 'IncompleteSignatureException', { authorization: 'AWS4-HMAC-SHA256 Credential=' }],
    ['the wrong secret', 'InvalidSignatureException', { iam: { service: 'lambda', credentials: WRONG_SECRET } }],
    ['an unknown access key id', 'UnrecognizedClientException', { iam: { service: 'lambda', credentials: UNKNOWN_KEY } }],
    ['a body changed after signing', 'InvalidSignatureException', { iam: { service: 'lambda', signedBody: JSON.stringify({ userId: 'sig_other01' }), contentHashHeader: false } }],
    ['a date past the skew', 'InvalidSignatureException', { iam: { service: 'lambda', signingDate: minutes(-6) } }],
    ['a signature for execute-api', 'InvalidSignatureException', { iam: {} }],
  ])('%s: 403 with x-amzn-errortype %s and a JSON message, nothing invoked', async (_title, type, options) => {
    const before = local.api.upstreamRequests;
    const reply = await send(local.stack.url, 'POST', INVOKE, { raw: payload, ...options });
    expect(local.api.upstreamRequests).toBe(before);
    expect(reply.status).toBe(403);
    expect(reply.headers['x-amzn-errortype']).toBe(type);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ message: expect.any(String) });
  });

  it('a raw request signed for lambda with the local pair invokes', async () => {
    const reply = await send(local.stack.url, 'POST', INVOKE, { raw: payload, iam: { service: 'lambda' } });
    expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: { ok: true, data: [] } });
  });
});

describe(`${LOCAL_CREDENTIAL_VARIABLES.accessKeyId} and ${LOCAL_CREDENTIAL_VARIABLES.secretAccessKey}`, () => {
  it('replace the pair: signatures with the new one pass, with the default one are refused', async () => {
    const replaced = { accessKeyId: 'AKIAREPLACED00000000', secretAccessKey: 'another-local-secret' };
    const other = await startLocalStack({
      port: 0,
      quiet: true,
      functionLogs: false,
      env: { [LOCAL_CREDENTIAL_VARIABLES.accessKeyId]: replaced.accessKeyId, [LOCAL_CREDENTIAL_VARIABLES.secretAccessKey]: replaced.secretAccessKey },
    });
    try {
      expect(other.credentials).toEqual(replaced);
      const bulk = (iam: IamSigning) => send(other.url, 'POST', '/v1/api/friendship/bulk', { json: nextPair(), iam });
      expect((await bulk({ credentials: replaced })).status).toBe(200);
      expect((await bulk({ credentials: DEFAULT_LOCAL_CREDENTIALS })).status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});
