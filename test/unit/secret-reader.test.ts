/**
 * The Secrets Manager reader with the real SDK client against the loopback
 * GetSecretValue endpoint: every read gets its own share of the invocation's
 * time, whatever the first read had.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { secretsManagerReader } from '../../functions/core/secret.js';
import { SecretsManagerEndpoint } from '../../local/secrets-manager-endpoint.js';

const ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:reader-test-AbCdEf';
const SECRET = JSON.stringify({ apiKey: 'reader-test-key-4Fq9', projectId: 'reader-project' });
const SECRET_TIMEOUT_MS = 2_000;

const endpoint = new SecretsManagerEndpoint();
const environment = {
  AWS_ENDPOINT_URL_SECRETS_MANAGER: '',
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'AKIALOCALTESTING00000',
  AWS_SECRET_ACCESS_KEY: 'local-testing-secret-access-key',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await endpoint.start();
  endpoint.put(ARN, SECRET);
  environment.AWS_ENDPOINT_URL_SECRETS_MANAGER = endpoint.url;
  for (const [name, value] of Object.entries(environment)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await endpoint.stop();
});

async function timed<T>(work: Promise<T>): Promise<{ outcome: 'resolved' | 'rejected'; value?: T; ms: number }> {
  const started = Date.now();
  try {
    return { outcome: 'resolved', value: await work, ms: Date.now() - started };
  } catch {
    return { outcome: 'rejected', ms: Date.now() - started };
  }
}

describe('secretsManagerReader', () => {
  it('a cold first read with little time left does not cap the reads after it', async () => {
    const read = secretsManagerReader(ARN, SECRET_TIMEOUT_MS);
    endpoint.fault = { kind: 'delay', ms: 300 };
    const first = await timed(read(50));
    expect(first.outcome).toBe('rejected');
    expect(first.ms).toBeLessThan(250);

    // The SDK warns when a request outlives the client's requestTimeout: the first read's 50 ms must not be that timeout.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const second = await timed(read(1_500));
      expect(second).toMatchObject({ outcome: 'resolved', value: SECRET });
      expect(second.ms).toBeGreaterThanOrEqual(290);
      expect(warn.mock.calls.flat().map(String).join('\n')).not.toMatch(/requestTimeout/);
    } finally {
      warn.mockRestore();
      endpoint.fault = undefined;
    }
  });

  it('cuts each read at its own budget, below the configured deadline', async () => {
    const read = secretsManagerReader(ARN, SECRET_TIMEOUT_MS);
    expect(await read(1_500)).toBe(SECRET);
    endpoint.fault = { kind: 'delay', ms: 1_500 };
    try {
      const slow = await timed(read(200));
      expect(slow.outcome).toBe('rejected');
      expect(slow.ms).toBeLessThan(600);
    } finally {
      endpoint.fault = undefined;
    }
  });
});
