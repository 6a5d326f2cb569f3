import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secrets } from '../../../src/redact.js';
import { recordDocument } from '../../../src/report/artifact.js';
import { RunRecord } from '../../../src/report/record.js';
import { SUMMARY_LIMIT_BYTES, renderSummary, writeSummary } from '../../../src/report/summary.js';

function failedCommit(): RunRecord {
  const record = new RunRecord();
  record.command = 'submit';
  record.target = 'app 9NBLGGH4R315';
  record.submissionId = '1152921504621243540';
  record.createdSubmission = true;
  const start = new Date('2026-11-23T10:00:00Z');
  record.observeStatus('CommitStarted', start, start);
  record.observeStatus('CommitStarted', new Date('2026-11-23T10:00:30Z'), start);
  record.observeStatus('CommitFailed', new Date('2026-11-23T10:01:05Z'), start);
  record.statusDetails = {
    errors: [{ code: 'MissingFiles', details: 'App_1.0.0.0_x64.msixupload is not in the zip' }],
    warnings: [{ code: 'SalesUnsupportedWarning', details: 'Sales are not supported' }],
    certificationReports: [{ date: '2026-11-23T10:01:00Z', reportUrl: 'https://partner.microsoft.com/report/1' }],
  };
  record.files.push({ name: 'App_1.0.0.0_x64.msixupload', size: 3 * 1048576 }, { name: 'en-us/shot.png', size: 2048 });
  record.upload = { bytes: 3 * 1048576 + 2200, seconds: 1.5, mbPerSecond: 2.1 };
  record.errors.push(
    'Submission 1152921504621243540 ended in CommitFailed: error MissingFiles: App_1.0.0.0_x64.msixupload is not in the zip',
  );
  record.warnings.push("Ignored read-only field 'status' of submission-json");
  record.submissionSent = { applicationPackages: [], notesForCertification: 'hi' };
  return record;
}

afterEach(() => secrets.clear());

describe('renderSummary', () => {
  test('shows the target, the submission, its status, files, timeline, Store errors and reports', () => {
    const markdown = renderSummary(failedCommit());
    expect(markdown.split('\n')[0]).toBe('## Microsoft Store: submit ❌ failed');
    for (const line of [
      '| Target | app 9NBLGGH4R315 |',
      '| Submission | 1152921504621243540 |',
      '| Status | **CommitFailed** |',
      '| Upload | 3.1 MB in 1.5 s (2.1 MB/s) |',
      '- Submission 1152921504621243540 ended in CommitFailed: error MissingFiles: App_1.0.0.0_x64.msixupload is not in the zip',
      '> This run created submission **1152921504621243540** before it failed.',
      '| App_1.0.0.0_x64.msixupload | 3.1 MB |  |  |',
      '| en-us/shot.png | 2.0 KB |  |  |',
      '| CommitStarted | 2026-11-23 10:00:00 | 0 s |',
      '| CommitFailed | 2026-11-23 10:01:05 | 65 s |',
      '- error MissingFiles: App_1.0.0.0_x64.msixupload is not in the zip',
      '- warning SalesUnsupportedWarning: Sales are not supported',
      '- [2026-11-23T10:01:00Z](https://partner.microsoft.com/report/1)',
      "- Ignored read-only field 'status' of submission-json",
      '  "notesForCertification": "hi"',
    ]) {
      expect(markdown).toContain(line);
    }
    // A status seen twice is one timeline row.
    expect(markdown.match(/\| CommitStarted \|/g)).toHaveLength(1);
  });

  test("links the submission's Partner Center page and the product's Store page", () => {
    const record = failedCommit();
    record.setTarget({ kind: 'app', appId: '9NBLGGH4R315' });
    expect(renderSummary(record)).toContain(
      '| Links | [Submission in Partner Center](https://partner.microsoft.com/dashboard/products/9NBLGGH4R315/submissions/1152921504621243540) · [Store page](https://apps.microsoft.com/detail/9NBLGGH4R315) |',
    );
    const installer = new RunRecord();
    installer.installerProductId = '0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d';
    expect(renderSummary(installer)).toContain(
      '| Links | [Product in Partner Center](https://partner.microsoft.com/dashboard/products/0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d/overview) |',
    );
    expect(renderSummary(new RunRecord())).not.toContain('| Links |');
  });

  test('removes every registered secret and any SAS signature', () => {
    const record = failedCommit();
    secrets.add('very-secret-token');
    record.errors.push('PUT failed with very-secret-token at https://blob/x?sv=1&sig=abc%2Bdef&se=2');
    const markdown = renderSummary(record);
    expect(markdown).not.toContain('very-secret-token');
    expect(markdown).not.toContain('abc%2Bdef');
    expect(markdown).toContain('sig=***');
  });

  test('stays under the 1 MiB summary limit, cutting the JSON first', () => {
    const record = failedCommit();
    record.submissionSent = { blob: 'x'.repeat(3 * 1024 * 1024) };
    const markdown = renderSummary(record);
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(markdown).toContain('(cut; the full JSON is in the run record artifact)');
    expect(markdown).toContain('| Status | **CommitFailed** |');
  });

  test('a successful run is marked so and says nothing of created submissions', () => {
    const record = failedCommit();
    record.succeeded = true;
    record.errors.length = 0;
    const markdown = renderSummary(record);
    expect(markdown.split('\n')[0]).toBe('## Microsoft Store: submit ✅ succeeded');
    expect(markdown).not.toContain('before it failed');
  });

  test('shows what the read-back found: each file the Store did not take, or why nothing was checked', () => {
    const record = failedCommit();
    record.verification = {
      outcome: 'failed',
      status: 'PreProcessing',
      added: ['App_2.0.0.0_x64.msixupload'],
      kept: ['App_1.0.0.0_x64.msixupload'],
      problems: ['App_2.0.0.0_x64.msixupload: the Store dropped it in processing'],
      versionNotReported: [],
    };
    expect(renderSummary(record)).toContain(
      [
        '### What the Store took',
        'Read back at **PreProcessing**: ❌ differs from what this run committed.',
        '- Added: `App_2.0.0.0_x64.msixupload`',
        '- Kept: `App_1.0.0.0_x64.msixupload`',
        '- ❌ App_2.0.0.0_x64.msixupload: the Store dropped it in processing',
      ].join('\n'),
    );
    record.verification = {
      ...record.verification,
      outcome: 'unconfirmed',
      problems: [],
      versionNotReported: ['App_2.0.0.0_x64.msixupload'],
    };
    expect(renderSummary(record)).toContain(
      '✅ lists every file this run added and kept.\n- Added: `App_2.0.0.0_x64.msixupload`\n- Kept: `App_1.0.0.0_x64.msixupload`\n- Version not reported yet (names checked, versions not): `App_2.0.0.0_x64.msixupload`',
    );
    record.verification = {
      outcome: 'not-checked',
      added: [],
      kept: [],
      problems: [],
      versionNotReported: [],
      reason: 'no wait',
    };
    expect(renderSummary(record)).toContain('### What the Store took\nNot checked: no wait.');
  });
});

describe('recordDocument', () => {
  test('keeps the history and the calls, without secrets', () => {
    const record = failedCommit();
    secrets.add('token-abcdef');
    record.calls.push({
      method: 'GET',
      path: 'applications/9N',
      status: 200,
      correlationId: 'corr-1',
      attempt: 1,
      ms: 12,
    });
    record.submissionReturned = { fileUploadUrl: 'https://blob/x?…', note: 'token-abcdef' };
    const document = JSON.parse(recordDocument(record)) as Record<string, unknown>;
    expect(document.timeline).toHaveLength(2);
    expect(document.calls).toEqual([
      { method: 'GET', path: 'applications/9N', status: 200, correlationId: 'corr-1', attempt: 1, ms: 12 },
    ]);
    expect(JSON.stringify(document)).not.toContain('token-abcdef');
  });
});

describe('writeSummary, through @actions/core into $GITHUB_STEP_SUMMARY', () => {
  const saved = process.env.GITHUB_STEP_SUMMARY;
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
  });

  // First: @actions/core keeps the summary file it found for the rest of the process.
  test('refused without a summary file (a local run)', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    await expect(writeSummary(failedCommit())).rejects.toThrow(/GITHUB_STEP_SUMMARY/);
  });

  test("appended after an earlier step's summary, as rendered", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'store-submit-summary-')), 'summary.md');
    writeFileSync(file, 'earlier step\n');
    process.env.GITHUB_STEP_SUMMARY = file;
    await writeSummary(failedCommit());
    expect(readFileSync(file, 'utf8')).toBe(`earlier step\n${renderSummary(failedCommit())}`);
  });
});
