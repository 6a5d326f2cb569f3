/**
 * What loading a module loads: the action's start-up (src/main.ts) and the package reader keep
 * their libraries out of their static graph, in chunks loaded on the path that needs them.
 */
import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** Bundles an entry as the action's bundle would, splitting dynamic imports into their own chunks. */
async function bundled(entry: string): Promise<{ entryInputs: string[]; allInputs: string[] }> {
  const result = await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: path.join(root, '.tmp/lazy-check'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  // Lazily imported modules are entry points of their own chunks too: find the one asked for.
  const entryName = Object.keys(outputs).find((name) => outputs[name]?.entryPoint === entry);
  // What loading the entry loads: its output and every chunk it imports statically, transitively.
  const loaded = new Set<string>();
  const visit = (name: string | undefined): void => {
    if (name === undefined || loaded.has(name)) return;
    loaded.add(name);
    for (const imported of outputs[name]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
    }
  };
  visit(entryName);
  return {
    entryInputs: [...loaded].flatMap((name) => Object.keys(outputs[name]?.inputs ?? {})),
    allInputs: Object.values(outputs).flatMap((output) => Object.keys(output.inputs)),
  };
}

const HEAVY = /node_modules\/(yauzl|fast-xml-parser)\//;

/** The one library the start-up keeps: 7 KB, and it places a JSON syntax error of an input. */
const STARTUP_LIBRARIES = ['jsonc-parser'];

/** The package a node_modules path belongs to (`@scope/name` or `name`). */
function packageOf(input: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

describe("the action's start-up loads no library it may not need", () => {
  test('src/main.ts statically loads only its own code and jsonc-parser: undici, @actions/github and /artifact, yaml and the rest load on their paths', async () => {
    const { entryInputs, allInputs } = await bundled('src/main.ts');
    const loaded = [...new Set(entryInputs.map(packageOf).filter((name) => name !== undefined))].sort();
    expect(loaded).toEqual(STARTUP_LIBRARIES);
    // The lazy ones are still bundled, in chunks of their own.
    for (const library of ['undici', '@actions/github', '@actions/artifact', 'yaml', 'yauzl', 'fast-xml-parser']) {
      expect(allInputs.some((input) => packageOf(input) === library)).toBe(true);
    }
  });

  test('src/index.ts loads only the Node.js version check and the runner module before main', async () => {
    const { entryInputs } = await bundled('src/index.ts');
    expect(entryInputs.sort()).toEqual(['src/index.ts', 'src/node-version.ts', 'src/runner.ts']);
  });
});

describe('the zip and XML readers load only when a package is read', () => {
  test('src/packages/index.ts keeps yauzl and fast-xml-parser out of its static graph; they sit in a lazy chunk', async () => {
    const { entryInputs, allInputs } = await bundled('src/packages/index.ts');
    expect(entryInputs.filter((input) => HEAVY.test(input))).toEqual([]);
    expect(entryInputs).toContain('src/packages/retention.ts');
    expect(allInputs.some((input) => input.includes('node_modules/yauzl/'))).toBe(true);
    expect(allInputs.some((input) => input.includes('node_modules/fast-xml-parser/'))).toBe(true);
  });

  test("the action's entry loads neither the package reader nor yauzl until a package or a ready-made zip is read", async () => {
    // src/index.ts checks the Node.js version, then loads src/main.ts: the action's code starts there.
    const { entryInputs, allInputs } = await bundled('src/main.ts');
    const lazy = /node_modules\/yauzl\/|src\/packages\/(read|manifest)\.ts|src\/upload\/zipinfo\.ts/;
    expect(entryInputs.filter((input) => lazy.test(input))).toEqual([]);
    expect(entryInputs).toContain('src/commands/content.ts');
    expect(allInputs).toEqual(
      expect.arrayContaining(['src/packages/read.ts', 'src/packages/manifest.ts', 'src/upload/zipinfo.ts']),
    );
  });

  test('src/listings/index.ts needs neither', async () => {
    const { allInputs } = await bundled('src/listings/index.ts');
    expect(allInputs.filter((input) => HEAVY.test(input))).toEqual([]);
  });
});
