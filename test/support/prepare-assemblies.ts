/**
 * `node --import tsx test/support/prepare-assemblies.ts`: builds the stage assemblies
 * into their cache (test/support/stage-assemblies.ts), unless no suite could use
 * them here (neither moto_server nor cfn-lint present, outside CI). Jest's global
 * setup runs it in the background.
 */
import { killRunningCommands } from './command.js';
import { probeTool, requiredTools, runsUnderCi, type RequiredTool } from './tool-probe.js';
import { stageAssemblies } from './stage-assemblies.js';

// Told to stop (the test run ended first): the synth goes too.
process.once('SIGTERM', () => {
  killRunningCommands();
  process.exit(143);
});

const probes = await Promise.all((Object.keys(requiredTools) as RequiredTool[]).map((tool) => probeTool(tool)));
if (runsUnderCi(process.env) || probes.some((probe) => probe.present)) await stageAssemblies();
