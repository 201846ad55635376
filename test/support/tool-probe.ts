/**
 * Whether a Python tool from the machine image (moto_server, cfn-lint) is there,
 * and what a suite that needs it does when it is not: skip with one line that
 * says how to install it, or under CI (CI=true) fail, so that a change of
 * machine cannot silently drop it. Free of Jest, for the background synth too.
 */
import { runCommand } from './command.js';

export const INSTALL_COMMAND = "pip install 'moto[server]' cfn-lint";

/** Each tool with the cheapest call that proves it runs (a pyenv shim on PATH may still lack the package). */
export const requiredTools = {
  moto_server: ['-h'],
  'cfn-lint': ['--version'],
} as const;
export type RequiredTool = keyof typeof requiredTools;

export type ToolProbe = { tool: RequiredTool; present: true } | { tool: RequiredTool; present: false; why: string };

const PROBE_DEADLINE_MS = 20_000;

export async function probeTool(tool: RequiredTool, env: NodeJS.ProcessEnv = process.env): Promise<ToolProbe> {
  const result = await runCommand(tool, requiredTools[tool], { env, timeoutMs: PROBE_DEADLINE_MS });
  if (result.code === 0) return { tool, present: true };
  if (result.notStarted?.code === 'ENOENT') return { tool, present: false, why: `${tool} is not on PATH` };
  // 127 is a shell's "command not found", as a pyenv shim answers for a package its Python lacks.
  if (result.code === 127) return { tool, present: false, why: `${tool} is not installed (its PATH entry answers "command not found")` };
  const how = result.timedOut ? `did not answer within ${PROBE_DEADLINE_MS / 1000} s` : `exited with ${result.code ?? result.notStarted?.code}`;
  return { tool, present: false, why: `\`${tool} ${requiredTools[tool].join(' ')}\` ${how}` };
}

export const runsUnderCi = (env: NodeJS.ProcessEnv) => env.CI === 'true' || env.CI === '1';

export type ToolVerdict = { kind: 'run' } | { kind: 'skip'; line: string } | { kind: 'fail'; message: string };

export function toolVerdict(suite: string, probes: readonly ToolProbe[], env: NodeJS.ProcessEnv = process.env): ToolVerdict {
  const reasons = probes.flatMap((probe) => (probe.present ? [] : [probe.why]));
  if (reasons.length === 0) return { kind: 'run' };
  if (runsUnderCi(env)) return { kind: 'fail', message: `${suite}: ${reasons.join('; ')}, and CI=true requires it. Install: ${INSTALL_COMMAND}` };
  return { kind: 'skip', line: `${suite} skipped: ${reasons.join('; ')}. Install: ${INSTALL_COMMAND}` };
}

