/**
 * `npm start` against a real vendor: with UPSTREAM_BASE_URL and the vendor's key
 * and project id in the environment, the local API proxies there instead of
 * starting its emulator. A second emulator on loopback stands in for the vendor.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalConfigError, startLocalStack, type LocalStack } from '../../local/stack.js';
import { NcloudEmulator } from '../../local/ncloud-emulator.js';
import { send } from '../support/http.js';

const VENDOR_KEY = 'vendor-key-Kq83Ls0Pz1';
const VENDOR_PROJECT = 'vendor-project-55c1';

let vendor: NcloudEmulator;
let stack: LocalStack;

beforeAll(async () => {
  vendor = new NcloudEmulator({ apiKey: VENDOR_KEY, projectId: VENDOR_PROJECT });
  await vendor.start();
  stack = await startLocalStack({
    port: 0,
    quiet: true,
    functionLogs: false,
    env: { UPSTREAM_BASE_URL: vendor.baseUrl, UPSTREAM_API_KEY: VENDOR_KEY, UPSTREAM_PROJECT_ID: VENDOR_PROJECT },
  });
});

afterAll(async () => {
  await stack?.stop();
  await vendor?.stop();
});

describe('the real-upstream mode', () => {
  it('starts no emulator of its own and sends each call to the vendor, with the key from its Secrets Manager endpoint', async () => {
    expect(stack.emulator).toBeUndefined();
    expect(stack.upstreamBaseUrl).toBe(vendor.baseUrl);
    const { token } = (await send(stack.url, 'POST', '/local/session', { json: { playerId: 'proxy_alice' } })).body as { token: string };
    const sent = await send(stack.url, 'POST', '/v1/api/friendship/request', { token, json: { friendId: 'proxy_bob01' } });
    expect(sent.status).toBe(200);
    expect(vendor.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/api/friendship/request',
        body: { userId: 'proxy_alice', friendId: 'proxy_bob01' },
        headers: expect.objectContaining({ 'x-api-key': VENDOR_KEY, 'x-project-id': VENDOR_PROJECT }),
      }),
    ]);
  });

  it('refuses to start with UPSTREAM_BASE_URL but no key, rather than quietly using the emulator', async () => {
    await expect(startLocalStack({ port: 0, quiet: true, env: { UPSTREAM_BASE_URL: vendor.baseUrl } })).rejects.toThrow(LocalConfigError);
    await expect(startLocalStack({ port: 0, quiet: true, env: { UPSTREAM_BASE_URL: vendor.baseUrl, UPSTREAM_API_KEY: VENDOR_KEY } })).rejects.toThrow(/UPSTREAM_PROJECT_ID/);
  });
});
