// Tests are native ESM (jose is ESM-only, the bundles are .mjs); ts-jest only strips types.
import { readFileSync } from 'node:fs';
import { pathsToModuleNameMapper } from 'ts-jest';

// tsconfig.json's paths (the typed client by its package name, from its source), for the tests too.
const { compilerOptions } = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8'));

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', ...pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }) },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  setupFiles: ['<rootDir>/test/support/quiet-setup.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Jest's default on 2 cores is one worker, but most suites wait on child processes and sockets:
  // two workers took 90-97 s against 134-136 s for one on the 2-core machine (three: 98 s).
  maxWorkers: 2,
  testTimeout: 30000,
  // The synth of the stages that the deploy rehearsal and cfn-lint share runs in the background, and they run last.
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  testSequencer: '<rootDir>/test/support/test-sequencer.mjs',
};
