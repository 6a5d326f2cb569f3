/**
 * Jest global set-up: the bundle the end-to-end tests run, built from the current sources with ncc
 * into `.tmp/bundle/` (so `npm test` never runs yesterday's `dist/`), and rebuilt only when a source
 * is newer than it. (One file: jest loads its global set-up without the test module mapping.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE_DIR = path.join(repoRoot, '.tmp', 'bundle');
export const BUNDLE = path.join(BUNDLE_DIR, 'index.js');

function newestMtime(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/** Builds the bundle unless it is newer than `src/`, `package-lock.json` and `tsconfig.json`. */
export function buildBundle(): void {
  const sources = Math.max(
    ...['src', 'package-lock.json', 'tsconfig.json'].map((p) => newestMtime(path.join(repoRoot, p))),
  );
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs > sources) return;
  const ncc = path.join(repoRoot, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  const result = spawnSync(
    process.execPath,
    [ncc, 'build', 'src/index.ts', '-o', BUNDLE_DIR, '--source-map', '--no-source-map-register', '--quiet'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`Building the bundle for the end-to-end tests failed:\n${result.stdout}\n${result.stderr}`);
}

export default function globalSetup(): void {
  // A run of only the unit tests (`npm run test:unit`, or paths under __tests__/unit) needs no bundle.
  const paths = process.argv.slice(2).filter((arg) => !arg.startsWith('-') && !arg.endsWith('.js'));
  if (paths.length > 0 && paths.every((p) => p.includes('unit'))) return;
  buildBundle();
}
