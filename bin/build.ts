/** `npm run build`: bundles every function into dist/<name>/index.mjs (lib/build-bundles.ts). */
import { buildBundles } from '../lib/build-bundles.js';
import { functionNames } from '../lib/bundling.js';

const started = Date.now();
await buildBundles();
console.log(`built ${functionNames.length} bundles into dist/ in ${Date.now() - started} ms`);
