/**
 * What the shipped bundle loads at start-up: the ncc bundle of src/index.ts (built as the end-to-end
 * tests build it, into .tmp/bundle) is run to its first input error with a probe that records every
 * chunk file Node.js loads, and each chunk's source map names the modules it holds. `@actions/core`
 * (the platform library) and jsonc-parser load at start; the heavy libraries sit in chunks of their
 * own, loaded on the path that needs them.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_DIR, buildBundle } from '../../test/support/global-setup.js';

/** Records the URL of every module Node.js loads, written one a line to $LOADED_FILE at exit. */
const LOAD_PROBE = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.LOADED_FILE, loaded.join('\\n')));
`)}`;

/**
 * The package a bundled source path belongs to, nested copies named by their path
 * (`@actions/http-client/node_modules/undici`, the undici 6 that `@actions/core`'s HTTP client brings);
 * the action's own files as `src/...`.
 */
function moduleOf(source: string): string | undefined {
  const library = /node_modules\/((?:@[^/]+\/)?[^/]+(?:\/node_modules\/(?:@[^/]+\/)?[^/]+)*)\//.exec(source);
  if (library) return library[1];
  return /(?:^|\/)(src\/.+\.ts)$/.exec(source)?.[1];
}

/**
 * Each chunk file of the bundle with the modules it holds (from its source map): index.js and the
 * chunks its code can load (`__nccwpck_require__.e(<id>)`, in a chunk `__webpack_require__.e(<id>)`
 * with a comment before the id), transitively. Chunks left in the folder by an earlier build are not
 * among them.
 */
function chunks(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const visit = (file: string): void => {
    if (found.has(file)) return;
    const map = JSON.parse(readFileSync(path.join(BUNDLE_DIR, `${file}.map`), 'utf8')) as { sources: string[] };
    found.set(file, new Set(map.sources.map(moduleOf).filter((name) => name !== undefined)));
    const code = readFileSync(path.join(BUNDLE_DIR, file), 'utf8');
    for (const [, id] of code.matchAll(/_require__\.e\((?:\/\* import\(\) \*\/ )?(\d+)\)/g)) visit(`${id}.index.js`);
  };
  visit('index.js');
  return found;
}

/** Runs the bundle with no input at all; returns its stdout and the chunk files it loaded. */
function runToFirstInputError(): { stdout: string; loaded: string[] } {
  const loadedFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'store-submit-lazy-')), 'loaded');
  const result = spawnSync(process.execPath, ['--import', LOAD_PROBE, path.join(BUNDLE_DIR, 'index.js')], {
    env: { PATH: process.env.PATH ?? '', LOADED_FILE: loadedFile },
    encoding: 'utf8',
  });
  const bundleUrl = pathToFileURL(BUNDLE_DIR).href;
  const loaded = readFileSync(loadedFile, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith(`${bundleUrl}/`))
    .map((url) => url.slice(bundleUrl.length + 1));
  return { stdout: result.stdout, loaded };
}

/** `@actions/core` and what it imports itself: its own HTTP client (with undici 6), exec and io. */
const CORE_AND_ITS_DEPENDENCIES = [
  '@actions/core',
  '@actions/exec',
  '@actions/http-client',
  '@actions/http-client/node_modules/undici',
  '@actions/io',
  'tunnel',
];

/** Libraries (and the action's own package and zip readers) that only the paths needing them load. */
const LAZY = [
  'undici',
  '@azure/storage-blob',
  '@actions/artifact',
  '@actions/github',
  'yaml',
  'yauzl',
  'fast-xml-parser',
  'src/packages/read.ts',
  'src/packages/manifest.ts',
  'src/upload/zipinfo.ts',
];

let bundle: Map<string, Set<string>>;
let startUp: { stdout: string; loaded: string[] };

beforeAll(() => {
  buildBundle();
  bundle = chunks();
  startUp = runToFirstInputError();
}, 300_000);

const modulesOf = (files: string[]): Set<string> => new Set(files.flatMap((file) => [...(bundle.get(file) ?? [])]));

describe("the bundle's start-up, to its first input error", () => {
  test('reaches the input error', () => {
    expect(startUp.stdout).toMatch(/^::error title=Invalid input::Input '/m);
  });

  test('loads @actions/core with its own dependencies and jsonc-parser, and no other library', () => {
    const libraries = [...modulesOf(startUp.loaded)].filter((name) => !name.startsWith('src/')).sort();
    expect(libraries).toEqual([...CORE_AND_ITS_DEPENDENCIES, 'jsonc-parser'].sort());
  });

  test.each(LAZY)('leaves %s to a chunk it does not load', (name) => {
    expect(modulesOf(startUp.loaded).has(name)).toBe(false);
    expect([...bundle.values()].some((modules) => modules.has(name))).toBe(true);
  });

  test('the entry chunk holds only the Node.js version check and @actions/core; src/main.ts comes after the check', () => {
    const entry = bundle.get('index.js') ?? new Set();
    expect([...entry].filter((name) => name.startsWith('src/')).sort()).toEqual([
      'src/index.ts',
      'src/node-version.ts',
    ]);
    expect([...entry].filter((name) => !name.startsWith('src/')).sort()).toEqual(CORE_AND_ITS_DEPENDENCIES);
    expect(modulesOf(startUp.loaded).has('src/main.ts')).toBe(true);
  });
});
