/** `npm run build`: bundles every function into dist/<name>/index.mjs with the shared options. */
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleFile, bundleOptions, distDir, entryOf, functionNames, projectRoot } from '../lib/bundling.js';

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

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  await buildBundles();
  console.log(`built ${functionNames.length} bundles into dist/ in ${Date.now() - started} ms`);
}
