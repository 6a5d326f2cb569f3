/**
 * The outputs as the runner reads them: set through `@actions/core` into a $GITHUB_OUTPUT file and
 * read back with the runner's `name<<delimiter` parsing, multi-line values and values that look
 * like blocks or delimiters included.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secrets } from '../../../src/redact.js';
import { outputsOf, writeOutputs } from '../../../src/report/outputs.js';
import { RunRecord } from '../../../src/report/record.js';
import { parseOutputFile } from '../../../test/support/action.js';
import { captureStdout } from '../../../test/support/stdout.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'store-submit-outputs-'));
const written = captureStdout();
const saved = process.env.GITHUB_OUTPUT;

afterEach(() => {
  secrets.clear();
  if (saved === undefined) delete process.env.GITHUB_OUTPUT;
  else process.env.GITHUB_OUTPUT = saved;
});

function committed(): RunRecord {
  const record = new RunRecord();
  record.submissionId = '1152921504621243540';
  record.status = 'CommitFailed';
  record.statusDetails = { errors: [{ code: 'MissingFiles', details: 'App_1.0.0.0_x64.msixupload' }] };
  record.rolloutAfter = { status: 'PackageRolloutInProgress', percentage: 12.5 };
  return record;
}

describe('outputsOf', () => {
  test('maps the record to the contract outputs', () => {
    const record = committed();
    expect(outputsOf(record)).toEqual({
      'submission-id': '1152921504621243540',
      status: 'CommitFailed',
      'status-details': JSON.stringify(record.statusDetails),
      'rollout-status': 'PackageRolloutInProgress',
      'rollout-percentage': '12.5',
    });
  });

  test("gives the read-back's outcome as 'verification' when the run checked, or recorded why not", () => {
    const record = committed();
    expect(outputsOf(record)).not.toHaveProperty('verification');
    record.verification = {
      outcome: 'failed',
      added: ['A.msix'],
      kept: [],
      problems: ['A.msix: dropped'],
      versionNotReported: [],
    };
    expect(outputsOf(record).verification).toBe('failed');
  });

  test('a secret in a value is masked', () => {
    secrets.add('token-abcdef');
    const record = new RunRecord();
    record.status = 'refused token-abcdef';
    expect(outputsOf(record)).toEqual({ status: 'refused ***' });
  });
});

describe('the links (docs/contract.md, Outputs)', () => {
  const SUBMISSION = '1152921504621243540';
  const links = (record: RunRecord) => {
    const { 'submission-url': submissionUrl, 'store-url': storeUrl } = outputsOf(record);
    return { submissionUrl, storeUrl };
  };

  test.each<[string, (record: RunRecord) => void, { submissionUrl?: string; storeUrl?: string }]>([
    [
      'an app submission',
      (record) => {
        record.setTarget({ kind: 'app', appId: '9NBLGGH4R315' });
        record.submissionId = SUBMISSION;
      },
      {
        submissionUrl: `https://partner.microsoft.com/dashboard/products/9NBLGGH4R315/submissions/${SUBMISSION}`,
        storeUrl: 'https://apps.microsoft.com/detail/9NBLGGH4R315',
      },
    ],
    [
      "a flight submission: under its app's Store ID",
      (record) => {
        record.setTarget({ kind: 'flight', appId: '9NBLGGH4R315', flightId: '0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d' });
        record.submissionId = SUBMISSION;
      },
      {
        submissionUrl: `https://partner.microsoft.com/dashboard/products/9NBLGGH4R315/submissions/${SUBMISSION}`,
        storeUrl: 'https://apps.microsoft.com/detail/9NBLGGH4R315',
      },
    ],
    [
      'an add-on submission',
      (record) => {
        record.setTarget({ kind: 'add-on', addOnId: '9NXQXXLFST89' });
        record.submissionId = SUBMISSION;
      },
      {
        submissionUrl: `https://partner.microsoft.com/dashboard/products/9NXQXXLFST89/submissions/${SUBMISSION}`,
        storeUrl: 'https://apps.microsoft.com/detail/9NXQXXLFST89',
      },
    ],
    [
      'an MSI/EXE product: its overview, and no Store ID to link',
      (record) => {
        record.installerProductId = '0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d';
        record.submissionId = SUBMISSION;
      },
      {
        submissionUrl: 'https://partner.microsoft.com/dashboard/products/0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d/overview',
      },
    ],
    [
      'an app run without a submission (a dry run)',
      (record) => record.setTarget({ kind: 'app', appId: '9NBLGGH4R315' }),
      { storeUrl: 'https://apps.microsoft.com/detail/9NBLGGH4R315' },
    ],
    ['a run that failed on its inputs', () => undefined, {}],
  ])('%s', (_what, build, expected) => {
    const record = new RunRecord();
    build(record);
    expect(links(record)).toEqual({ submissionUrl: undefined, storeUrl: undefined, ...expected });
  });
});

describe('writeOutputs, through @actions/core into $GITHUB_OUTPUT', () => {
  test('read back as set, with nothing on stdout', () => {
    const file = path.join(folder, 'output-1');
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
    const record = committed();
    writeOutputs(record);
    expect(parseOutputFile(readFileSync(file, 'utf8'))).toEqual(outputsOf(record));
    expect(written).toEqual([]);
  });

  test('multi-line values, a value that opens a block and one that looks like a delimiter keep their lines', () => {
    const file = path.join(folder, 'output-2');
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
    const record = new RunRecord();
    record.status = 'line one\nline two';
    record.flightId = 'x<<EOF\ny=z\nEOF';
    record.addOnId = 'ghadelimiter_00000000-0000-4000-8000-000000000000\nrollout-status=hijacked';
    writeOutputs(record);
    expect(parseOutputFile(readFileSync(file, 'utf8'))).toEqual({
      status: 'line one\nline two',
      'flight-id': 'x<<EOF\ny=z\nEOF',
      'add-on-id': 'ghadelimiter_00000000-0000-4000-8000-000000000000\nrollout-status=hijacked',
      // A link is built from the ID encoded, so it stays one line whatever the ID holds.
      'store-url':
        'https://apps.microsoft.com/detail/ghadelimiter_00000000-0000-4000-8000-000000000000%0Arollout-status%3Dhijacked',
    });
  });

  test('without $GITHUB_OUTPUT (an older runner), a set-output command on stdout', () => {
    delete process.env.GITHUB_OUTPUT;
    const record = new RunRecord();
    record.status = 'Committed';
    writeOutputs(record);
    expect(written.join('')).toBe(`${os.EOL}::set-output name=status::Committed${os.EOL}`);
  });
});
