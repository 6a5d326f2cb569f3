/**
 * The runner's formats as runner.ts writes them: inputs, workflow commands and their escapes,
 * outputs in $GITHUB_OUTPUT (read back the way the runner parses the file) and the job summary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureStdout } from '../../test/support/stdout.js';
import {
  appendSummary,
  commandData,
  error,
  getInput,
  group,
  info,
  setOutput,
  setSecret,
  warning,
} from '../../src/runner.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'store-submit-runner-'));

const written = captureStdout();

/** The outputs in a $GITHUB_OUTPUT file, parsed as the runner parses it (`name<<delimiter` blocks and `name=value` lines). */
function readOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(os.EOL);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const [, name = '', delimiter] = block;
      const end = lines.indexOf(delimiter ?? '', i + 1);
      outputs[name] = lines.slice(i + 1, end).join(os.EOL);
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

describe('inputs', () => {
  test.each([
    ['app-id', 'INPUT_APP-ID', ' 9NBLGGH4R315 \n', '9NBLGGH4R315'],
    ['release notes', 'INPUT_RELEASE_NOTES', 'x', 'x'],
    ['command', 'INPUT_OTHER', 'x', ''],
  ])('%s is read from %s, trimmed; unset is empty', (name, variable, value, expected) => {
    expect(getInput(name, { [variable]: value })).toBe(expected);
  });
});

describe('workflow commands', () => {
  test('data is escaped (% CR LF) so a message stays one line and cannot open a command of its own', () => {
    expect(commandData('50%\r\n::error::x')).toBe('50%25%0D%0A::error::x');
    warning('a\n::error::injected');
    expect(written).toEqual([`::warning::a%0A::error::injected${os.EOL}`]);
  });

  test('annotation properties are escaped for : and , as well, and named as the runner reads them', () => {
    error('bad JSON', { title: 'Invalid input: a, b', file: 'store/sub.json', startLine: 3, startColumn: 14 });
    expect(written).toEqual([
      `::error title=Invalid input%3A a%2C b,file=store/sub.json,line=3,col=14::bad JSON${os.EOL}`,
    ]);
  });

  test('an error without properties, a mask and a plain line', () => {
    error('failed');
    setSecret('s3cr+t%');
    info('plain');
    expect(written).toEqual([`::error::failed${os.EOL}`, `::add-mask::s3cr+t%25${os.EOL}`, `plain${os.EOL}`]);
  });

  test('a group ends when its work fails', async () => {
    await expect(group('Upload', async () => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    expect(written).toEqual([`::group::Upload${os.EOL}`, `::endgroup::${os.EOL}`]);
  });
});

describe('outputs', () => {
  test('read back from $GITHUB_OUTPUT as set, multi-line values and values that look like blocks included', () => {
    const file = path.join(folder, 'output-1');
    writeFileSync(file, '');
    const values = { 'submission-id': '1152921504621243649', summary: 'line one\nline two', tricky: 'x<<EOF\ny=z' };
    for (const [name, value] of Object.entries(values)) setOutput(name, value, { GITHUB_OUTPUT: file });
    expect(readOutputFile(readFileSync(file, 'utf8'))).toEqual(values);
    expect(written).toEqual([]);
  });

  test('without $GITHUB_OUTPUT, a set-output command', () => {
    setOutput('status', 'Committed', {});
    expect(written).toEqual([`::set-output name=status::Committed${os.EOL}`]);
  });
});

describe('job summary', () => {
  test('appended to $GITHUB_STEP_SUMMARY', async () => {
    const file = path.join(folder, 'summary-1');
    writeFileSync(file, 'earlier step\n');
    await appendSummary('## store-submit\n', { GITHUB_STEP_SUMMARY: file });
    expect(readFileSync(file, 'utf8')).toBe('earlier step\n## store-submit\n');
  });

  test('refused without a summary file', async () => {
    await expect(appendSummary('x', {})).rejects.toThrow(/GITHUB_STEP_SUMMARY/);
  });
});
