/**
 * The `::error` line of a stopped run says once that the submission stays in the Store, whether
 * the run created it or continued it, and whether its status was read or not.
 */
import { reportFailure } from '../../../src/report/failure.js';
import { RunRecord } from '../../../src/report/record.js';
import { RunStopped } from '../../../src/stop.js';
import { captureStdout } from '../../../test/support/stdout.js';

const written = captureStdout();

afterEach(() => {
  process.exitCode = undefined;
});

function errorLine(): string {
  const line = written
    .join('')
    .split('\n')
    .find((l) => l.startsWith('::error'));
  if (line === undefined) throw new Error('no ::error line');
  return line;
}

test.each([
  ['created by this run, status read', true, 'CommitStarted'],
  ['created by this run, no status yet', true, undefined],
  ['continued, no status yet', false, undefined],
])('a cancel names the submission and says "in the Store" once: %s', (_what, created, status) => {
  const record = new RunRecord();
  record.submissionId = '1152921504621243540';
  record.createdSubmission = created;
  if (status) record.status = status;
  record.phase = 'Upload';
  reportFailure(new RunStopped('cancelled', 'SIGTERM'), record);
  const line = errorLine();
  expect(line).toContain('The run was cancelled (SIGTERM): submission 1152921504621243540');
  expect(line.split('in the Store')).toHaveLength(2);
  if (status) expect(line).toContain(`is still in ${status}`);
  if (created) expect(line).toContain('this run created it');
});

test('a failure that is not a stop still names the submission this run created', () => {
  const record = new RunRecord();
  record.submissionId = '1152921504621243540';
  record.createdSubmission = true;
  reportFailure(new Error('PUT failed'), record);
  expect(errorLine()).toContain(
    'PUT failed (this run created submission 1152921504621243540, which is still in the Store)',
  );
});
