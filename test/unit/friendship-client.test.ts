/**
 * The typed client with the real @aws-sdk/client-lambda against a tiny Lambda
 * Invoke endpoint on loopback that answers whatever the test sets: anything
 * that is not a friendship result becomes a FriendshipError naming the function.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { FriendshipClient, FriendshipError } from '@friendship-bff/client';
import { localCredentials } from '../support/local-credentials.js';
import { rejectionOf } from '../support/rejection.js';
import { operationNames, type OperationName } from '../../functions/operations.js';

interface Answer {
  body: string;
  /** Lambda's `X-Amz-Function-Error`: set when the function threw or was stopped. */
  functionError?: string;
  /** A refusal by the Lambda service itself: its HTTP status and `x-amzn-errortype`. */
  refusal?: { status: number; errorType: string };
}

let answer: Answer = { body: '' };
const invoked: string[] = [];
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    invoked.push(decodeURIComponent(req.url ?? ''));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
    if (answer.functionError) headers['x-amz-function-error'] = answer.functionError;
    if (answer.refusal) headers['x-amzn-errortype'] = answer.refusal.errorType;
    res.writeHead(answer.refusal?.status ?? 200, headers);
    res.end(answer.body);
  });
});

let lambda: LambdaClient;
let client: FriendshipClient;
const deployedName = (name: OperationName) => `FriendshipBff-${name}`;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'ap-northeast-2',
    credentials: localCredentials,
    maxAttempts: 1,
  });
  client = new FriendshipClient({
    functionNames: Object.fromEntries(operationNames.map((name) => [name, deployedName(name)])) as Record<OperationName, string>,
    lambda,
  });
});

afterAll(async () => {
  lambda.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const failure = (pending: Promise<unknown>) => rejectionOf(pending, FriendshipError);

const pair = { userId: 'svc_alice1', friendId: 'svc_bob001' };

describe('an answer that is no friendship result', () => {
  it.each<[string, Answer, RegExp]>([
    ['an empty payload', { body: '' }, /answered nothing/],
    ['a payload that is not JSON', { body: '<html>502 Bad Gateway</html>' }, /not JSON/],
    ['JSON null', { body: 'null' }, /not a friendship result/],
    ['an object that is not a result', { body: '{"hello":"world"}' }, /not a friendship result/],
    ['ok without data', { body: '{"ok":true}' }, /not a friendship result/],
    ['an error result without a code', { body: '{"ok":false,"error":{"status":500,"message":"x","requestId":"r-1"}}' }, /not a friendship result/],
    ['an error result whose status is not a number', { body: '{"ok":false,"error":{"status":"bad","code":"INTERNAL","message":"x"}}' }, /not a friendship result/],
    ['an error result with no error at all', { body: '{"ok":false}' }, /not a friendship result/],
    ['a function that threw', { body: '{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined","trace":[]}', functionError: 'Unhandled' }, /failed \(Unhandled\): Cannot read properties of undefined/],
    ['a function stopped at its timeout', { body: '{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 6.00 seconds"}', functionError: 'Unhandled' }, /Task timed out/],
    ['a function error with no payload', { body: '', functionError: 'Unhandled' }, /failed \(Unhandled\): an unhandled error/],
  ])('%s is 502 INTERNAL naming the function', async (_title, given, why) => {
    answer = given;
    const error = await failure(client.acceptFriend(pair));
    expect({ status: error.status, code: error.code }).toEqual({ status: 502, code: 'INTERNAL' });
    expect(error.message).toContain(deployedName('accept-friend'));
    expect(error.message).toMatch(why);
    expect(invoked.at(-1)).toContain(deployedName('accept-friend'));
  });
});

describe('a friendship result', () => {
  it('an error result is a FriendshipError with its status, code, message and request id', async () => {
    answer = { body: JSON.stringify({ ok: false, error: { status: 409, code: 'UPSTREAM_REJECTED', message: 'already friends', requestId: 'req-9' } }) };
    const error = await failure(client.requestFriend(pair));
    expect({ status: error.status, code: error.code, message: error.message, requestId: error.requestId }).toEqual({
      status: 409,
      code: 'UPSTREAM_REJECTED',
      message: 'already friends',
      requestId: 'req-9',
    });
  });

  it('a success is its data', async () => {
    answer = { body: JSON.stringify({ ok: true, data: [] }) };
    expect(await client.listFriendships({ userId: 'svc_alice1' })).toEqual([]);
  });
});

describe('a refusal by the Lambda service', () => {
  it('for an unknown function is a FriendshipError, 502 INTERNAL naming the function, with the SDK error as its cause', async () => {
    answer = { body: '{"Type":"User","message":"Function not found: arn:aws:lambda:ap-northeast-2:000000000000:function:FriendshipBff-accept-friend"}', refusal: { status: 404, errorType: 'ResourceNotFoundException' } };
    const error = await failure(client.acceptFriend(pair));
    expect({ status: error.status, code: error.code }).toEqual({ status: 502, code: 'INTERNAL' });
    expect(error.message).toContain(`${deployedName('accept-friend')} (accept-friend) does not exist`);
    expect(error.cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("for the caller's own permissions or rate stays the SDK's error, for the caller's retry and IAM handling", async () => {
    answer = { body: '{"Message":"User is not authorized to perform: lambda:InvokeFunction"}', refusal: { status: 403, errorType: 'AccessDeniedException' } };
    await expect(client.acceptFriend(pair)).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: expect.objectContaining({ httpStatusCode: 403 }) });
    await expect(client.acceptFriend(pair)).rejects.not.toBeInstanceOf(FriendshipError);
  });
});
