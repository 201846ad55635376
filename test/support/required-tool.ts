/**
 * The suites that need moto_server or cfn-lint declare their tests through this
 * gate: run, skipped with one line (test/support/tool-probe.ts says why), or under CI failed.
 */
import { describe, it } from '@jest/globals';
import { probeTool, toolVerdict, type RequiredTool, type ToolVerdict } from './tool-probe.js';

export interface ToolGate {
  readonly verdict: ToolVerdict;
  /** `describe` when the tools are there; otherwise a skipped block (one line printed), or under CI one failing test. */
  describe(name: string, body: () => void): void;
}

export async function gateOnTools(suite: string, tools: readonly RequiredTool[]): Promise<ToolGate> {
  const verdict = toolVerdict(suite, await Promise.all(tools.map((tool) => probeTool(tool))));
  return {
    verdict,
    describe(name, body) {
      if (verdict.kind === 'run') return describe(name, body);
      if (verdict.kind === 'fail') {
        return describe(name, () =>
          it(`needs ${tools.join(' and ')}`, () => {
            throw new Error(verdict.message);
          }),
        );
      }
      // Straight to stderr: one line, without the stack trace Jest adds to console output.
      process.stderr.write(`${verdict.line}\n`);
      describe.skip(name, body);
    },
  };
}
