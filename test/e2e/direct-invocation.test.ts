/**
 * Direct invocation of every operation through the typed client and the real
 * @aws-sdk/client-lambda, against the local Lambda Invoke API: what a game
 * server or a job does with `lambda:InvokeFunction`. The functions are the same
 * containers the HTTP API uses, so the two see the same friendships.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { FriendshipClient, FriendshipError } from '@friendship-bff/client';
import { operationNames, type OperationName } from '../../functions/operations.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { rejectionOf } from '../support/rejection.js';
import { Api, only, rowsOf } from '../support/http.js';

let stack: LocalStack;
let lambda: LambdaClient;
let client: FriendshipClient;

const names = Object.fromEntries(operationNames.map((name) => [name, name])) as Record<OperationName, string>;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, functionLogs: false });
  lambda = new LambdaClient({ endpoint: stack.url, region: 'ap-northeast-2', credentials: stack.credentials });
  client = new FriendshipClient({ functionNames: names, lambda });
});

afterAll(async () => {
  lambda?.destroy();
  await stack?.stop();
});

const failure = (pending: Promise<unknown>) => rejectionOf(pending, FriendshipError);

const upstreamRequests = () => stack.emulator!.requests.length;

describe('every operation through the typed client', () => {
  const A = 'svc_alice1';
  const B = 'svc_bob001';

  it('requestFriend', async () => {
    const before = upstreamRequests();
    const result = await client.requestFriend({ userId: A, friendId: B, message: 'from the game server' });
    expect(result.friendship).toMatchObject({ status: 'requested', user_id: A, friend_id: B, message: 'from the game server' });
    expect(stack.emulator!.requests.slice(before)).toEqual([expect.objectContaining({ body: { userId: A, friendId: B, message: 'from the game server' } })]);
  });

  it('listFriendships, by status', async () => {
    expect(await client.listFriendships({ userId: A, status: 'requested' })).toEqual([expect.objectContaining({ status: 'requested', user_id: A, friend_id: B })]);
    expect(await client.listFriendships({ userId: B, status: 'pending' })).toEqual([expect.objectContaining({ status: 'pending', user_id: B, friend_id: A })]);
    expect(await client.listFriendships({ userId: A })).toEqual([]);
  });

  it('acceptFriend', async () => {
    const result = await client.acceptFriend({ userId: B, friendId: A });
    expect(result.friendship).toMatchObject({ status: 'accepted', user_id: B, friend_id: A });
    expect(await client.listFriendships({ userId: A, status: 'accepted', limit: 10, offset: 0 })).toEqual([expect.objectContaining({ friend_id: B })]);
  });

  it('endFriendship', async () => {
    const result = await client.endFriendship({ userId: A, friendId: B });
    expect(result.friendship).toMatchObject({ status: 'deleted', user_id: A, friend_id: B });
    for (const userId of [A, B]) {
      for (const status of ['requested', 'pending', 'accepted', 'rejected'] as const) {
        expect(await client.listFriendships({ userId, status })).toEqual([]);
      }
    }
  });

  it('rejectFriend', async () => {
    await client.requestFriend({ userId: B, friendId: A });
    const result = await client.rejectFriend({ userId: A, friendId: B });
    expect(result.friendship).toMatchObject({ status: 'rejected', user_id: A, friend_id: B });
    expect(await client.listFriendships({ userId: B, status: 'rejected' })).toEqual([expect.objectContaining({ friend_id: A })]);
  });

  it('bulkAddFriendships', async () => {
    const pairs = [
      { userId: 'svc_carol1', friendId: 'svc_dave01' },
      { userId: 'svc_carol1', friendId: 'svc_erin01' },
    ];
    expect(await client.bulkAddFriendships(pairs)).toEqual({ added: pairs });
    const friends = await client.listFriendships({ userId: 'svc_carol1', status: 'accepted' });
    expect(friends.map((row) => row.friend_id).sort()).toEqual(['svc_dave01', 'svc_erin01']);
    expect(await client.listFriendships({ userId: 'svc_erin01', status: 'accepted' })).toEqual([expect.objectContaining({ friend_id: 'svc_carol1' })]);
  });
});

describe('errors come back as FriendshipError with the status and code an HTTP caller gets', () => {
  it.each([
    ['a request to yourself → 400 SELF_FRIENDSHIP', () => client.requestFriend({ userId: 'svc_frank1', friendId: 'svc_frank1' }), 400, 'SELF_FRIENDSHIP'],
    ['a bad friend id → 400 INVALID_ID', () => client.acceptFriend({ userId: 'svc_frank1', friendId: 'x!' }), 400, 'INVALID_ID'],
    ['a message over 256 characters → 400 MESSAGE_TOO_LONG', () => client.requestFriend({ userId: 'svc_frank1', friendId: 'svc_gina01', message: 'm'.repeat(257) }), 400, 'MESSAGE_TOO_LONG'],
    ['a limit over 100 → 400 INVALID_PAGING', () => client.listFriendships({ userId: 'svc_frank1', limit: 101 }), 400, 'INVALID_PAGING'],
    ['the same bulk pair twice → 400 DUPLICATE_PAIRS', () => client.bulkAddFriendships([{ userId: 'svc_frank1', friendId: 'svc_gina01' }, { userId: 'svc_frank1', friendId: 'svc_gina01' }]), 400, 'DUPLICATE_PAIRS'],
  ] as const)('%s, nothing reaches the upstream', async (_title, call, status, code) => {
    const before = upstreamRequests();
    const error = await failure(call());
    expect({ status: error.status, code: error.code }).toEqual({ status, code });
    expect(error.requestId).toEqual(expect.any(String));
    expect(upstreamRequests()).toBe(before);
  });

  it('a direct invocation must name the acting player: 400 MISSING_FIELD', async () => {
    // The typed client requires userId; a hand-written payload may still leave it out.
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'request-friend', Payload: JSON.stringify({ friendId: 'svc_gina01' }) }));
    expect(output.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(output.Payload!).toString('utf8'))).toEqual({
      ok: false,
      error: { status: 400, code: 'MISSING_FIELD', message: expect.stringMatching(/userId/), requestId: expect.any(String) },
    });
  });

  it("the vendor's refusal: 400 UPSTREAM_REJECTED with its words", async () => {
    const error = await failure(client.acceptFriend({ userId: 'svc_frank1', friendId: 'svc_gina01' }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: 'UPSTREAM_REJECTED' });
    expect(error.message).toMatch(/no pending request/);
  });

  it('an upstream failure: 502 UPSTREAM_ERROR', async () => {
    stack.emulator!.inject({ fault: { kind: 'http-status', status: 500 }, times: 1 });
    const error = await failure(client.requestFriend({ userId: 'svc_frank1', friendId: 'svc_hank01' }));
    expect({ status: error.status, code: error.code }).toEqual({ status: 502, code: 'UPSTREAM_ERROR' });
  });
});

describe('the local Lambda Invoke API', () => {
  it('resolves deployed names and ARNs to the local functions', async () => {
    const deployed = new FriendshipClient({
      functionNames: Object.fromEntries(
        operationNames.map((name) => [name, `arn:aws:lambda:ap-northeast-2:000000000000:function:FriendshipBff-${name}:live`]),
      ) as Record<OperationName, string>,
      lambda,
    });
    expect(await deployed.listFriendships({ userId: 'svc_alice1', status: 'rejected' })).toEqual([expect.objectContaining({ friend_id: 'svc_bob001' })]);
  });

  it('answers an unknown function with ResourceNotFoundException', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'no-such-function', Payload: '{}' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('an unknown function name is a FriendshipError, 502 INTERNAL naming the function, with the SDK error as its cause', async () => {
    const misnamed = new FriendshipClient({ functionNames: { ...names, 'accept-friend': 'FriendshipBff-no-such-function' }, lambda });
    const error = await failure(misnamed.acceptFriend({ userId: 'svc_alice1', friendId: 'svc_bob001' }));
    expect({ status: error.status, code: error.code, requestId: error.requestId }).toEqual({ status: 502, code: 'INTERNAL', requestId: undefined });
    expect(error.message).toContain('FriendshipBff-no-such-function (accept-friend)');
    expect(error.cause).toMatchObject({ name: 'ResourceNotFoundException', $metadata: expect.objectContaining({ httpStatusCode: 404 }) });
    // The other functions are still reached.
    expect(await misnamed.listFriendships({ userId: 'svc_alice1', status: 'rejected' })).toEqual([expect.objectContaining({ friend_id: 'svc_bob001' })]);
  });

  it('is found through AWS_ENDPOINT_URL_LAMBDA, as the banner says', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_LAMBDA;
    process.env.AWS_ENDPOINT_URL_LAMBDA = stack.url;
    const fromEnv = new LambdaClient({ region: 'ap-northeast-2', credentials: stack.credentials });
    try {
      const viaEnv = new FriendshipClient({ functionNames: names, lambda: fromEnv });
      expect(await viaEnv.listFriendships({ userId: 'svc_bob001', status: 'rejected' })).toEqual([expect.objectContaining({ friend_id: 'svc_alice1' })]);
    } finally {
      fromEnv.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_LAMBDA;
      else process.env.AWS_ENDPOINT_URL_LAMBDA = saved;
    }
  });

  it('takes an asynchronous (Event) invocation with 202, and runs it', async () => {
    const output = await lambda.send(
      new InvokeCommand({ FunctionName: 'request-friend', InvocationType: 'Event', Payload: JSON.stringify({ userId: 'svc_ivan01', friendId: 'svc_judy01' }) }),
    );
    expect(output.StatusCode).toBe(202);
    let rows: unknown[] = [];
    for (let tries = 0; tries < 50 && rows.length === 0; tries += 1) {
      rows = await client.listFriendships({ userId: 'svc_judy01', status: 'pending' });
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(rows).toEqual([expect.objectContaining({ friend_id: 'svc_ivan01' })]);
  });
});

describe('direct invocation and the HTTP API share one state', () => {
  it('a friendship added directly is what the players see over HTTP, and the other way round', async () => {
    const api = new Api(stack);
    const [kate, liam] = await Promise.all([api.player('svc_kate01'), api.player('svc_liam01')]);
    await client.bulkAddFriendships([{ userId: kate.id, friendId: liam.id }]);
    expect(await kate.everything()).toEqual(only('accepted', liam.id));
    expect((await liam.end(kate.id)).status).toBe(200);
    expect(await client.listFriendships({ userId: kate.id, status: 'accepted' })).toEqual([]);
    expect(rowsOf(await kate.list())).toEqual([]);
  });
});
