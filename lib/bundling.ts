/**
 * The one definition of how a function is bundled: `npm run build` and the CDK
 * stack's NodejsFunction both read it, so what is tested is what ships.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { operationNames, type OperationName } from '../functions/operations.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type FunctionName = OperationName | 'gamepot-authorizer';
export const functionNames: readonly FunctionName[] = [...operationNames, 'gamepot-authorizer'];

export const entryOf = (name: FunctionName) => path.join(projectRoot, 'functions', `${name}.ts`);

/**
 * ESM for Node 22+, minified, with a source map, and with the AWS SDK bundled.
 * `module` first: the SDK's CJS entry crashes an ESM bundle ("Dynamic require of
 * node:https"); the banner gives `require` to dependencies that still call it.
 */
export const bundleOptions = {
  target: 'node22',
  format: 'esm',
  platform: 'node',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  // Cold start: the map keeps names and lines but not a second copy of every source.
  sourcesContent: false,
  // Cold start: Lambda's credentials are always in the environment (functions/core/lambda-credentials.ts).
  alias: { '@aws-sdk/credential-provider-node': './functions/core/lambda-credentials.ts' },
} as const;

/** The same options in esbuild's CLI form, for NodejsFunction's `esbuildArgs`. Relative paths resolve from the project root. */
export const esbuildCliArgs: Record<string, string> = {
  '--sources-content': String(bundleOptions.sourcesContent),
  ...Object.fromEntries(Object.entries(bundleOptions.alias).map(([from, to]) => [`--alias:${from}`, to])),
};

/** Where `npm run build` writes each function: dist/<name>/index.mjs. */
export const distDir = path.join(projectRoot, 'dist');
export const bundleFile = (name: string) => path.join(distDir, name, 'index.mjs');
