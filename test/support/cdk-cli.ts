/** The project's own CDK CLI (aws-cdk in node_modules), offline and with a deadline on every call. */
import path from 'node:path';
import { projectRoot } from '../../lib/bundling.js';
import { runOrThrow, type CommandResult } from './command.js';

const cdkBin = path.join(projectRoot, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** No notices, version check or telemetry: each would try the network. */
const OFFLINE = { CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };

/** This process's environment without any AWS or CDK setting of the user's: the call gets only moto's. */
const withoutAwsSettings = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('CDK_')));

/**
 * `cwd` should hold no cdk.json: in the project, even `cdk bootstrap aws://<account>/<region>`
 * first synthesizes cdk.json's app (seconds of bundling), and `cdk deploy --app <dir>`
 * needs nothing from it.
 */
export function cdk(args: readonly string[], { env, cwd, timeoutMs }: { env: Record<string, string>; cwd: string; timeoutMs: number }): Promise<CommandResult> {
  return runOrThrow(`cdk ${args[0]}`, process.execPath, [cdkBin, ...args, '--no-notices'], {
    cwd,
    env: { ...withoutAwsSettings(), ...OFFLINE, ...env },
    timeoutMs,
  });
}
