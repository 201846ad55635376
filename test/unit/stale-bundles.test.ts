/** `npm start` rebuilds the bundles when one is missing or a source is newer than the oldest bundle. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { bundlesAreStale } from '../../lib/build-bundles.js';

const root = mkdtempSync(path.join(tmpdir(), 'stale-bundles-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `file` with the given modification time, in seconds since the epoch. */
function touch(file: string, seconds: number): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  utimesSync(file, seconds, seconds);
  return file;
}

describe('bundlesAreStale', () => {
  const sources = path.join(root, 'functions');
  touch(path.join(sources, 'core', 'operation.ts'), 1_000);
  const lock = touch(path.join(root, 'package-lock.json'), 1_000);
  const bundles = [touch(path.join(root, 'dist', 'a', 'index.mjs'), 2_000), touch(path.join(root, 'dist', 'b', 'index.mjs'), 3_000)];

  it('is false when every bundle is newer than every source', () => {
    expect(bundlesAreStale(bundles, [sources, lock])).toBe(false);
  });

  it('is true when a bundle is missing', () => {
    expect(bundlesAreStale([...bundles, path.join(root, 'dist', 'c', 'index.mjs')], [sources, lock])).toBe(true);
  });

  it('is true when a source deep in a folder is newer than the oldest bundle, even if older than the newest', () => {
    const edited = touch(path.join(sources, 'core', 'secret.ts'), 2_500);
    expect(bundlesAreStale(bundles, [sources, lock])).toBe(true);
    utimesSync(edited, 1_500, 1_500);
    expect(bundlesAreStale(bundles, [sources, lock])).toBe(false);
  });

  it('is true when the lock file changed (a dependency was upgraded)', () => {
    utimesSync(lock, 4_000, 4_000);
    expect(bundlesAreStale(bundles, [sources, lock])).toBe(true);
  });
});
