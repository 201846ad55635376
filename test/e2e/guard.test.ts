/**
 * The player guard end to end over the local stack: the built bundles reach the
 * embedded dynalite store through AWS_ENDPOINT_URL_DYNAMODB with the real
 * @aws-sdk/client-dynamodb client, as they reach DynamoDB in AWS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { Api, outcome } from '../support/http.js';

let stack: LocalStack;
let off: LocalStack;
let api: Api;
let offApi: Api;

beforeAll(async () => {
  [stack, off] = await Promise.all([
    startLocalStack({ port: 0, quiet: true, functionLogs: false }),
    startLocalStack({ port: 0, quiet: true, functionLogs: false, env: { ...process.env, GUARD_ENABLED: 'false' } }),
  ]);
  api = new Api(stack);
  offApi = new Api(off);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), off?.stop()]);
});

describe('npm start runs the guard on, with the default limits', () => {
  it('eleven friend requests in a minute from one player: the eleventh is 429 with Retry-After, and another player is unaffected', async () => {
    const [spammer, other] = await Promise.all([api.player('e2e_spammer'), api.player('e2e_calm01')]);
    const statuses = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await spammer.request(`e2e_target_${i}`)).status);
    expect(statuses).toEqual(Array(10).fill(200));
    const before = api.upstreamRequests;
    const eleventh = await spammer.request('e2e_target_10');
    expect(outcome(eleventh)).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect(eleventh.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(api.upstreamRequests).toBe(before);
    expect((await other.request('e2e_target_0')).status).toBe(200);
    expect(stack.guardStore?.calls).toBeGreaterThan(0);
  });

  it('GUARD_ENABLED=false npm start: no guard and no store', async () => {
    expect(off.guardStore).toBeUndefined();
    const player = await offApi.player('e2e_loadtest');
    const statuses = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await player.request(`e2e_load_${i}`)).status);
    expect(statuses).toEqual(Array(12).fill(200));
  });
});
