/**
 * The docs the code cites exist: every `docs/<page>.md#<section>` named in a comment of src/,
 * test/, scripts/ or __tests__/, and every relative link between docs/ and the README, leads to a
 * page and a heading that are there (anchors as GitHub makes them from headings).
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown page; a repeated heading gets `-1`, `-2`, ... as on GitHub. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    let anchor = base;
    for (let n = 1; found.has(anchor); n++) anchor = `${base}-${n}`;
    found.add(anchor);
  }
  return found;
}

function filesUnder(folder: string, extension: string): string[] {
  return readdirSync(path.join(repoRoot, folder), { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(folder, name))
    .filter((name) => name.endsWith(extension) && statSync(path.join(repoRoot, name)).isFile());
}

const pages = new Map<string, Set<string>>();
function anchorsOf(page: string): Set<string> | undefined {
  if (!pages.has(page)) {
    try {
      pages.set(page, anchors(readFileSync(path.join(repoRoot, page), 'utf8')));
    } catch {
      return undefined;
    }
  }
  return pages.get(page);
}

/** "missing page" or "no section #x" for a page and anchor; undefined when both exist. */
function problem(page: string, anchor: string | undefined): string | undefined {
  const found = anchorsOf(page);
  if (!found) return `${page} does not exist`;
  if (anchor !== undefined && !found.has(anchor)) return `${page} has no section #${anchor}`;
  return undefined;
}

describe('docs/', () => {
  it('every docs/<page>.md#<section> that code and tests cite exists', () => {
    const problems: string[] = [];
    const sources = ['src', 'test', 'scripts', '__tests__'].flatMap((folder) => filesUnder(folder, '.ts'));
    for (const file of sources) {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      for (const match of text.matchAll(/\bdocs\/([\w-]+\.md)(?:#([\w-]+))?/g)) {
        const found = problem(`docs/${match[1]}`, match[2]);
        if (found) problems.push(`${file}: cites docs/${match[1]}${match[2] ? `#${match[2]}` : ''}, but ${found}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every relative link of docs/ and the README leads to a page and section that exist', () => {
    const problems: string[] = [];
    for (const page of ['README.md', ...filesUnder('docs', '.md')]) {
      const text = readFileSync(path.join(repoRoot, page), 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]*)\)/g)) {
        const target = match[1] ?? '';
        if (/^[a-z]+:/i.test(target)) continue;
        const [file, anchor] = target.split('#');
        const linked = file ? path.normalize(path.join(path.dirname(page), file)) : page;
        if (!linked.endsWith('.md')) {
          if (!statSync(path.join(repoRoot, linked), { throwIfNoEntry: false })) problems.push(`${page}: ${target}`);
          continue;
        }
        const found = problem(linked, anchor);
        if (found) problems.push(`${page}: links to ${target}, but ${found}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('makes anchors as GitHub does, so a broken one cannot pass for a good one', () => {
    expect([
      ...anchors('# Installer API: sign-in and envelope\n## Federated credential (OIDC)\n### MSI/EXE products'),
    ]).toEqual(['installer-api-sign-in-and-envelope', 'federated-credential-oidc', 'msiexe-products']);
    expect([...anchors('## Usage\n```sh\n# not a heading\n```\n## Usage')]).toEqual(['usage', 'usage-1']);
  });
});
