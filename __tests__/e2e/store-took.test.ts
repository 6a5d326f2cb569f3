/**
 * What the Store took, through the bundled action: once the commit is processed the submission is
 * read back, and a package or icon the Store lost in processing fails the run naming the file,
 * while every status says success (docs/contract.md "What the Store took").
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SEED_ADDON_ID, SEED_APP_ID, SEED_FLIGHT_ID } from '../../test/emulator/index.js';
import { startStack, type Stack } from '../../test/support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());
afterEach(() => {
  stack.emulator.behaviour.lostInProcessing = [];
  for (const product of [SEED_APP_ID, SEED_FLIGHT_ID, SEED_ADDON_ID]) {
    const pending = stack.emulator.state.pendingSubmission(product);
    if (pending) stack.emulator.state.removeSubmission(pending.id);
  }
});

/** The live package file names of a product's last published submission. */
function publishedPackages(productId: string, field: 'applicationPackages' | 'flightPackages'): string[] {
  const entries = stack.emulator.state.lastPublishedSubmission(productId)?.resource[field];
  return (Array.isArray(entries) ? entries : []).flatMap((entry) =>
    entry && typeof entry === 'object' && !Array.isArray(entry) && typeof entry.fileName === 'string'
      ? [entry.fileName]
      : [],
  );
}

describe('what the Store took', () => {
  test('a normal run passes the check, reading the submission at most once more than the wait', async () => {
    await stack.file('ok/ContosoNotes_3.0.0.0_x64.msixupload', 2048);
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'ok/*.msixupload', 'wait-for': 'commit' });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verification).toBe('passed');
    expect(run.summary).toContain('### What the Store took');
    expect(run.summary).toContain('`ContosoNotes_3.0.0.0_x64.msixupload`');
    expect(run.stdout).toContain('What the Store took: submission');

    // The wait stops at its first read after processing began; the check adds at most one read to it.
    const id = run.outputs['submission-id'] as string;
    const submission = stack.emulator.state.submission(id);
    const processedAt = submission.statusHistory.find((change) => change.status === 'PreProcessing')?.at ?? 0;
    const readsAfter = stack.emulator.requests.filter(
      (r) =>
        r.method === 'GET' &&
        r.path === `/v1.0/my/applications/${SEED_APP_ID}/submissions/${id}` &&
        r.at >= processedAt,
    );
    expect(readsAfter.length).toBeGreaterThanOrEqual(1);
    expect(readsAfter.length).toBeLessThanOrEqual(2);
  });

  test('a new package dropped in processing fails the run naming the file', async () => {
    await stack.file('drop/ContosoNotes_3.1.0.0_x64.msixupload', 2048);
    stack.emulator.behaviour.lostInProcessing = ['ContosoNotes_3.1.0.0_x64.msixupload'];
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'drop/*.msixupload', 'wait-for': 'commit' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(
      'ContosoNotes_3.1.0.0_x64.msixupload: the Store dropped it in processing (the submission no longer lists this package, which this run added)',
    );
    expect(run.errorLines[0]).toContain(`Submission ${run.outputs['submission-id']} is `);
    // The Store itself reports success: the outputs say what the check found.
    expect(run.outputs.status).not.toMatch(/Failed$/);
    expect(run.outputs.verification).toBe('failed');
    expect(run.summary).toContain('❌ ContosoNotes_3.1.0.0_x64.msixupload: the Store dropped it in processing');
  });

  test('a kept package the Store removed in processing fails the run naming it', async () => {
    const [kept] = publishedPackages(SEED_APP_ID, 'applicationPackages');
    expect(kept).toBeDefined();
    await stack.file('keep/ContosoNotes_3.2.0.0_x64.msixupload', 2048);
    stack.emulator.behaviour.lostInProcessing = [kept as string];
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'keep/*.msixupload', 'wait-for': 'commit' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(
      `${kept}: the Store removed it (the submission no longer lists this package, which this run kept)`,
    );
    expect(run.errorLines[0]).not.toContain('ContosoNotes_3.2.0.0_x64.msixupload:');
    expect(run.outputs.verification).toBe('failed');
  });

  test('a flight whose packages the Store did not update fails naming the new package and the old one it kept', async () => {
    const old = publishedPackages(SEED_FLIGHT_ID, 'flightPackages');
    expect(old.length).toBeGreaterThan(0);
    await stack.file('flight/ContosoNotes_3.3.0.0_x64.msixupload', 2048);
    stack.emulator.behaviour.lostInProcessing = 'revert';
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      'flight-id': SEED_FLIGHT_ID,
      packages: 'flight/*.msixupload',
      'replace-packages': 'true',
      'wait-for': 'commit',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(
      `ContosoNotes_3.3.0.0_x64.msixupload: the Store dropped it in processing (the submission no longer lists this package, which this run added) and kept the old package${old.length > 1 ? 's' : ''} ${old.join(', ')}, which this run marked PendingDelete`,
    );
    expect(run.outputs['flight-id']).toBe(SEED_FLIGHT_ID);
    expect(run.outputs.verification).toBe('failed');
  });

  test("an add-on's new icon dropped in processing fails the run naming the icon", async () => {
    await stack.file('addon-icon/icons/pro-2.png', 3000);
    const submissionJson = {
      listings: {
        'en-us': {
          title: 'Pro',
          description: 'More',
          icon: { fileName: 'icons/pro-2.png', fileStatus: 'PendingUpload' },
        },
      },
    };
    await writeFile(path.join(stack.workspace, 'addon-icon', 'submission.json'), JSON.stringify(submissionJson));
    stack.emulator.behaviour.lostInProcessing = ['pro-2.png'];
    const run = await stack.run({
      'add-on-id': SEED_ADDON_ID,
      'submission-json': 'addon-icon/submission.json',
      'wait-for': 'commit',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(
      'icons/pro-2.png: the Store dropped it in processing (the submission no longer lists this file, which this run added)',
    );
    expect(run.outputs.verification).toBe('failed');
  });

  test("'command: commit' of a staged submission checks it too", async () => {
    await stack.file('staged/ContosoNotes_3.5.0.0_x64.msixupload', 2048);
    const stage = await stack.run({ 'app-id': SEED_APP_ID, packages: 'staged/*.msixupload', commit: 'false' });
    expect(stage.exitCode).toBe(0);
    expect(stage.outputs).not.toHaveProperty('verification');
    stack.emulator.behaviour.lostInProcessing = ['ContosoNotes_3.5.0.0_x64.msixupload'];
    const run = await stack.run({
      command: 'commit',
      'app-id': SEED_APP_ID,
      'submission-id': stage.outputs['submission-id'] as string,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain('ContosoNotes_3.5.0.0_x64.msixupload: the Store dropped it in processing');
    expect(run.outputs.verification).toBe('failed');
  });

  test("'wait-for: none' says the check was not made", async () => {
    await stack.file('none/ContosoNotes_3.4.0.0_x64.msixupload', 2048);
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'none/*.msixupload', 'wait-for': 'none' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verification).toBe('not-checked');
    expect(run.summary).toContain("Not checked: 'wait-for: none' returns before the Store processes the commit.");
  });
});
