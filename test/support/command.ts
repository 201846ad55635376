/**
 * Runs a command line tool (the CDK CLI, cfn-lint, the synth) with a deadline: a
 * tool that hangs (a deploy polling a stuck stack forever) is killed with its
 * whole process group, and the run fails with the tail of what it printed.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The deadline passed and the process group was killed. */
  timedOut: boolean;
  /** The executable could not be started at all (ENOENT, EACCES). */
  notStarted?: NodeJS.ErrnoException;
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** The process groups of the commands still running, for killRunningCommands. */
const running = new Set<number>();

/** Ends every command this process started that is still running (for a process that is told to stop). */
export function killRunningCommands(): void {
  for (const pid of running) killGroup(pid);
}

export function runCommand(command: string, args: readonly string[], { cwd, env, timeoutMs }: CommandOptions): Promise<CommandResult> {
  return new Promise((resolve) => {
    // Its own process group, so that the deadline also ends what it started (npx → node → tsx).
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) running.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    const finish = (code: number | null, notStarted?: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut, ...(notStarted ? { notStarted } : {}) });
    };
    child.once('error', (error: NodeJS.ErrnoException) => finish(null, error));
    child.once('close', (code) => finish(code));
  });
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The last lines a tool printed, for an error message. */
export const tail = (text: string, lines = 25) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** Runs the command and throws, with its output's tail, unless it exits 0 within its deadline. */
export async function runOrThrow(what: string, command: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code === 0 && !result.timedOut) return result;
  const why = result.notStarted
    ? `could not start ${command}: ${result.notStarted.code}`
    : result.timedOut
      ? `did not finish within ${options.timeoutMs / 1000} s`
      : `exited with ${result.code}`;
  throw new Error(`${what} ${why}\n${tail(`${result.stdout}\n${result.stderr}`)}`);
}
