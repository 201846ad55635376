/**
 * How the suites that need moto_server or cfn-lint behave when the tool is
 * missing: skipped with one line naming the install command, or under CI=true
 * failed. The probe runs real executables on a PATH of the test's making.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INSTALL_COMMAND, probeTool, toolVerdict } from '../support/tool-probe.js';

let bin: string;
const onlyBin = () => ({ PATH: bin });

beforeAll(async () => {
  bin = await mkdtemp(path.join(tmpdir(), 'required-tool-'));
});

afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
});

async function fakeTool(name: string, script: string): Promise<void> {
  const file = path.join(bin, name);
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
}

describe('probeTool', () => {
  it('finds a tool that answers its probe', async () => {
    await fakeTool('moto_server', 'exit 0');
    expect(await probeTool('moto_server', onlyBin())).toEqual({ tool: 'moto_server', present: true });
  });

  it('reports a tool that is not on PATH', async () => {
    expect(await probeTool('cfn-lint', { PATH: path.join(bin, 'nowhere') })).toEqual({ tool: 'cfn-lint', present: false, why: 'cfn-lint is not on PATH' });
  });

  it('reports a PATH entry that answers "command not found" (a pyenv shim without the package) as not installed', async () => {
    await fakeTool('cfn-lint', 'echo "pyenv: cfn-lint: command not found" >&2; exit 127');
    expect(await probeTool('cfn-lint', onlyBin())).toMatchObject({ present: false, why: expect.stringMatching(/cfn-lint is not installed/) });
  });

  it('reports a tool whose probe fails', async () => {
    await fakeTool('moto_server', 'exit 3');
    expect(await probeTool('moto_server', onlyBin())).toMatchObject({ present: false, why: '`moto_server -h` exited with 3' });
  });
});

describe('toolVerdict', () => {
  const missing = [{ tool: 'moto_server' as const, present: false as const, why: 'moto_server is not on PATH' }];

  it('runs the suite when every tool is there', () => {
    expect(toolVerdict('the rehearsal', [{ tool: 'moto_server', present: true }], {})).toEqual({ kind: 'run' });
  });

  it('skips with one line that says why and how to install, outside CI', () => {
    const verdict = toolVerdict('the rehearsal', missing, {});
    expect(verdict).toEqual({ kind: 'skip', line: `the rehearsal skipped: moto_server is not on PATH. Install: ${INSTALL_COMMAND}` });
    expect(INSTALL_COMMAND).toBe("pip install 'moto[server]' cfn-lint");
  });

  it.each(['true', '1'])('fails under CI=%s, so that a change of machine cannot drop the suite', (ci) => {
    expect(toolVerdict('the rehearsal', missing, { CI: ci })).toEqual({
      kind: 'fail',
      message: `the rehearsal: moto_server is not on PATH, and CI=true requires it. Install: ${INSTALL_COMMAND}`,
    });
  });
});
