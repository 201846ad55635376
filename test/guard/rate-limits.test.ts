/**
 * The player guard's rate limits, in process, against a real DynamoDB-compatible
 * server (dynalite on loopback) through the real @aws-sdk/client-dynamodb client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { rateBucketKey } from '../../functions/core/guard-keys.js';
import { startInProcess, type Answer, type InProcess } from '../support/in-process.js';

let handlers: InProcess;
let reader: DynamoDBClient;
let players = 0;
/** A player no other test has used, so every test starts with full buckets. */
const newPlayer = (prefix = 'rl') => `${prefix}_${process.pid}_${(players += 1)}`;

beforeAll(async () => {
  handlers = await startInProcess({ guard: true });
  reader = new DynamoDBClient({ endpoint: handlers.guardStore!.url, region: 'ap-northeast-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  reader?.destroy();
  await handlers?.stop();
});

const vendorRequests = () => handlers.upstreams.emulator.requests.length;
const statuses = (answers: Answer[]) => answers.map((answer) => answer.status);
const request = (playerId: string, friendId: string, env?: Record<string, string>) => handlers.call('request-friend', { playerId, body: { friendId } }, env);
const list = (playerId: string, env?: Record<string, string>) => handlers.call('list-friendships', { playerId }, env);

async function bucketTat(playerId: string, limit: string): Promise<string | undefined> {
  const { pk, sk } = rateBucketKey(playerId, limit);
  const reply = await reader.send(new GetItemCommand({ TableName: handlers.guardStore!.tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }));
  return reply.Item?.tat?.N;
}

function expectRateLimited(answer: Answer): void {
  expect(answer.status).toBe(429);
  expect(answer.body).toMatchObject({ status: -1, code: 'RATE_LIMITED' });
  expect(answer.headers['retry-after']).toMatch(/^[1-9]\d*$/);
}

describe('friend requests: 10 per minute per player by default', () => {
  it('the eleventh in a minute is 429 RATE_LIMITED with Retry-After, never reaches the vendor, and another player is unaffected', async () => {
    const player = newPlayer();
    const first = [];
    for (let i = 0; i < 10; i += 1) first.push(await request(player, `friend_${i}_${player}`));
    expect(statuses(first)).toEqual(Array(10).fill(200));
    const before = vendorRequests();
    const eleventh = await request(player, `friend_10_${player}`);
    expectRateLimited(eleventh);
    // One token refills every 6 s.
    expect(Number(eleventh.headers['retry-after'])).toBeLessThanOrEqual(6);
    expect(vendorRequests()).toBe(before);
    expect((await request(newPlayer(), `friend_x_${player}`)).status).toBe(200);
  });

  it('at most 3 a day to the same player, whatever the letter case of its id', async () => {
    const player = newPlayer();
    const target = `Target_${player}`;
    const answers = [];
    for (const friendId of [target, target.toLowerCase(), target.toUpperCase()]) answers.push(await request(player, friendId));
    expect(statuses(answers)).not.toContain(429);
    expectRateLimited(await request(player, target));
    // Another target is still open.
    expect((await request(player, `other_${player}`)).status).toBe(200);
  });
});

describe('concurrent calls cannot overshoot', () => {
  // The longest store deadline: on a busy machine these races test counting, not the store's speed.
  const patient = { GUARD_TIMEOUT_MS: '5000' };

  it('of 24 calls racing past a limit of 7, exactly 7 succeed', async () => {
    const player = newPlayer();
    const env = { ...patient, LIMIT_LISTS_PER_MINUTE: '7' };
    const answers = await Promise.all(Array.from({ length: 24 }, () => list(player, env)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(7);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused).toHaveLength(17);
    for (const answer of refused) expectRateLimited(answer);
  });

  it('of 15 friend requests racing at once, exactly 10 succeed', async () => {
    const player = newPlayer();
    const answers = await Promise.all(Array.from({ length: 15 }, (_unused, i) => request(player, `race_${i}_${player}`, patient)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(5);
  });
});

describe('a refused call does not count', () => {
  it('refusals leave the bucket as it was', async () => {
    const player = newPlayer();
    const env = { LIMIT_LISTS_PER_MINUTE: '2' };
    expect(statuses([await list(player, env), await list(player, env)])).toEqual([200, 200]);
    const full = await bucketTat(player, 'listsPerMinute');
    for (let i = 0; i < 3; i += 1) expectRateLimited(await list(player, env));
    expect(await bucketTat(player, 'listsPerMinute')).toBe(full);
  });

  it('a call refused by one limit gives back what it took from the others', async () => {
    const player = newPlayer();
    const env = { LIMIT_FRIEND_REQUESTS_PER_DAY: '2' };
    expect(statuses([await request(player, `a_${player}`, env), await request(player, `b_${player}`, env)])).toEqual([200, 200]);
    const perMinute = await bucketTat(player, 'friendRequestsPerMinute');
    expectRateLimited(await request(player, `c_${player}`, env));
    expect(await bucketTat(player, 'friendRequestsPerMinute')).toBe(perMinute);
  });
});

describe('what the guard leaves alone', () => {
  it('a limit of 0 is off: no store call at all', async () => {
    const player = newPlayer();
    const calls = handlers.guardStore!.calls;
    const answers = await Promise.all(Array.from({ length: 5 }, () => list(player, { LIMIT_LISTS_PER_MINUTE: '0' })));
    expect(statuses(answers)).toEqual(Array(5).fill(200));
    expect(handlers.guardStore!.calls).toBe(calls);
  });

  it('GUARD_ENABLED=false turns the whole guard off', async () => {
    const player = newPlayer();
    const calls = handlers.guardStore!.calls;
    const answers = await Promise.all(Array.from({ length: 3 }, () => list(player, { GUARD_ENABLED: 'false', LIMIT_LISTS_PER_MINUTE: '1' })));
    expect(statuses(answers)).toEqual([200, 200, 200]);
    expect(handlers.guardStore!.calls).toBe(calls);
  });

  it('trusted callers (direct invocation) are not rate limited', async () => {
    const player = newPlayer();
    const results = [];
    for (let i = 0; i < 12; i += 1) results.push(await handlers.invoke('request-friend', { userId: player, friendId: `direct_${i}_${player}` }));
    expect(results.every((result) => (result as { ok: boolean }).ok)).toBe(true);
  });
});

describe('the store failing or slow: fail closed', () => {
  it('a store that is down answers 503 GUARD_UNAVAILABLE with Retry-After, and nothing goes upstream', async () => {
    const before = vendorRequests();
    handlers.guardStore!.fault = { kind: 'down' };
    try {
      const answer = await request(newPlayer(), 'someone_else');
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'GUARD_UNAVAILABLE' });
      expect(answer.headers['retry-after']).toBe('1');
    } finally {
      handlers.guardStore!.fault = undefined;
    }
    expect(vendorRequests()).toBe(before);
  });

  it('a slow store is cut off at its deadline (GUARD_TIMEOUT_MS, or less if the invocation has less left)', async () => {
    const before = vendorRequests();
    const delayMs = 10_000;
    handlers.guardStore!.fault = { kind: 'delay', ms: delayMs };
    try {
      const started = Date.now();
      const byTimeout = await request(newPlayer(), 'someone_else', { GUARD_TIMEOUT_MS: '300' });
      const byInvocation = await handlers.call('request-friend', { playerId: newPlayer(), body: { friendId: 'someone_else' } }, undefined, { getRemainingTimeInMillis: () => 700 });
      expect([byTimeout.status, byInvocation.status]).toEqual([503, 503]);
      expect([byTimeout.body.code, byInvocation.body.code]).toEqual(['GUARD_UNAVAILABLE', 'GUARD_UNAVAILABLE']);
      // Long before the store would have answered either.
      expect(Date.now() - started).toBeLessThan(delayMs);
    } finally {
      handlers.guardStore!.fault = undefined;
    }
    expect(vendorRequests()).toBe(before);
  });
});
