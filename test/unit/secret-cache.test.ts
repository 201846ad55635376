/** The secret cache's rules, with a reader and a clock under the test's control. */
import { describe, expect, it } from '@jest/globals';
import { Deadline } from '../../functions/core/deadline.js';
import { FriendshipFault } from '../../functions/core/errors.js';
import { SecretCache, parseSecret } from '../../functions/core/secret.js';

const secret = (apiKey: string) => JSON.stringify({ apiKey, projectId: 'project-1' });

function harness(values: Array<string | Error>, ttlMs = 1_000) {
  let now = 0;
  let reads = 0;
  const cache = new SecretCache(
    async () => {
      const value = values[Math.min(reads, values.length - 1)]!;
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (value instanceof Error) throw value;
      return value;
    },
    { ttlMs, timeoutMs: 500, now: () => now },
  );
  return { cache, reads: () => reads, advance: (ms: number) => (now += ms) };
}

const deadline = () => Deadline.fromContext(undefined);

describe('SecretCache', () => {
  it('shares one read among concurrent cold callers, then serves from memory', async () => {
    const h = harness([secret('k1')]);
    const all = await Promise.all(Array.from({ length: 50 }, () => h.cache.get(deadline())));
    expect(new Set(all.map((c) => c.apiKey))).toEqual(new Set(['k1']));
    await h.cache.get(deadline());
    expect(h.reads()).toBe(1);
  });

  it('reads again after the TTL', async () => {
    const h = harness([secret('k1'), secret('k2')]);
    await h.cache.get(deadline());
    h.advance(1_001);
    expect((await h.cache.get(deadline())).apiKey).toBe('k2');
  });

  it('keeps serving a stale key when a refresh fails, but not a rejected one', async () => {
    const h = harness([secret('k1'), new Error('down')]);
    await h.cache.get(deadline());
    h.advance(5_000);
    expect((await h.cache.get(deadline())).apiKey).toBe('k1');
    await expect(h.cache.refresh(deadline(), { apiKey: 'k1', projectId: 'project-1' })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
  });

  it('does not re-read for a key that another request already replaced', async () => {
    const h = harness([secret('k1'), secret('k2')]);
    const first = await h.cache.get(deadline());
    const fresh = await h.cache.refresh(deadline(), first);
    expect(fresh.apiKey).toBe('k2');
    expect((await h.cache.refresh(deadline(), first)).apiKey).toBe('k2');
    expect(h.reads()).toBe(2);
  });

  it('a cold failure is SECRET_UNAVAILABLE', async () => {
    await expect(harness([new Error('down')]).cache.get(deadline())).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });
  });

  it("passes on a reader's SECRET_MALFORMED (a binary-only secret) as it is, cold or with a stale key: no outage, no retry hint", async () => {
    const binaryOnly = () => new FriendshipFault('SECRET_MALFORMED', 'no string value');
    await expect(harness([binaryOnly()]).cache.get(deadline())).rejects.toMatchObject({ code: 'SECRET_MALFORMED', retryAfter: undefined });
    const h = harness([secret('k1'), binaryOnly()]);
    await h.cache.get(deadline());
    h.advance(5_000);
    await expect(h.cache.get(deadline())).rejects.toMatchObject({ code: 'SECRET_MALFORMED' });
  });
});

describe('parseSecret', () => {
  it('names the missing field and never the value', () => {
    expect(() => parseSecret('{"apiKey":"sekrit-value"}')).toThrow(/"projectId"/);
    expect(() => parseSecret('sekrit-value{')).toThrow(expect.objectContaining({ code: 'SECRET_MALFORMED', message: expect.not.stringContaining('sekrit') }));
  });
});
