/**
 * The TypeScript snippets of README.md and docs/**\/*.md (every ```ts block),
 * for test/docs/snippets.test.ts, which type-checks each one.
 *
 * How to write one that passes:
 * - Write it as a complete module: it is checked as an ES module (top-level
 *   await allowed) with this repository's tsconfig.json. What the prose around
 *   it supplies (an API URL, a session token) it takes as a parameter or reads
 *   from the environment, so nothing is left undeclared.
 * - If it is a particular file, let its first line be a comment naming it from
 *   the repository root, `// bin/app.ts`: its relative imports resolve from
 *   there. Without one it sits next to its page.
 * - The files the pages tell the reader to generate (`generatedFiles`) are there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { projectRoot } from '../../lib/bundling.js';

export interface DocSnippet {
  /** The page, from the repository root. */
  readonly page: string;
  /** The line of the page the snippet's first line is on. */
  readonly line: number;
  readonly code: string;
  /** The file it is checked as, from the repository root. */
  readonly file: string;
}

/** The README's `npx openapi-typescript docs/openapi.json -o src/friendship-api.d.ts`, by path from the repository root. */
export async function generatedFiles(): Promise<Record<string, string>> {
  const document = readFileSync(path.join(projectRoot, 'docs', 'openapi.json'), 'utf8');
  return { 'src/friendship-api.d.ts': astToString(await openapiTS(document)) };
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const TYPESCRIPT = new Set(['ts', 'typescript']);
/** `// bin/app.ts` on a snippet's first line. */
const FILE_NAME = /^\/\/\s*([\w./-]+\.tsx?)\s*$/;

/** README.md and every page under docs/. */
export function documentationPages(root = projectRoot): string[] {
  const pages = ['README.md'];
  const walk = (folder: string) => {
    for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const relative = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.md')) pages.push(relative);
    }
  };
  walk('docs');
  return pages;
}

/** The TypeScript snippets of one page's markdown. */
export function snippetsOf(page: string, markdown: string): DocSnippet[] {
  const lines = markdown.split('\n');
  const snippets: DocSnippet[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const fence = FENCE.exec(lines[index] ?? '');
    if (!fence) continue;
    const [, indent = '', marker = '```', language = ''] = fence;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? '').trimStart().startsWith(marker)) end += 1;
    if (TYPESCRIPT.has(language)) {
      const code = lines.slice(start, end).map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n');
      const named = FILE_NAME.exec(code.split('\n')[0] ?? '')?.[1];
      snippets.push({ page, line: start + 1, code, file: named ? path.normalize(named) : path.join(path.dirname(page), 'snippet.ts') });
    }
    index = end;
  }
  return snippets;
}
