/**
 * Runs the action bundled from the current sources (`.tmp/bundle/index.js`, see global-setup.ts) as a
 * child process, the way a GitHub runner does: every input as an INPUT_* variable (defaults from action.yml, as the runner fills them in), and the
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP and GITHUB_WORKSPACE files and folders.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { BUNDLE } from './global-setup.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundle = BUNDLE;

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Every file the action wrote under RUNNER_TEMP, with its content (for leak scans). */
  tempFiles: Record<string, string>;
  /** The `::error::` lines of stdout. */
  errorLines: string[];
  /** Milliseconds from spawning the process to its exit (always set by runAction). */
  elapsedMs?: number;
}

export function actionDefaults(): Record<string, string> {
  const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? '']));
}

/** GITHUB_OUTPUT holds `name<<delimiter\nvalue\ndelimiter` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name, delimiter] = match as unknown as [string, string, string];
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    outputs[name] = value.join('\n');
  }
  return outputs;
}

async function readTree(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  if (!existsSync(folder)) return files;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files[path.relative(folder, full)] = await readFile(full, 'utf8');
  }
  return files;
}

export interface RunOptions {
  /** Action inputs by their action.yml names; merged over the defaults. */
  inputs: Record<string, string>;
  workspace: string;
  env?: Record<string, string>;
  /** The harness kills the run (SIGKILL, exit code -1) after this long; default 90 s. */
  timeoutMs?: number;
  /** Sends `signal` to the run once its output so far satisfies `when` (the runner's cancel). */
  signalWhen?: { signal: NodeJS.Signals; when: (stdout: string) => boolean };
  /** The bundle to run; default the one built from the current sources for the tests (global-setup.ts). */
  bundle?: string;
  /** Node options before the bundle path (e.g. `--import` of a probe). */
  nodeArgs?: string[];
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'store-submit-run-'));
  const outputFile = path.join(scratch, 'output');
  const summaryFile = path.join(scratch, 'summary.md');
  const runnerTemp = path.join(scratch, 'runner-temp');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/octo-app',
    GITHUB_RUN_ID: '1',
    ...options.env,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...options.inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  await import('node:fs/promises').then((fs) => fs.mkdir(runnerTemp, { recursive: true }));
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bundle ?? bundle], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (options.signalWhen && !signalled && options.signalWhen.when(stdout)) {
      signalled = true;
      child.kill(options.signalWhen.signal);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const elapsedMs = performance.now() - started;
  clearTimeout(timer);
  const result: ActionRun = {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    tempFiles: await readTree(runnerTemp),
    errorLines: stdout.split('\n').filter((line) => line.startsWith('::error')),
    elapsedMs,
  };
  await rm(scratch, { recursive: true, force: true });
  return result;
}

/** Every place a secret could leak from a run, as one text per place. */
export function leakSurfaces(run: ActionRun): Record<string, string> {
  return {
    // The runner consumes `::add-mask::` commands: they register a secret and never reach the log.
    stdout: run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    stderr: run.stderr,
    outputs: JSON.stringify(run.outputs),
    summary: run.summary,
    ...Object.fromEntries(Object.entries(run.tempFiles).map(([name, text]) => [`file ${name}`, text])),
  };
}

/** The places where any of `secrets` appears, raw or in an encoded form. */
export function findLeaks(run: ActionRun, secrets: string[]): string[] {
  const forms = secrets
    .filter((s) => s.length >= 4)
    .flatMap((s) => [s, encodeURIComponent(s), s.replace(/\+/g, '%2B'), JSON.stringify(s).slice(1, -1)]);
  const leaks: string[] = [];
  for (const [place, text] of Object.entries(leakSurfaces(run))) {
    for (const form of new Set(forms)) if (text.includes(form)) leaks.push(`${place} contains ${form.slice(0, 6)}…`);
    if (/[?&]sig=(?!\*\*\*)[^&\s"]+/.test(text)) leaks.push(`${place} contains a SAS signature`);
  }
  return leaks;
}
