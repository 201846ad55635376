/**
 * Every TypeScript snippet of README.md and docs/ compiles: each is
 * type-checked with this repository's tsconfig.json (the options `npm run
 * typecheck` checks the code with), as a module at the place it names, all in
 * one program. How to write one: test/support/doc-snippets.ts.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../../lib/bundling.js';
import { documentationPages, generatedFiles, snippetsOf, type DocSnippet } from '../support/doc-snippets.js';

const snippets = documentationPages().flatMap((page) => snippetsOf(page, readFileSync(path.join(projectRoot, page), 'utf8')));
const where = (snippet: DocSnippet) => `${snippet.page}:${snippet.line}`;

/** Beside the file it names (never over a real file), unique per snippet. */
const virtualPath = (snippet: DocSnippet) =>
  path.join(projectRoot, path.dirname(snippet.file), `${path.basename(snippet.file, '.ts')}.${snippet.page.replace(/\W+/g, '-')}-${snippet.line}.ts`);
/** `export {}` makes a snippet without imports a module too; it adds no line before the code. */
const virtualSource = (snippet: DocSnippet) => `${snippet.code}\nexport {};\n`;

let diagnosticsOf: (snippet: DocSnippet) => string[];

beforeAll(async () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(projectRoot, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.json could not be read');
  const files = new Map<string, string>(Object.entries(await generatedFiles()).map(([file, text]) => [path.join(projectRoot, file), text]));
  for (const snippet of snippets) files.set(virtualPath(snippet), virtualSource(snippet));
  const folders = new Set([...files.keys()].map((file) => path.dirname(file)));

  const host = ts.createCompilerHost(config.options);
  const real = { fileExists: host.fileExists, readFile: host.readFile, getSourceFile: host.getSourceFile };
  host.fileExists = (file) => files.has(file) || real.fileExists.call(host, file);
  host.readFile = (file) => files.get(file) ?? real.readFile.call(host, file);
  host.directoryExists = (folder) => folders.has(folder) || ts.sys.directoryExists(folder);
  host.getSourceFile = (file, language, ...rest) => {
    const text = files.get(file);
    return text === undefined ? real.getSourceFile.call(host, file, language, ...rest) : ts.createSourceFile(file, text, language);
  };
  const program = ts.createProgram({ rootNames: snippets.map(virtualPath), options: config.options, host });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, host));

  diagnosticsOf = (snippet) => {
    const source = program.getSourceFile(virtualPath(snippet));
    if (!source) throw new Error(`${where(snippet)}: not in the program`);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${snippet.page}:${snippet.line + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
  };
}, 120_000);

describe('the TypeScript snippets of README.md and docs/', () => {
  it.each([
    ['README.md', "from '@friendship-bff/client'"],
    ['README.md', "from 'openapi-fetch'"],
    ['docs/deploy.md', "from 'aws-cdk-lib'"],
    ['docs/deploy.md', 'bulkAddFriendships'],
    ['docs/gamepot.md', 'x-gamepot-member-id'],
  ])('are all found: %s has the snippet with %s', (page, needle) => {
    expect(snippets.some((snippet) => snippet.page === page && snippet.code.includes(needle))).toBe(true);
  });

  it.each(snippets.map((snippet) => [where(snippet), snippet] as const))('%s compiles', (_where, snippet) => {
    expect(diagnosticsOf(snippet)).toEqual([]);
  });
});

describe('finding the snippets of a page', () => {
  it('takes every ts block, indented or not, named by its first line or placed beside its page', () => {
    const page = ['Text.', '```ts', '// src/game.ts', 'const x = 1;', '```', '', '```sh', 'ls', '```', '1. A step:', '   ```typescript', '   let y;', '   ```'].join('\n');
    expect(snippetsOf('docs/page.md', page)).toEqual([
      { page: 'docs/page.md', line: 3, code: '// src/game.ts\nconst x = 1;', file: 'src/game.ts' },
      { page: 'docs/page.md', line: 12, code: 'let y;', file: 'docs/snippet.ts' },
    ]);
  });
});
