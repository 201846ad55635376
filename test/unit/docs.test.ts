/**
 * The README and docs/ stand on their own: every relative link and anchor leads
 * somewhere in the repository, and nothing points outside it.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../lib/bundling.js';

const pages = ['README.md', ...readdirSync(path.join(projectRoot, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];
const read = (page: string) => readFileSync(path.join(projectRoot, page), 'utf8');
const withoutCode = (markdown: string) => markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const anchorsOf = (markdown: string) =>
  new Set(
    markdown
      .replace(/```[\s\S]*?```/g, '')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => line.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')),
  );

describe.each(pages)('%s', (page) => {
  const text = read(page);

  it('refers to nothing outside the repository', () => {
    expect(text).not.toMatch(/\.\.\/shared|the issue (asks|wants|says)/i);
  });

  it('has only links that lead somewhere', () => {
    const links = [...withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((link) => !/^[a-z]+:/.test(link));
    for (const link of links) {
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      expect({ link, exists: existsSync(path.join(projectRoot, target)) }).toEqual({ link, exists: true });
      if (anchor !== undefined && target.endsWith('.md')) expect({ link, anchor: anchorsOf(read(target)).has(anchor) }).toEqual({ link, anchor: true });
    }
  });
});
