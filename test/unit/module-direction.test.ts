/**
 * Dependencies point one way: bin/ holds thin entry points that nothing else
 * imports. Read from each source file's import specifiers, as TypeScript sees them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from '@jest/globals';
import { projectRoot } from '../../lib/bundling.js';

const LIBRARY_DIRS = ['lib', 'local', 'functions', 'bench', 'client'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|mjs)$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

describe('module direction', () => {
  it('no library module imports an entry point in bin/', () => {
    const binDir = path.join(projectRoot, 'bin');
    const offenders = LIBRARY_DIRS.flatMap((dir) => sourceFiles(path.join(projectRoot, dir)))
      .flatMap((file) =>
        importsOf(file)
          .filter((specifier) => specifier.startsWith('.') && path.resolve(path.dirname(file), specifier).startsWith(`${binDir}${path.sep}`))
          .map((specifier) => `${path.relative(projectRoot, file)} imports ${specifier}`),
      );
    expect(offenders).toEqual([]);
  });
});
