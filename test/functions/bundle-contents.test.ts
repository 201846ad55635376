/**
 * What the shipped bundles hold, read from the files `npm run build` wrote and
 * esbuild's metafile: the cold-start levers stay in (see docs/performance.md),
 * and each bundle stays under the 400 KB budget.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { bundleFile, distDir, functionNames } from '../../lib/bundling.js';

const metaOf = (name: string) =>
  JSON.parse(readFileSync(path.join(distDir, name, 'meta.json'), 'utf8')) as { inputs: Record<string, { bytes: number }> };

describe.each(functionNames)('the %s bundle', (name) => {
  const inputs = Object.keys(metaOf(name).inputs);

  it('is at most 400 KB raw', () => {
    expect(statSync(bundleFile(name)).size).toBeLessThanOrEqual(400_000);
  });

  it("carries only the environment link of the SDK's credential chain, as Lambda provides it", () => {
    expect(inputs.some((input) => input.includes('functions/core/lambda-credentials.ts'))).toBe(true);
    expect(inputs.some((input) => input.includes('@aws-sdk/credential-provider-env'))).toBe(true);
    const unused = inputs.filter((input) => /credential-provider-(node|ini|sso|process|web-identity|http)|client-sso|nested-clients|credential-provider-imds/.test(input));
    expect(unused).toEqual([]);
  });

  it('uses zod/mini, and the SDK through its ESM entry', () => {
    expect(inputs.some((input) => input.includes('node_modules/zod/v4/mini'))).toBe(true);
    expect(inputs.filter((input) => input.includes('/dist-cjs/'))).toEqual([]);
  });

  it('has a source map with names and lines, without a copy of every source', () => {
    const map = JSON.parse(readFileSync(`${bundleFile(name)}.map`, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((source) => source.includes('functions/core/operation.ts') || source.includes('functions/core/gamepot-session.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });
});
