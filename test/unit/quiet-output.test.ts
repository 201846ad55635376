/**
 * `npm test` shows the results, and a warning only when something is wrong: the
 * project's own Jest command (from package.json) runs a fixture that synthesizes
 * the stack, builds an SDK client and logs, and prints nothing else.
 */
import { expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { projectRoot } from '../../lib/bundling.js';

const run = promisify(execFile);

it('prints only the test results', async () => {
  const scripts = (JSON.parse(readFileSync(`${projectRoot}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  const jest = scripts.test!.split('&&').at(-1)!.trim().split(/\s+/);
  // The child starts from the environment a person's shell has, not this test's quietened one.
  const { POWERTOOLS_LOG_LEVEL: _level, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _notice, ...env } = process.env;
  const { stdout, stderr } = await run(
    jest[0]!,
    [...jest.slice(1), '--testMatch', '**/test/fixtures/noisy.fixture.ts', '--testPathIgnorePatterns', '/node_modules/', '--', 'noisy.fixture'],
    { cwd: projectRoot, env, timeout: 60_000 },
  );
  const lines = `${stdout}\n${stderr}`.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const results = /^(PASS|Tests:|Test Suites:|Snapshots:|Time:|Ran all test suites|✓|√|synthesizes)/;
  expect(lines.filter((line) => !results.test(line) && !line.includes('noisy.fixture'))).toEqual([]);
  expect(lines).toContain('Tests:       1 passed, 1 total');
}, 90_000);
