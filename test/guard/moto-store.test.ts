/**
 * The guard's store code (functions/core/guard-store.ts, rate-limit.ts) against a
 * second DynamoDB implementation, moto's, through the same @aws-sdk/client-dynamodb
 * client: the conditional updates mean the same there as on dynalite.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Deadline } from '../../functions/core/deadline.js';
import { rateBucketKey } from '../../functions/core/guard-keys.js';
import { GuardStore } from '../../functions/core/guard-store.js';
import { takeCall, type Bucket } from '../../functions/core/rate-limit.js';
import { guardTableKeySchema } from '../../local/guard-store-server.js';
import { MotoServer } from '../support/moto-server.js';
import { gateOnTools } from '../support/required-tool.js';

const gate = await gateOnTools("the guard store against moto's DynamoDB (test/guard/moto-store.test.ts)", ['moto_server']);

const TABLE = 'friendship-moto-guard';
let moto: MotoServer | undefined;
let client: DynamoDBClient;
let store: GuardStore;

gate.describe('the rate-limit buckets on moto', () => {
  beforeAll(async () => {
    moto = await MotoServer.start();
    client = new DynamoDBClient(moto.clientConfig);
    await client.send(new CreateTableCommand({ TableName: TABLE, BillingMode: 'PAY_PER_REQUEST', ...guardTableKeySchema }));
    store = new GuardStore(client, { tableName: TABLE, timeoutMs: 5_000 });
  }, 30_000);

  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });

  const deadline = () => Deadline.fromContext({ getRemainingTimeInMillis: () => 10_000 });
  const bucket = (player: string, limit: number): Bucket => ({ key: rateBucketKey(player, 'listsPerMinute'), limit, windowMs: 60_000 });

  it('of 12 calls racing past a limit of 5, exactly 5 are allowed, and the refused ones get a Retry-After of 1 to 12 s', async () => {
    const verdicts = await Promise.all(Array.from({ length: 12 }, (_unused, i) => takeCall(store, [bucket('moto_racer', 5)], `call-${i}`, deadline())));
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(5);
    for (const verdict of verdicts.filter((each) => !each.allowed)) expect(verdict).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    const waits = verdicts.flatMap((verdict) => (verdict.allowed ? [] : [verdict.retryAfterSeconds]));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1);
    // One call refills every 12 s.
    expect(Math.max(...waits)).toBeLessThanOrEqual(12);
  });

  it('a call refused by one bucket gives back what it took from the other', async () => {
    const roomy = bucket('moto_giver', 10);
    const tight: Bucket = { key: rateBucketKey('moto_giver', 'friendRequestsPerDay'), limit: 1, windowMs: 86_400_000 };
    expect(await takeCall(store, [roomy, tight], 'first', deadline())).toEqual({ allowed: true });
    const before = (await store.get(roomy.key, deadline()))?.tat;
    expect((await takeCall(store, [roomy, tight], 'second', deadline())).allowed).toBe(false);
    expect((await store.get(roomy.key, deadline()))?.tat).toBe(before);
  });
});
