/**
 * The Store's text reaches the `::error` line, the outputs and the job summary cut to a size, and
 * says so: 60,000 statusDetails errors (the input) give a line, an output and a summary of
 * a few KiB, each naming how many were left out; the run record artifact keeps them all.
 */
import { SubmissionFailedError } from '../../../src/errors.js';
import { reportFailure } from '../../../src/report/failure.js';
import { recordDocument } from '../../../src/report/artifact.js';
import { RunRecord } from '../../../src/report/record.js';
import { OUTPUT_LIMIT_BYTES, outputsOf } from '../../../src/report/outputs.js';
import { renderSummary } from '../../../src/report/summary.js';
import { describeStatusDetails } from '../../../src/store/status-details.js';
import { captureStdout } from '../../../test/support/stdout.js';

const written = captureStdout();

/** The answer: 60,000 errors of about 240 bytes each. */
const details = {
  errors: Array.from({ length: 60_000 }, (_, i) => ({
    code: 'InvalidParameterValue',
    details: `Error ${i}: the value of listings/en-us/baseListing/features/${i} is not valid; ${'x'.repeat(160)}`,
  })),
  warnings: [{ code: 'SalesUnsupportedWarning', details: 'The sales resource is not supported.' }],
};

function failed(): RunRecord {
  const record = new RunRecord();
  record.submissionId = '1152921504621243540';
  record.status = 'CommitFailed';
  record.statusDetails = details;
  return record;
}

afterEach(() => {
  process.exitCode = undefined;
});

test('describeStatusDetails gives the first 20 and counts the rest', () => {
  const lines = describeStatusDetails(details);
  expect(lines).toHaveLength(21);
  expect(lines[0]).toMatch(/^error InvalidParameterValue: Error 0: /);
  expect(lines[19]).toMatch(/^error InvalidParameterValue: Error 19: /);
  expect(lines[20]).toBe('… and 59,981 more; the full list is in the run record artifact');
});

test('one very long detail is cut', () => {
  const [line] = describeStatusDetails({ errors: [{ code: 'X', details: 'y'.repeat(100_000) }] });
  expect(line!.length).toBeLessThan(1100);
  expect(line).toMatch(/… \(99,\d{3} more characters\)$/);
});

test('the ::error line of a failed commit holds the first errors and the count', () => {
  const detail = describeStatusDetails(details).join('; ');
  reportFailure(new SubmissionFailedError('1152921504621243540', 'CommitFailed', detail), failed());
  const line = written
    .join('')
    .split('\n')
    .find((l) => l.startsWith('::error'));
  expect(line).toBeDefined();
  expect(line!.length).toBeLessThan(16 * 1024);
  expect(line).toContain('and 59,981 more; the full list is in the run record artifact');
});

test('any error message past 16 KiB is cut on the ::error line, saying so', () => {
  reportFailure(new Error(`GET applications/9N: ${'z'.repeat(14_500_000)}`), new RunRecord());
  const line = written
    .join('')
    .split('\n')
    .find((l) => l.startsWith('::error'));
  expect(line!.length).toBeLessThan(16 * 1024 + 200);
  expect(line).toMatch(/… \(14,4\d\d,\d{3} more characters\)$/);
});

test('the status-details output is valid JSON within the output limit, naming what it left out', () => {
  const output = outputsOf(failed())['status-details']!;
  expect(Buffer.byteLength(output)).toBeLessThanOrEqual(OUTPUT_LIMIT_BYTES);
  expect(OUTPUT_LIMIT_BYTES).toBe(64 * 1024);
  const parsed = JSON.parse(output) as { errors: unknown[]; warnings: unknown[]; omitted: Record<string, number> };
  expect(parsed.errors.length).toBeGreaterThan(0);
  expect(parsed.errors[0]).toEqual(details.errors[0]);
  expect(parsed.warnings).toEqual(details.warnings);
  expect(parsed.omitted).toEqual({ errors: 60_000 - parsed.errors.length });
});

test('a small status-details output is the whole JSON, as before', () => {
  const record = failed();
  record.statusDetails = { errors: details.errors.slice(0, 2), warnings: [] };
  expect(outputsOf(record)['status-details']).toBe(JSON.stringify(record.statusDetails));
});

test('every other output is cut to the output limit too', () => {
  const record = new RunRecord();
  record.status = 's'.repeat(200_000);
  expect(Buffer.byteLength(outputsOf(record).status!)).toBeLessThanOrEqual(OUTPUT_LIMIT_BYTES);
});

test('the job summary lists the first 20 and the count', () => {
  const summary = renderSummary(failed());
  expect(Buffer.byteLength(summary)).toBeLessThan(64 * 1024);
  expect(summary).toContain('- … and 59,981 more; the full list is in the run record artifact');
});

test('the run record artifact keeps every error', () => {
  const document = JSON.parse(recordDocument(failed())) as { statusDetails: typeof details };
  expect(document.statusDetails.errors).toHaveLength(60_000);
});
