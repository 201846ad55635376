// Jest's global setup: when a selected suite needs the synthesized stages
// (it imports test/support/stage-assemblies), their synth starts now in the
// background, on the core the in-band suites leave free, instead of inside
// that suite. The suite then finds them ready, or waits on the synth's lock.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import path from 'node:path';
import { usesStageAssemblies } from './stage-assembly-users.mjs';

const testFiles = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));

export default async function globalSetup(globalConfig, projectConfig) {
  const selected = globalConfig.testPathPatterns.toExecutor({ rootDir: projectConfig.rootDir });
  const ignored = projectConfig.testPathIgnorePatterns.map((pattern) => new RegExp(pattern));
  const needed = testFiles(path.join(projectConfig.rootDir, 'test')).some(
    (file) =>
      (!selected.isSet() || selected.isMatch(file)) &&
      !ignored.some((pattern) => pattern.test(file)) &&
      usesStageAssemblies(file),
  );
  if (!needed) return;
  // Its output goes to a file: a failure here is repeated, and reported, by the suite that needs the stages.
  const cache = path.join(projectConfig.rootDir, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const log = openSync(path.join(cache, 'friendship-bff-prepare-assemblies.log'), 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectConfig.rootDir, 'test/support/prepare-assemblies.ts')], {
    cwd: projectConfig.rootDir,
    stdio: ['ignore', log, log],
    detached: true,
  });
  // At the lowest priority: it has until the last suites to finish, and the in-band suites come first.
  setPriority(child.pid, 19);
  child.unref();
  globalThis.assemblyPreparation = child;
}
