/** Bundles every function into dist/<name>/index.mjs with the shared options of lib/bundling.ts. */
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleFile, bundleOptions, distDir, entryOf, functionNames, projectRoot } from './bundling.js';

export async function buildBundles(): Promise<void> {
  await Promise.all(
    functionNames.map(async (name) => {
      const result = await build({
        ...bundleOptions,
        mainFields: [...bundleOptions.mainFields],
        banner: { js: bundleOptions.banner },
        alias: { ...bundleOptions.alias },
        absWorkingDir: projectRoot,
        entryPoints: [entryOf(name)],
        outfile: bundleFile(name),
        bundle: true,
        metafile: true,
        logLevel: 'warning',
      });
      await writeFile(path.join(distDir, name, 'meta.json'), JSON.stringify(result.metafile));
    }),
  );
}

/** The sources a bundle is built from; a change to any of them makes the bundles stale. */
export const bundleSources = [
  path.join(projectRoot, 'functions'),
  path.join(projectRoot, 'lib', 'bundling.ts'),
  path.join(projectRoot, 'lib', 'build-bundles.ts'),
  path.join(projectRoot, 'package-lock.json'),
];

/** True when a bundle is missing or older than the newest file among `sources`. */
export function bundlesAreStale(bundles: readonly string[] = functionNames.map(bundleFile), sources: readonly string[] = bundleSources): boolean {
  let oldestBundle = Infinity;
  for (const bundle of bundles) {
    const stat = statSync(bundle, { throwIfNoEntry: false });
    if (!stat) return true;
    oldestBundle = Math.min(oldestBundle, stat.mtimeMs);
  }
  const newest = (target: string): number => {
    const stat = statSync(target, { throwIfNoEntry: false });
    if (!stat) return 0;
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(0, ...readdirSync(target).map((entry) => newest(path.join(target, entry))));
  };
  return Math.max(...sources.map(newest)) > oldestBundle;
}
