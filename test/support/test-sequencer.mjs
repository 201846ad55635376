// Jest's own order (failed first, then slowest first), except that the suites
// using the synthesized stages go last: the global setup synthesizes them in the
// background meanwhile, beside the in-band suites, so that no suite waits for it.
import Sequencer from '@jest/test-sequencer';
import { usesStageAssemblies } from './stage-assembly-users.mjs';

export default class StageAssemblyUsersLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((test) => !usesStageAssemblies(test.path)), ...sorted.filter((test) => usesStageAssemblies(test.path))];
  }
}
