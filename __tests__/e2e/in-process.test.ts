/**
 * `run()` in-process, as `@github/local-action` or a debugger runs it: importing src/main.ts runs
 * nothing; inputs from INPUT_* variables, the log through an injected logger, outputs and summary
 * in the runner's files. The other end-to-end suites run the bundle; this one runs the sources.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SEED_APP_ID } from '../../test/emulator/index.js';
import { actionDefaults, parseOutputFile } from '../../test/support/action.js';
import { MemoryLogger } from '../../test/support/memory-logger.js';
import { startStack, type Stack } from '../../test/support/stack.js';
import { captureStdout } from '../../test/support/stdout.js';

let stack: Stack;
let scratch: string;
const saved = { ...process.env };
const written = captureStdout();

beforeAll(async () => {
  stack = await startStack();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'store-submit-inprocess-'));
});

afterAll(async () => {
  process.env = saved;
  process.exitCode = undefined;
  await stack?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test('importing src/main.ts runs nothing: no output, no exit code, no signal handler', async () => {
  const handlers = process.listenerCount('SIGTERM');
  await import('../../src/main.js');
  expect(written).toEqual([]);
  expect(process.exitCode).toBeUndefined();
  expect(process.listenerCount('SIGTERM')).toBe(handlers);
});

test('a submit run in-process logs through the injected logger and writes outputs and summary', async () => {
  const sha = await stack.file('inproc/ContosoNotes_6.1.0.0_x64.msixupload', 40_000);
  const outputFile = path.join(scratch, 'output');
  const summaryFile = path.join(scratch, 'summary.md');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const inputs = {
    ...actionDefaults(),
    ...stack.connection,
    'app-id': SEED_APP_ID,
    packages: 'inproc/*.msixupload',
    'artifact-name': '',
  };
  process.env = {
    ...saved,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: stack.workspace,
    NO_PROXY: '127.0.0.1,localhost',
  };
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;

  const { run } = await import('../../src/main.js');
  const logger = new MemoryLogger();
  await run({ logger });

  expect(process.exitCode).toBeUndefined();
  const outputs = parseOutputFile(await readFile(outputFile, 'utf8'));
  const id = outputs['submission-id'] as string;
  expect(id).toMatch(/^\d+$/);
  expect(stack.emulator.state.uploads(id)).toEqual([expect.objectContaining({ sha256: sha })]);
  expect(logger.text()).toContain(`Created submission ${id}`);
  expect(logger.text()).toMatch(/Uploaded .* MB in/);
  expect(await readFile(summaryFile, 'utf8')).toContain(`| Submission | ${id} |`);
  // Every log line went to the injected logger: stdout holds only @actions/core's own commands.
  const lines = written.join('').split(os.EOL).filter(Boolean);
  expect(lines.filter((line) => !/^::(add-mask|group|endgroup)::/.test(line))).toEqual([]);
  expect(lines).toContain(`::group::Upload`);
});
