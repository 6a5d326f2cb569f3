/**
 * The bundled action submitting app packages end to end: `node dist/index.js` against the Store API
 * emulator and Azurite, checked through the outputs file, the job summary and the emulator's state.
 */
import { SEED_APP_ID } from '../../test/emulator/index.js';
import { startStack, type Stack } from '../../test/support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());
beforeEach(() => {
  stack.emulator.faults.clear();
  Object.assign(stack.emulator.behaviour, {
    stuckInCommitStarted: false,
    commitFailure: undefined,
    certificationFailure: false,
    warnings: [],
  });
});

function packageEntries(submissionId: string): { fileName: string; fileStatus: string }[] {
  const resource = stack.emulator.state.submission(submissionId).resource;
  return (resource.applicationPackages as { fileName: string; fileStatus: string }[]).map(
    ({ fileName, fileStatus }) => ({ fileName, fileStatus }),
  );
}

async function waitForStatus(id: string, status: string): Promise<void> {
  for (let i = 0; i < 100 && stack.emulator.state.status(id) !== status; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(stack.emulator.state.status(id)).toBe(status);
}

/** Deletes whatever a previous test left pending, so each test starts from a published app. */
function clearPending(): void {
  const pending = stack.emulator.state.pendingSubmission(SEED_APP_ID);
  if (pending) stack.emulator.state.removeSubmission(pending.id);
}

describe('submit an app', () => {
  beforeEach(clearPending);

  test('adds packages, sets release notes everywhere and reaches Published', async () => {
    const x64 = await stack.file('out/x64/ContosoNotes_1.1.0.0_x64.msixupload', 3 * 1024 * 1024 + 17);
    const arm = await stack.file('out/arm64/ContosoNotes_1.1.0.0_arm64.msixupload', 2 * 1024 * 1024);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'out/**/*.msixupload',
      'release-notes': 'Faster start-up.',
      'wait-for': 'publish',
    });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    // 'wait-for: publish' ends at PendingPublication (the contract): publication itself follows.
    expect(['PendingPublication', 'Publishing', 'Published']).toContain(run.outputs.status);
    await waitForStatus(id, 'Published');
    expect(JSON.parse(run.outputs['status-details'] as string)).toHaveProperty('errors', []);

    const uploads = stack.emulator.state.uploads(id) ?? [];
    expect(uploads.map((u) => [u.name, u.sha256]).sort()).toEqual(
      [
        ['ContosoNotes_1.1.0.0_arm64.msixupload', arm],
        ['ContosoNotes_1.1.0.0_x64.msixupload', x64],
      ].sort(),
    );
    // The old package is kept; the new ones were processed.
    expect(packageEntries(id)).toEqual([
      { fileName: 'ContosoNotes_1.0.0.0_x64.msixupload', fileStatus: 'Uploaded' },
      { fileName: 'ContosoNotes_1.1.0.0_arm64.msixupload', fileStatus: 'Uploaded' },
      { fileName: 'ContosoNotes_1.1.0.0_x64.msixupload', fileStatus: 'Uploaded' },
    ]);
    const listings = stack.emulator.state.submission(id).resource.listings as Record<
      string,
      { baseListing: { releaseNotes: string } }
    >;
    expect(Object.keys(listings).sort()).toEqual(['de-de', 'en-us']);
    for (const listing of Object.values(listings)) expect(listing.baseListing.releaseNotes).toBe('Faster start-up.');
    // Unknown fields of the cloned submission survive the PUT.
    expect(stack.emulator.state.submission(id).resource).toHaveProperty('someFutureField');

    expect(run.summary).toContain(`| Submission | ${id} |`);
    const submissionUrl = `https://partner.microsoft.com/dashboard/products/${SEED_APP_ID}/submissions/${id}`;
    const storeUrl = `https://apps.microsoft.com/detail/${SEED_APP_ID}`;
    expect(run.outputs['submission-url']).toBe(submissionUrl);
    expect(run.outputs['store-url']).toBe(storeUrl);
    expect(run.summary).toContain(
      `| Links | [Submission in Partner Center](${submissionUrl}) · [Store page](${storeUrl}) |`,
    );
    expect(run.summary).toContain(`**${run.outputs.status}**`);
    expect(run.summary).toMatch(/\| ContosoNotes_1\.1\.0\.0_x64\.msixupload \| 3\.1 MB \| 1\.1\.0\.0 \| x64 \|/);
    expect(run.summary).toMatch(
      /### Status timeline[\s\S]*CommitStarted[\s\S]*(PendingPublication|Publishing|Published) \|/,
    );
    expect(run.summary).toMatch(/\| Upload \| 5\.2 MB in [\d.]+ s \([\d.]+ MB\/s\) \|/);
    expect(run.stdout).toMatch(/Uploaded 5\.2 MB in [\d.]+ s \([\d.]+ MB\/s\), \d+ blocks/);
  });

  test('replace-packages marks every old package PendingDelete and the Store removes them', async () => {
    await stack.file('replace/ContosoNotes_2.0.0.0_x64.msixupload', 1024 * 1024);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'replace/*.msixupload',
      'replace-packages': 'true',
      'wait-for': 'commit',
    });
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    const sent = stack.emulator.requests.find((r) => r.method === 'PUT' && r.path.endsWith(`/submissions/${id}`));
    expect(sent?.status).toBe(200);
    expect(['PreProcessing', 'Certification', 'Release', 'PendingPublication', 'Publishing', 'Published']).toContain(
      run.outputs.status,
    );
    // Read once published, not right after the run: the emulator keeps moving the submission on,
    // and publishing is what drops the PendingDelete entries. The Store takes a PUT only when every
    // old package is still listed (as Uploaded or PendingDelete), so an old package gone after
    // publishing was marked PendingDelete.
    await waitForStatus(id, 'Published');
    expect(packageEntries(id)).toEqual([{ fileName: 'ContosoNotes_2.0.0.0_x64.msixupload', fileStatus: 'Uploaded' }]);
  });

  test('on-pending: fail names the pending submission and sends no mutating request', async () => {
    const pending = stack.emulator.state.addUiPendingSubmission(SEED_APP_ID);
    const before = stack.emulator.mutatingRequests().length;
    await stack.file('pending/ContosoNotes_3.0.0.0_x64.msixupload', 1000);
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'pending/*.msixupload' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(`already has a pending submission ${pending.id}`);
    expect(run.errorLines[0]).toContain("'on-pending: delete'");
    expect(stack.emulator.mutatingRequests().length).toBe(before);
    expect(run.summary).toContain('❌ failed');
  });

  test('on-pending: delete deletes the pending submission and creates a new one', async () => {
    const pending = stack.emulator.state.addApiPendingSubmission(SEED_APP_ID);
    await stack.file('pending2/ContosoNotes_3.1.0.0_x64.msixupload', 1000);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'pending2/*.msixupload',
      'on-pending': 'delete',
      'wait-for': 'none',
    });
    expect(run.exitCode).toBe(0);
    expect(
      stack.emulator.requests.some(
        (r) => r.method === 'DELETE' && r.path.endsWith(`/submissions/${pending.id}`) && r.status < 300,
      ),
    ).toBe(true);
    expect(run.outputs['submission-id']).not.toBe(pending.id);
    expect(run.outputs.status).toBe('CommitStarted');
  });

  test('a CommitFailed submission fails the step with the Store details in the summary', async () => {
    stack.emulator.behaviour.commitFailure = {
      code: 'InvalidParameterValue',
      details: 'Request it is not IngestionWeb or IngestionApi',
    };
    await stack.file('failing/ContosoNotes_4.0.0.0_x64.msixupload', 1000);
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'failing/*.msixupload' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('CommitFailed');
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(
      /ended in CommitFailed: error InvalidParameterValue: Request it is not IngestionWeb or IngestionApi/,
    );
    expect(run.errorLines[0]).toContain(`this run created submission ${run.outputs['submission-id']}`);
    expect(run.summary).toContain('error InvalidParameterValue: Request it is not IngestionWeb or IngestionApi');
    expect(run.summary).toContain(`This run created submission **${run.outputs['submission-id']}**`);
  });

  test('a ready zip is uploaded as it is, byte for byte', async () => {
    const { makeZip } = await import('../../test/emulator/zip.js');
    const { readFile, writeFile } = await import('node:fs/promises');
    const { createHash } = await import('node:crypto');
    const packageBytes = Buffer.from('package bytes '.repeat(5000));
    const zipBytes = makeZip([
      { name: 'ContosoNotes_4.5.0.0_x64.msixupload', data: packageBytes },
      { name: 'en-us/Screenshot_9.png', data: Buffer.from('png') },
    ]);
    await writeFile(`${stack.workspace}/ready.zip`, zipBytes);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      'zip-path': 'ready.zip',
      'submission-json': JSON.stringify({
        applicationPackages: [
          {
            fileName: 'ContosoNotes_4.5.0.0_x64.msixupload',
            fileStatus: 'PendingUpload',
            minimumDirectXVersion: 'None',
            minimumSystemRam: 'None',
          },
        ],
      }),
    });
    expect(run.errorLines).toEqual([]);
    const id = run.outputs['submission-id'] as string;
    const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
    expect(stack.emulator.state.uploads(id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'ContosoNotes_4.5.0.0_x64.msixupload', sha256: sha(packageBytes) }),
      ]),
    );
    expect(await readFile(`${stack.workspace}/ready.zip`)).toEqual(zipBytes);
    expect(run.summary).toContain('| ContosoNotes_4.5.0.0_x64.msixupload | 70.0 KB |');
  });

  test('a ready zip that lacks a file the JSON names fails before anything changes', async () => {
    const { makeZip } = await import('../../test/emulator/zip.js');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${stack.workspace}/other.zip`, makeZip([{ name: 'other.txt', data: Buffer.from('x') }]));
    const before = stack.emulator.mutatingRequests().length;
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      'zip-path': 'other.zip',
      'submission-json': JSON.stringify({
        applicationPackages: [
          {
            fileName: 'Missing_1.0.0.0_x64.msixupload',
            fileStatus: 'PendingUpload',
            minimumDirectXVersion: 'None',
            minimumSystemRam: 'None',
          },
        ],
      }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain("Input 'zip-path'");
    expect(run.errorLines[0]).toContain("has no entry for 'Missing_1.0.0.0_x64.msixupload' (applicationPackages[0])");
    expect(stack.emulator.mutatingRequests().length).toBe(before);
  });

  test('a commit that never leaves CommitStarted ends at timeout-minutes, naming the submission', async () => {
    stack.emulator.behaviour.stuckInCommitStarted = true;
    await stack.file('stuck/ContosoNotes_5.0.0.0_x64.msixupload', 1000);
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'stuck/*.msixupload', 'timeout-minutes': '0.1' });
    expect(run.exitCode).toBe(1);
    const id = run.outputs['submission-id'];
    expect(run.errorLines[0]).toContain(
      `Timed out after 6 s ('timeout-minutes: 0.1'): submission ${id} is still in CommitStarted`,
    );
    expect(run.outputs.status).toBe('CommitStarted');
  });

  test('Manual publish mode stops waiting at Release', async () => {
    await stack.file('manual/ContosoNotes_6.0.0.0_x64.msixupload', 1000);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'manual/*.msixupload',
      'target-publish-mode': 'Manual',
      'wait-for': 'publish',
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('Release');
  });
});
