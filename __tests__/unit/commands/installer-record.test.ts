/**
 * How an MSI/EXE flow's outcome reaches the run record, and from there the outputs, the job summary
 * and the artifact: the same renderers as MSIX runs, with the installers and the API's messages.
 */
import type { RunContext } from '../../../src/commands/context.js';
import { installerEntries, recordOutcome, statusDetailsOf } from '../../../src/commands/installer-product.js';
import { newInstallerOutcome } from '../../../src/commands/installer/follow.js';
import { secrets } from '../../../src/redact.js';
import { recordDocument } from '../../../src/report/artifact.js';
import { RunRecord } from '../../../src/report/record.js';
import { outputsOf } from '../../../src/report/outputs.js';
import { renderSummary } from '../../../src/report/summary.js';
import { describeStatusDetails } from '../../../src/store/status-details.js';

const NOW = new Date('2026-11-30T12:00:00Z');

/** Only what recordOutcome reads: the record and the clock. */
function context(record: RunRecord): RunContext {
  return { record, clock: { now: () => NOW, sleep: async () => undefined } } as unknown as RunContext;
}

afterEach(() => secrets.clear());

describe('recordOutcome', () => {
  test('a submission followed to the end: id, publishingStatus, timeline relative to the first status, messages', () => {
    const record = new RunRecord();
    const outcome = newInstallerOutcome();
    outcome.submissionId = '1152921505695003291';
    outcome.status = 'PUBLISHED';
    outcome.timeline.push(
      { status: 'INPROGRESS', at: new Date('2026-11-30T11:00:00Z') },
      { status: 'PUBLISHED', at: new Date('2026-11-30T11:42:10Z') },
    );
    outcome.statusDetails.warnings.push({
      code: 'warning',
      message: 'The screenshot for de-de is missing.',
      target: 'listings',
    });
    recordOutcome(context(record), outcome, false);
    expect(record.submissionId).toBe('1152921505695003291');
    expect(record.status).toBe('PUBLISHED');
    expect(record.timeline).toEqual([
      { status: 'INPROGRESS', at: '2026-11-30T11:00:00.000Z', elapsedSeconds: 0 },
      { status: 'PUBLISHED', at: '2026-11-30T11:42:10.000Z', elapsedSeconds: 2530 },
    ]);
    expect(outputsOf(record)).toEqual({
      'submission-id': '1152921505695003291',
      status: 'PUBLISHED',
      'status-details':
        '{"errors":[],"warnings":[{"code":"warning","message":"The screenshot for de-de is missing.","target":"listings"}]}',
    });
  });

  test('a failed publication keeps the submission, FAILED and the errors (the flow threw after filling them in)', () => {
    const record = new RunRecord();
    const outcome = newInstallerOutcome();
    outcome.submissionId = '42';
    outcome.status = 'FAILED';
    outcome.timeline.push({ status: 'INPROGRESS', at: NOW }, { status: 'FAILED', at: NOW });
    outcome.statusDetails.errors.push({
      code: 'certificationfailed',
      message: 'The installer did not install silently.',
      target: 'packages',
    });
    recordOutcome(context(record), outcome, false);
    expect(outputsOf(record)).toMatchObject({ 'submission-id': '42', status: 'FAILED' });
    expect(JSON.parse(outputsOf(record)['status-details'] as string).errors).toEqual([
      { code: 'certificationfailed', message: 'The installer did not install silently.', target: 'packages' },
    ]);
  });

  test('staged: status Draft, no submission; a run that stopped before submitting has no status at all', () => {
    const staged = new RunRecord();
    recordOutcome(context(staged), newInstallerOutcome(), true);
    expect(outputsOf(staged)).toEqual({ status: 'Draft' });
    expect(staged.timeline.map((t) => t.status)).toEqual(['Draft']);

    const stopped = new RunRecord();
    recordOutcome(context(stopped), newInstallerOutcome(), false);
    expect(outputsOf(stopped)).toEqual({});
    expect(stopped.timeline).toEqual([]);
  });
});

describe('the summary and the artifact of an MSI/EXE run', () => {
  function installerRun(): RunRecord {
    const record = new RunRecord();
    record.command = 'submit';
    record.target = 'MSI/EXE product 0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d';
    record.installers.push(
      ...installerEntries([
        {
          packageUrl: 'https://cdn.contoso.com/2.1.0/Contoso-x64.msi?sv=1&sig=c2VjcmV0c2lnbmF0dXJl',
          languages: ['en-us', 'de-de'],
          architectures: ['X64'],
          isSilentInstall: true,
          packageType: 'msi',
        },
        {
          packageUrl: 'https://github.com/contoso/app/releases/download/v2.1.0/Contoso-arm64.exe',
          languages: ['en-us'],
          architectures: ['Arm64'],
          isSilentInstall: false,
          installerParameters: '/S',
          packageType: 'exe',
        },
      ]),
    );
    record.installers[0]!.size = 24_000_000;
    record.submissionId = '7';
    record.observeStatus('INPROGRESS', NOW, NOW);
    record.statusDetails = statusDetailsOf(
      [{ code: 'badrequest', message: 'genericDocUrl is required if packageType is exe.', target: 'packages' }],
      [],
    );
    return record;
  }

  test('lists the installers (URL without query, architecture, type, languages, size) and the API messages', () => {
    const markdown = renderSummary(installerRun());
    expect(markdown).toContain('| Target | MSI/EXE product 0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d |');
    expect(markdown).toContain('### Installers\n| URL | Architecture | Type | Languages | Size |');
    expect(markdown).toContain(
      '| https://cdn.contoso.com/2.1.0/Contoso-x64.msi?… | x64 | msi | en-us, de-de | 24.0 MB |',
    );
    expect(markdown).toContain(
      '| https://github.com/contoso/app/releases/download/v2.1.0/Contoso-arm64.exe | arm64 | exe | en-us |  |',
    );
    expect(markdown).toContain(
      '- error badrequest (target packages): genericDocUrl is required if packageType is exe.',
    );
    expect(markdown).not.toContain('c2VjcmV0c2lnbmF0dXJl');
  });

  test('a dry run titles them as what would be sent; status titles them as the draft', () => {
    const dry = installerRun();
    dry.plan = {
      steps: ['wait until the draft is ready'],
      diff: { packagesAdded: [], packagesMarkedForDeletion: [], listingsTouched: [], changes: [] },
      submission: {},
      zipBytes: 0,
    };
    expect(renderSummary(dry)).toContain('### Installers that would be sent');
    const status = installerRun();
    status.command = 'status';
    expect(renderSummary(status)).toContain('### Installers in the draft');
  });

  test('the artifact keeps the installers, without the query', () => {
    const document = JSON.parse(recordDocument(installerRun())) as { installers: { url: string }[] };
    expect(document.installers.map((i) => i.url)).toEqual([
      'https://cdn.contoso.com/2.1.0/Contoso-x64.msi?…',
      'https://github.com/contoso/app/releases/download/v2.1.0/Contoso-arm64.exe',
    ]);
  });
});

describe('describeStatusDetails', () => {
  test.each([
    [
      { errors: [{ code: 'MissingFiles', details: 'App.msixupload is not in the zip' }] },
      ['error MissingFiles: App.msixupload is not in the zip'],
    ],
    [
      { warnings: [{ code: 'warning', message: 'Logo missing.', target: 'listings' }] },
      ['warning warning (target listings): Logo missing.'],
    ],
    [{ errors: [{ code: 'conflict', message: 'In progress.', target: '' }] }, ['error conflict: In progress.']],
  ])('reads both APIs’ forms: %j', (details, lines) => {
    expect(describeStatusDetails(details)).toEqual(lines);
  });
});
