/**
 * The one logging path: no value from an input or from the Store can act as a workflow command,
 * whichever way it reaches the output (a log line, a warning, a debug line, a group title, the
 * error annotation), and secrets are masked on every one of them. A hostile-value table goes
 * through the pure neutraliser, through the guarded logger, and through `@actions/core` as the
 * runner sees it (stdout, split into lines the way the runner reads them).
 */
import { INPUT_ERROR_TITLE, logError, logGroup, runLogger, safeText } from '../../src/actions-log.js';
import { guardedLogger, neutralise, oneLine } from '../../src/log.js';
import { run } from '../../src/main.js';
import { secrets } from '../../src/redact.js';
import { MemoryLogger } from '../../test/support/memory-logger.js';
import { captureStdout } from '../../test/support/stdout.js';
import os from 'node:os';

/** Values a pull request or a Store answer could carry into the log. */
const HOSTILE: [string, string][] = [
  ['an error annotation after a line break (flight-name)', 'Ring X\n::error title=INJ::INJECTED'],
  ['stop-commands, which would silence our own ::error', 'x\n::stop-commands::pwned-token'],
  ['stop-commands at the very start', '::stop-commands::pwned-token'],
  ['add-mask, which would hide any text of the log', 'a\n::add-mask::Submission'],
  ['set-output after a carriage return', 'name\r::set-output name=submission-id::666'],
  ['a warning after CR LF', 'text\r\n::warning::INJECTED'],
  ['blanks before the command (the runner trims them)', 'x\n   \t::error::INJECTED'],
  ['a no-break space before the command', 'x\n\u00a0::error::INJECTED'],
  ['a zero-width space before the command', 'x\n\u200b::error::INJECTED'],
  ['a byte order mark before the command', 'x\n\ufeff::error::INJECTED'],
  ['a control character before the command', 'x\n\u001f::error::INJECTED'],
  ['a Unicode line separator', 'x\u2028::error::INJECTED'],
  ['a next-line character', 'x\u0085::error::INJECTED'],
  ['echo on', 'x\n::echo::on'],
  ['save-state', 'x\n::save-state name=a::b'],
  ['a group that never ends', 'x\n::group::INJECTED'],
  ['the old ##[ form at the start', '##[error]INJECTED'],
  ['the old ##[ form inside a line', 'name ##[set-output name=x;]666'],
  ['several commands on several lines', '::error::one\n::warning::two\n\n::notice::three'],
  [
    'a JSON error message from the Store',
    '{"code":"X","message":"bad\\n::error::not a command (escaped)"}\n::error::INJECTED',
  ],
  ['statusDetails with a newline in a detail', 'Certification failed:\n::error file=a::INJECTED'],
];

/**
 * How a runner finds a command: lines split on \r\n, \r, \n (and, to be safe, the Unicode line
 * breaks a viewer may honour); white space trimmed; `::` at the start, or `##[` anywhere.
 */
function runnerCommands(output: string): string[] {
  return (
    output
      .split(/\r\n|[\r\n\u0085\u2028\u2029]/)
      // eslint-disable-next-line no-control-regex
      .map((line) => line.replace(/^[\s\u0000-\u001f\u0085\u200b-\u200f\u2060\ufeff]+/, ''))
      .filter((line) => line.startsWith('::') || line.includes('##['))
  );
}

describe('neutralise', () => {
  test.each(HOSTILE)('%s: no line starts a command', (_what, value) => {
    expect(runnerCommands(value).length).toBeGreaterThan(0);
    const safe = neutralise(value);
    expect(runnerCommands(safe)).toEqual([]);
    // Every line is still there, and still readable.
    expect(safe.split(/\r\n|[\r\n\u0085\u2028\u2029]/).length).toBe(
      value.split(/\r\n|[\r\n\u0085\u2028\u2029]/).length,
    );
    expect(safe.replace(/%3A/g, ':').replace(/#%23\[/g, '##[')).toBe(value);
  });

  test.each(HOSTILE)('%s: neutralising twice changes nothing more', (_what, value) => {
    expect(neutralise(neutralise(value))).toBe(neutralise(value));
  });

  test.each([
    'Uploading: 50% (12.0 MB of 24.0 MB)',
    'Created submission 1152921504606846976',
    'a::b and http://[::1]:8080/ in the middle of a line',
    'The submission JSON that would be sent:\n{\n  "notesForCertification": "::not at the start"\n}',
    '100%25 stays %0A as written',
    '# heading [x]',
    'Certification failed:\n  - ::error file=a:: is a quoted detail, not a command',
  ])('ordinary text is left as it is: %s', (text) => {
    expect(neutralise(text)).toBe(text);
  });

  test('oneLine shows line breaks as \\n', () => {
    expect(oneLine('a\nb\r\nc\rd\u2028e')).toBe('a\\nb\\nc\\nd\\ne');
  });
});

describe('guardedLogger: masked, then neutralised, on every level', () => {
  afterEach(() => secrets.clear());

  test.each(HOSTILE)('%s', (_what, value) => {
    const sink = new MemoryLogger();
    const logger = guardedLogger(sink, (text) => secrets.redact(text));
    logger.info(`Created package flight '${value}'`);
    logger.warning(`The Store said: ${value}`);
    logger.debug(`statusDetails: ${value}`);
    expect(sink.lines).toHaveLength(3);
    for (const line of sink.lines) expect(runnerCommands(line.message)).toEqual([]);
  });

  test('a secret is masked before the line is neutralised, so no escape can split it', () => {
    secrets.add('::s3cr3t::value');
    const sink = new MemoryLogger();
    guardedLogger(sink, (text) => secrets.redact(text)).info('token\n::s3cr3t::value');
    expect(sink.lines[0]?.message).toBe('token\n***');
  });
});

describe('through @actions/core, as the runner reads stdout', () => {
  const written = captureStdout();
  afterEach(() => secrets.clear());

  /** The commands in what was written, with our own (the line's first characters) told apart from injected ones. */
  function commandsWritten(): string[] {
    return runnerCommands(written.join(''));
  }

  test.each(HOSTILE)('%s: only our own group, warning, debug and one error command', async (_what, value) => {
    const logger = runLogger();
    await logGroup(`Create package flight '${value}'`, async () => {
      logger.info(`Created package flight '${value}'`);
      logger.warning(value);
      logger.debug(value);
    });
    logError(`The Store refused '${value}'`, { title: value });
    const commands = commandsWritten();
    // Our own commands, each as @actions/core writes it, start their line; nothing else does.
    expect(commands.map((c) => /^::([a-z-]+)[ :]/.exec(c)?.[1])).toEqual([
      'group',
      'warning',
      'debug',
      'endgroup',
      'error',
    ]);
    for (const line of written.join('').split(/\r\n|[\r\n\u0085\u2028\u2029]/)) {
      expect(line).not.toMatch(/^\s*::(stop-commands|add-mask|set-output|save-state|echo|notice)/);
    }
    expect(commands.filter((c) => c.startsWith('::error'))).toHaveLength(1);
  });

  test('an input error names the input once: in the message, not again in the title', () => {
    logError("Input 'flight-name': is required", { title: INPUT_ERROR_TITLE });
    const line = written.join('').trim();
    expect(line.startsWith('::error title=Invalid input::')).toBe(true);
    expect(line.split("Input 'flight-name'")).toHaveLength(2);
  });

  test('secrets are masked in group titles, log lines and the error annotation', async () => {
    secrets.add('Sup3r-S3cret');
    await logGroup('Sign in with Sup3r-S3cret', async () => runLogger().info('the secret Sup3r-S3cret'));
    logError('failed with Sup3r-S3cret', { title: 'Sup3r-S3cret' });
    const text = written.filter((chunk) => !chunk.startsWith('::add-mask::')).join('');
    expect(text).not.toContain('Sup3r-S3cret');
    expect(safeText('Sup3r-S3cret')).toBe('***');
  });

  test("an error's place and title are written as the runner reads annotation properties, : and , escaped", () => {
    logError('Unexpected token', {
      title: 'Invalid input: a, b',
      file: 'store/sub.json',
      startLine: 3,
      startColumn: 14,
    });
    expect(written).toEqual([
      `::error title=Invalid input%3A a%2C b,file=store/sub.json,line=3,col=14::Unexpected token${os.EOL}`,
    ]);
  });

  test('a message is escaped (% CR LF) so that it stays one command line', () => {
    logError('50%\r\nnext');
    expect(written).toEqual([`::error::50%25%0D%0Anext${os.EOL}`]);
  });
});

describe('run(): the client secret is masked before anything is printed', () => {
  const written = captureStdout();
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    process.exitCode = undefined;
    secrets.clear();
  });

  test('a run that fails on its inputs writes ::add-mask:: of the secret first, then its one error', async () => {
    // Only the inputs and PATH: no runner files, so nothing of this run reaches a real job's outputs or summary.
    process.env = { PATH: saved.PATH, 'INPUT_CLIENT-SECRET': 'Sup3r-S3cret-Value', INPUT_COMMAND: 'status' };
    await run();
    expect(process.exitCode).toBe(1);
    expect(written[0]).toBe(`::add-mask::Sup3r-S3cret-Value${os.EOL}`);
    const errors = written.filter((chunk) => chunk.startsWith('::error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=Invalid input::Input '/);
    expect(written.slice(1).join('')).not.toContain('Sup3r-S3cret-Value');
  });
});
