// Which test files use the synthesized stages (test/support/stage-assemblies.ts): those that import it.
import { readFileSync } from 'node:fs';

export const usesStageAssemblies = (file) => readFileSync(file, 'utf8').includes('/stage-assemblies.js');
