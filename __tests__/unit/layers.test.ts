/**
 * Holds the layout of `src/` to the flow it shows: inputs -> command -> Store client and upload ->
 * report, on a shared base. Every source file belongs to a layer; a file imports only its own layer
 * or lower ones, and no chain of imports comes back to where it started. Type-only and dynamic
 * imports count: they tie the files together as much as any other.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The layers, top first. A rule names a folder (`commands/`) or a file (`main.ts`), relative to
 * `src/`; a file's layer is the one whose longest rule matches it.
 */
const LAYERS: readonly { name: string; rules: readonly string[] }[] = [
  { name: 'entry', rules: ['index.ts', 'main.ts', 'run-context.ts'] },
  { name: 'command', rules: ['commands/'] },
  // The run record holds what the commands found, so it names the Store's and the submission's types.
  { name: 'inputs and report', rules: ['inputs/', 'report/'] },
  { name: 'MSIX submission building', rules: ['submission/'] },
  // What a submission is built from: listings folders, package files, MSI/EXE installers.
  { name: 'product content', rules: ['listings/', 'packages/', 'installers/'] },
  { name: 'Store client and upload', rules: ['store/', 'upload/'] },
  {
    name: 'shared base',
    rules: [
      'errors.ts',
      'json.ts',
      'log.ts',
      'actions-log.ts',
      'redact.ts',
      'retry.ts',
      'transient.ts',
      'stop.ts',
      'format.ts',
      'hints.ts',
      'waiting.ts',
      'zip-name.ts',
      'paths.ts',
      'node-version.ts',
    ],
  },
];

/** Each file (relative to `src/`, `/`-separated) and the files it imports. */
type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** The index in LAYERS of `file`'s layer (0 is the top), or undefined when no rule names it. */
function layerOf(file: string): number | undefined {
  let best: { index: number; length: number } | undefined;
  LAYERS.forEach((layer, index) => {
    for (const rule of layer.rules) {
      const matches = rule.endsWith('/') ? file.startsWith(rule) : file === rule;
      if (matches && (!best || rule.length > best.length)) best = { index, length: rule.length };
    }
  });
  return best?.index;
}

/** The import chains that come back to their start, each once, as `a -> b -> a`. */
function cycles(graph: ImportGraph): string[] {
  const found = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const loop = stack.slice(stack.indexOf(next));
        // Start each loop at its smallest name, so the same loop found from elsewhere reads the same.
        const start = loop.indexOf([...loop].sort()[0] ?? next);
        const turned = [...loop.slice(start), ...loop.slice(0, start)];
        found.add([...turned, turned[0]].join(' -> '));
      } else if (!state.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...found];
}

/** Every breach of the layout in `graph`: a file without a layer, an import upward, a cycle. */
export function layoutViolations(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    const layer = layerOf(file);
    if (layer === undefined) {
      problems.push(`${file} belongs to no layer: add it to LAYERS`);
      continue;
    }
    for (const imported of imports) {
      const target = layerOf(imported);
      if (target !== undefined && target < layer)
        problems.push(
          `${file} (${LAYERS[layer]?.name}) imports ${imported} (${LAYERS[target]?.name}), a layer above it`,
        );
    }
  }
  return [...problems, ...cycles(graph).map((loop) => `import cycle: ${loop}`)];
}

/**
 * The source files that `text`, the source of `file`, imports: imports (type-only too), re-exports
 * and dynamic imports of relative paths, as paths relative to `src/`; packages are left out.
 */
function relativeImports(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const imports = importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.posix.join(path.posix.dirname(file), name).replace(/\.js$/, '.ts'));
  return [...new Set(imports)];
}

/** The import graph of `src/`. */
function sourceGraph(): ImportGraph {
  const srcDir = path.join(root, 'src');
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
  return new Map(files.map((file) => [file, relativeImports(file, readFileSync(path.join(srcDir, file), 'utf8'))]));
}

describe('the layout of src/', () => {
  const graph = sourceGraph();

  test('reads the imports of the tree, each naming a file of it', () => {
    // index.ts loads main.ts with a dynamic import; a reader that found nothing would pass every check.
    expect(graph.get('index.ts')).toContain('main.ts');
    for (const [file, imports] of graph)
      for (const imported of imports) expect([file, graph.has(imported)]).toEqual([file, true]);
  });

  test('every file has a layer, imports nothing above it, and no imports go round in a cycle', () => {
    expect(layoutViolations(graph)).toEqual([]);
  });
});

describe('relativeImports', () => {
  test('reads imports, type-only imports, re-exports and dynamic imports, and leaves packages out', () => {
    const text = [
      "import { a } from '../errors.js';",
      "import type { B } from './auth.js';",
      "export { c } from './kinds.js';",
      "import { fetch } from 'undici';",
      "const d = await import('../upload/zip.js');",
      "import { again } from '../errors.js';",
    ].join('\n');
    expect(relativeImports('store/http.ts', text)).toEqual([
      'errors.ts',
      'store/auth.ts',
      'store/kinds.ts',
      'upload/zip.ts',
    ]);
  });
});

describe('layoutViolations', () => {
  test('accepts imports downward and within a layer', () => {
    const graph = new Map([
      ['main.ts', ['commands/status.ts', 'errors.ts']],
      ['commands/status.ts', ['commands/command.ts', 'store/client.ts']],
      ['commands/command.ts', []],
      ['store/client.ts', ['json.ts']],
      ['json.ts', []],
      ['errors.ts', []],
    ]);
    expect(layoutViolations(graph)).toEqual([]);
  });

  test('flags an import upward', () => {
    const graph = new Map([
      ['store/client.ts', ['commands/status.ts']],
      ['commands/status.ts', []],
    ]);
    expect(layoutViolations(graph)).toEqual([
      'store/client.ts (Store client and upload) imports commands/status.ts (command), a layer above it',
    ]);
  });

  test('flags a cycle within one layer, once', () => {
    const graph = new Map([
      ['store/http.ts', ['store/auth.ts']],
      ['store/auth.ts', ['store/http.ts']],
      ['store/client.ts', ['store/auth.ts', 'store/http.ts']],
    ]);
    expect(layoutViolations(graph)).toEqual(['import cycle: store/auth.ts -> store/http.ts -> store/auth.ts']);
  });

  test('flags a longer cycle, named from its first file in order', () => {
    const graph = new Map([
      ['store/http.ts', ['store/proxy.ts']],
      ['store/proxy.ts', ['store/auth.ts']],
      ['store/auth.ts', ['store/http.ts']],
    ]);
    expect(layoutViolations(graph)).toEqual([
      'import cycle: store/auth.ts -> store/http.ts -> store/proxy.ts -> store/auth.ts',
    ]);
  });

  test('flags a file no layer names', () => {
    expect(layoutViolations(new Map([['helpers.ts', []]]))).toEqual([
      'helpers.ts belongs to no layer: add it to LAYERS',
    ]);
  });
});
