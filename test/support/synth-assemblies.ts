/**
 * `node --import tsx test/support/synth-assemblies.ts <outdir> <specs JSON>`: synthesizes
 * each assembly of test/support/stage-assemblies.ts into <outdir>/<id>, as `cdk synth`
 * does (bin/app.ts's buildFriendshipApp, with the context the CLI adds).
 *
 * All of them are built in one process through one staging directory, so each
 * function is bundled once for every stage (CDK reuses a staged asset within a
 * process for the same output directory); each assembly is then copied out with
 * the assets its own manifest names.
 */
import { App } from 'aws-cdk-lib';
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildFriendshipApp } from '../../lib/friendship-app.js';
import { stageContext, type AssemblySpec } from './stage-assemblies.js';

/** What `cdk synth` adds to the app's context (aws-cdk's contextFromSettings, with its defaults). */
const CLI_CONTEXT = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};

const [outdir, specsJson] = process.argv.slice(2);
if (!outdir || !specsJson) throw new Error('usage: synth-assemblies.ts <outdir> <specs JSON>');
const specs = JSON.parse(specsJson) as AssemblySpec[];
const staging = path.join(outdir, '.staging');
await mkdir(staging, { recursive: true });

for (const spec of specs) {
  // The previous assembly's files go; its staged assets stay for the next one to reuse.
  for (const entry of await readdir(staging, { withFileTypes: true })) {
    if (!entry.name.startsWith('asset.')) await rm(path.join(staging, entry.name), { recursive: true, force: true });
  }
  const app = new App({ outdir: staging, context: { ...stageContext(spec.stage, spec.overrides), ...CLI_CONTEXT } });
  buildFriendshipApp(app);
  const assembly = app.synth();
  const target = path.join(outdir, spec.id);
  await mkdir(target, { recursive: true });
  const own = new Set<string>();
  for (const entry of await readdir(staging, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    own.add(entry.name);
    if (entry.name.endsWith('.assets.json')) {
      const manifest = JSON.parse(await readFile(path.join(staging, entry.name), 'utf8')) as { files?: Record<string, { source: { path: string } }> };
      for (const file of Object.values(manifest.files ?? {})) own.add(file.source.path);
    }
  }
  await Promise.all([...own].map((name) => cp(path.join(staging, name), path.join(target, name), { recursive: true })));
  if (assembly.stacks.length !== 1) throw new Error(`${spec.id}: expected one stack, got ${assembly.stacks.length}`);
}
await rm(staging, { recursive: true, force: true });
