import { describe, expect, test } from '@jest/globals';
import { build } from 'esbuild';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

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
  const entryName = Object.keys(outputs).find((name) => outputs[name]?.entryPoint !== undefined);
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
    expect(allInputs).toEqual(expect.arrayContaining(['src/packages/read.ts', 'src/packages/manifest.ts', 'src/upload/zipinfo.ts']));
  });

  test('src/listings/index.ts needs neither', async () => {
    const { allInputs } = await bundled('src/listings/index.ts');
    expect(allInputs.filter((input) => HEAVY.test(input))).toEqual([]);
  });
});
