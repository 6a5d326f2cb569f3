/**
 * The release process across runs, through the bundled action: stage then commit, commit again,
 * re-runs that continue their own pending submission, pending submissions that are not this work,
 * and the runs that must change nothing (if-unchanged) or undo their own draft.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SEED_ADDON_ID, SEED_APP_ID, SEED_FLIGHT_ID } from '../../test/emulator/index.js';
import { startStack, type Stack } from '../../test/support/stack.js';
import { png, sha12 } from '../unit/listings/fixtures.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());

beforeEach(() => {
  for (const product of [SEED_APP_ID, SEED_FLIGHT_ID, SEED_ADDON_ID]) {
    const pending = stack.emulator.state.pendingSubmission(product);
    if (pending) stack.emulator.state.removeSubmission(pending.id);
  }
  stack.emulator.behaviour.stuckInCommitStarted = false;
  stack.emulator.behaviour.commitRevertsToPendingCommit = false;
});

const app = { 'app-id': SEED_APP_ID };
const requestsSince = (before: number) => stack.emulator.requests.slice(before);
const commitPosts = (before: number) =>
  requestsSince(before).filter((r) => r.method === 'POST' && r.path.endsWith('/commit'));

describe('stage, then commit', () => {
  test('commit: false stages; command: commit commits it; a second commit only waits', async () => {
    const sha = await stack.file('stage/ContosoNotes_5.0.0.0_x64.msixupload', 80_000);
    const submissionsBefore = stack.emulator.state.submissions.size;
    const stage = await stack.run({
      ...app,
      packages: 'stage/*.msixupload',
      'release-notes': 'Staged notes',
      commit: 'false',
    });
    expect(stage.errorLines).toEqual([]);
    expect(stage.exitCode).toBe(0);
    const id = stage.outputs['submission-id'] as string;
    expect(stage.outputs.status).toBe('PendingCommit');
    expect(stack.emulator.state.status(id)).toBe('PendingCommit');
    expect(stage.summary).toContain('⏸️ staged');
    expect(stage.summary).toContain(`Staged: submission **${id}**`);
    expect(stage.summary).toContain('`command: commit`');
    expect(stage.summary).toContain('| package added | ContosoNotes_5.0.0.0_x64.msixupload |');
    expect(stage.summary).toMatch(/`listings\.en-us\.baseListing\.releaseNotes` \| .* → "Staged notes"/);

    const before = stack.emulator.requests.length;
    const commit = await stack.run({ ...app, command: 'commit', 'submission-id': id, packages: 'out/**/*.msixupload' });
    expect(commit.errorLines).toEqual([]);
    expect(commit.exitCode).toBe(0);
    expect(commit.outputs['submission-id']).toBe(id);
    expect(['PreProcessing', 'Certification', 'Release', 'PendingPublication', 'Publishing', 'Published']).toContain(
      commit.outputs.status,
    );
    expect(commitPosts(before)).toHaveLength(1);
    expect(stack.emulator.state.uploads(id)).toEqual([
      expect.objectContaining({ name: 'ContosoNotes_5.0.0.0_x64.msixupload', sha256: sha }),
    ]);
    expect(stack.emulator.state.submissions.size).toBe(submissionsBefore + 1);

    const again = requestsSince(0).length;
    const second = await stack.run({ ...app, command: 'commit', 'submission-id': id });
    expect(second.exitCode).toBe(0);
    expect(commitPosts(again)).toHaveLength(0);
    expect(second.stdout).toContain(`Submission ${id} is already committed`);
    expect(stack.emulator.state.submission(id).commits).toBe(1);
  });

  test('staging twice makes one submission; the second run continues the first', async () => {
    await stack.file('twice/ContosoNotes_5.1.0.0_x64.msixupload', 10_000);
    const before = stack.emulator.state.submissions.size;
    const first = await stack.run({ ...app, packages: 'twice/*.msixupload', commit: 'false' });
    const second = await stack.run({ ...app, packages: 'twice/*.msixupload', commit: 'false' });
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(second.outputs['submission-id']).toBe(first.outputs['submission-id']);
    expect(stack.emulator.state.submissions.size).toBe(before + 1);
    expect(second.summary).toContain(`Continued submission **${first.outputs['submission-id']}**`);
  });

  test('command: commit refuses a submission that does not list the packages, and commits nothing', async () => {
    await stack.file('other/ContosoNotes_5.2.0.0_x64.msixupload', 10_000);
    const stage = await stack.run({ ...app, packages: 'other/*.msixupload', commit: 'false' });
    const id = stage.outputs['submission-id'] as string;
    const before = stack.emulator.requests.length;
    const commit = await stack.run({
      ...app,
      command: 'commit',
      'submission-id': id,
      packages: 'ContosoNotes_9.9.9.9_arm64.msixupload',
    });
    expect(commit.exitCode).toBe(1);
    expect(commit.errorLines).toHaveLength(1);
    expect(commit.errorLines[0]).toMatch(
      /Input 'packages': submission \d+ lists no package matching 'ContosoNotes_9\.9\.9\.9_arm64\.msixupload'/,
    );
    expect(commitPosts(before)).toHaveLength(0);
    expect(stack.emulator.state.status(id)).toBe('PendingCommit');
  });

  test('command: commit refuses a submission that lacks the packages its patterns match on the runner', async () => {
    // The staged submission lists 7.0.0.0; the commit job's runner has 7.1.0.0, which '*.msixupload' matches too.
    await stack.file('staged7/ContosoNotes_7.0.0.0_x64.msixupload', 10_000);
    await stack.file('next/ContosoNotes_7.1.0.0_x64.msixupload', 10_000);
    const stage = await stack.run({ ...app, packages: 'staged7/*.msixupload', commit: 'false' });
    const id = stage.outputs['submission-id'] as string;
    const before = stack.emulator.requests.length;
    const commit = await stack.run({ ...app, command: 'commit', 'submission-id': id, packages: 'next/*.msixupload' });
    expect(commit.exitCode).toBe(1);
    expect(commit.errorLines).toHaveLength(1);
    expect(commit.errorLines[0]).toMatch(
      /Input 'packages': submission \d+ does not list ContosoNotes_7\.1\.0\.0_x64\.msixupload, which 'packages' matches on this runner \(it lists .*ContosoNotes_7\.0\.0\.0_x64\.msixupload\); nothing was committed/,
    );
    expect(commitPosts(before)).toHaveLength(0);
    expect(stack.emulator.state.status(id)).toBe('PendingCommit');

    // The files the staging job had, on the runner: they are the submission's, and it is committed.
    const right = await stack.run({ ...app, command: 'commit', 'submission-id': id, packages: 'staged7/*.msixupload' });
    expect(right.errorLines).toEqual([]);
    expect(commitPosts(before)).toHaveLength(1);
  });

  test('command: commit of an unknown submission names submission-id', async () => {
    const commit = await stack.run({ ...app, command: 'commit', 'submission-id': '1152921504600000000' });
    expect(commit.exitCode).toBe(1);
    expect(commit.errorLines).toHaveLength(1);
    expect(commit.errorLines[0]).toMatch(
      /Input 'submission-id': '1152921504600000000' is not a submission of the app 9NBLGGH4R315/,
    );
  });

  test('a flight and an add-on stage and commit too, with their IDs in the outputs', async () => {
    await stack.file('fstage/ContosoNotes_5.3.0.0_x64.msixupload', 10_000);
    const flight = await stack.run({
      ...app,
      'flight-id': SEED_FLIGHT_ID,
      packages: 'fstage/*.msixupload',
      commit: 'false',
    });
    expect(flight.outputs).toMatchObject({ status: 'PendingCommit', 'flight-id': SEED_FLIGHT_ID });
    const flightCommit = await stack.run({ ...app, 'flight-id': SEED_FLIGHT_ID, command: 'commit' });
    expect(flightCommit.exitCode).toBe(0);
    expect(flightCommit.outputs).toMatchObject({
      'submission-id': flight.outputs['submission-id'],
      'flight-id': SEED_FLIGHT_ID,
    });

    const addOn = await stack.run({
      'add-on-id': SEED_ADDON_ID,
      'submission-json': '{"tag": "staged"}',
      commit: 'false',
    });
    expect(addOn.outputs).toMatchObject({ status: 'PendingCommit', 'add-on-id': SEED_ADDON_ID });
    const addOnCommit = await stack.run({
      'add-on-id': SEED_ADDON_ID,
      command: 'commit',
      'submission-id': addOn.outputs['submission-id'] as string,
    });
    expect(addOnCommit.exitCode).toBe(0);
    expect(addOnCommit.outputs['add-on-id']).toBe(SEED_ADDON_ID);
  });
});

describe('running again continues the same work', () => {
  test('a run whose commit never got through, run again with the same packages: one submission, committed, no DELETE', async () => {
    const sha = await stack.file('rerun/ContosoNotes_5.4.0.0_x64.msixupload', 30_000);
    const before = stack.emulator.requests.length;
    const submissions = stack.emulator.state.submissions.size;
    // The first attempt stops before its commit (as if the job died there).
    const first = await stack.run({ ...app, packages: 'rerun/*.msixupload', commit: 'false' });
    const rerun = await stack.run({ ...app, packages: 'rerun/*.msixupload' });
    expect(rerun.errorLines).toEqual([]);
    expect(rerun.exitCode).toBe(0);
    const id = rerun.outputs['submission-id'] as string;
    expect(id).toBe(first.outputs['submission-id']);
    expect(stack.emulator.state.submissions.size).toBe(submissions + 1);
    expect(requestsSince(before).filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(stack.emulator.state.submission(id).commits).toBe(1);
    expect(stack.emulator.state.uploads(id)).toEqual([expect.objectContaining({ sha256: sha })]);
    expect(rerun.stdout).toContain(`Continuing submission ${id}`);
    expect(rerun.summary).toContain('from the update: updated, uploaded and committed again');
  });

  // A run is known by the files it adds: its packages, or the new screenshot whose name carries its hash.
  test.each<[string, () => Promise<{ inputs: Record<string, string>; file: string }>]>([
    [
      'with packages',
      async () => {
        await stack.file('waited/ContosoNotes_5.5.0.0_x64.msixupload', 10_000);
        return { inputs: { packages: 'waited/*.msixupload' }, file: 'ContosoNotes_5.5.0.0_x64.msixupload' };
      },
    ],
    [
      'that changes only the listings (a new screenshot)',
      async () => {
        const shot = png('new screenshot of the re-run');
        await mkdir(path.join(stack.workspace, 'relist/en-us/images/Screenshot'), { recursive: true });
        await writeFile(path.join(stack.workspace, 'relist/en-us/images/Screenshot/01-new.png'), shot);
        return { inputs: { listings: 'relist' }, file: `listings/en-us/Screenshot/01-new.${sha12(shot)}.png` };
      },
    ],
  ])(
    'a run %s that committed and timed out while waiting, run again: it waits for the same submission',
    async (_what, prepare) => {
      const { inputs, file } = await prepare();
      stack.emulator.behaviour.stuckInCommitStarted = true;
      const first = await stack.run({ ...app, ...inputs, 'timeout-minutes': '0.05' });
      expect(first.exitCode).toBe(1);
      const id = first.outputs['submission-id'] as string;
      expect(stack.emulator.state.status(id)).toBe('CommitStarted');
      expect(JSON.stringify(stack.emulator.state.submission(id).resource)).toContain(file);
      // The Store moves on after the first run gave up, past pre-processing.
      stack.emulator.state.setStatus(id, 'Certification');
      const before = stack.emulator.requests.length;
      const submissions = stack.emulator.state.submissions.size;
      const rerun = await stack.run({ ...app, ...inputs });
      expect(rerun.errorLines).toEqual([]);
      expect(rerun.exitCode).toBe(0);
      expect(rerun.outputs['submission-id']).toBe(id);
      expect(stack.emulator.state.submissions.size).toBe(submissions);
      expect(requestsSince(before).filter((r) => r.method !== 'GET' && r.kind === 'api')).toEqual([]);
      expect(rerun.stdout).toContain('only waits for it');
    },
  );

  test('a run that adds no file is told so, not that packages are missing', async () => {
    const other = stack.emulator.state.addApiPendingSubmission(SEED_APP_ID);
    const run = await stack.run({ ...app, 'release-notes': 'Only notes' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toContain(`pending submission ${other.id}`);
    expect(run.errorLines[0]).toMatch(/this run adds no file \(no package, image or trailer\)/);
    expect(run.errorLines[0]).not.toMatch(/does not list the packages/);
  });

  test('a pending submission with other packages follows on-pending', async () => {
    const other = stack.emulator.state.addApiPendingSubmission(SEED_APP_ID);
    await stack.file('notmine/ContosoNotes_5.6.0.0_x64.msixupload', 10_000);
    const before = stack.emulator.mutatingRequests().length;
    const run = await stack.run({ ...app, packages: 'notmine/*.msixupload' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toContain(
      `already has a pending submission ${other.id} (PendingCommit, created through the API), and it is not this run's work`,
    );
    expect(stack.emulator.mutatingRequests().length).toBe(before);
    expect(run.outputs['submission-id']).toBe(other.id);
    expect(run.outputs.status).toBe('PendingCommit');
    expect(run.summary).toContain(`Submission **${other.id}** (PendingCommit) blocks this run`);
  });
});

describe('pending submissions the API cannot delete get no DELETE', () => {
  test.each([
    [
      'already committed',
      () => {
        const sub = stack.emulator.state.addApiPendingSubmission(SEED_APP_ID);
        stack.emulator.state.setStatus(sub.id, 'Certification');
        return sub.id;
      },
      /\(Certification, created through the API\).*already committed and being processed, which the API cannot undo or delete/,
    ],
    [
      'made in Partner Center',
      () => stack.emulator.state.addUiPendingSubmission(SEED_APP_ID).id,
      /created in Partner Center\).*'on-pending: delete' cannot remove it: delete it in Partner Center/,
    ],
  ])('%s, with on-pending: delete', async (_what, make, message) => {
    const id = make();
    await stack.file('undeletable/ContosoNotes_5.7.0.0_x64.msixupload', 10_000);
    const before = stack.emulator.mutatingRequests().length;
    const run = await stack.run({ ...app, packages: 'undeletable/*.msixupload', 'on-pending': 'delete' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(`pending submission ${id}`);
    expect(run.errorLines[0]).toMatch(message);
    expect(stack.emulator.mutatingRequests().length).toBe(before);
  });
});

describe('nothing unasked', () => {
  test('if-unchanged: a submit that changes nothing fails before anything is created, skip succeeds without submitting', async () => {
    const before = stack.emulator.mutatingRequests().length;
    const failed = await stack.run({ ...app });
    expect(failed.exitCode).toBe(1);
    expect(failed.errorLines).toHaveLength(1);
    expect(failed.errorLines[0]).toMatch(
      /Input 'if-unchanged': nothing would change: the submission would be the same as the last published one/,
    );
    const empty = await stack.run({ ...app, packages: 'nothing-here/*.msixupload\n!nothing-here/*.msixupload' });
    expect(empty.exitCode).toBe(1);
    const published = stack.emulator.state.lastPublishedSubmission(SEED_APP_ID);
    const skipped = await stack.run({ ...app, 'if-unchanged': 'skip' });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.outputs).toMatchObject({ 'submission-id': published?.id, status: 'Published' });
    expect(stack.emulator.mutatingRequests().length).toBe(before);

    const again = await stack.run({ ...app, 'if-unchanged': 'submit', 'wait-for': 'none' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['submission-id']).not.toBe(published?.id);
  });

  test('a publish date is logged as it is sent, in UTC', async () => {
    await stack.file('dated/ContosoNotes_6.4.0.0_x64.msixupload', 10_000);
    const run = await stack.run({
      ...app,
      packages: 'dated/*.msixupload',
      'target-publish-mode': 'SpecificDate',
      'target-publish-date': '2099-06-01T10:00:00+01:00',
      'wait-for': 'none',
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('publish mode SpecificDate, publish date 2099-06-01T09:00:00.000Z');
    const id = run.outputs['submission-id'] as string;
    expect(stack.emulator.state.submission(id).resource.targetPublishDate).toBe('2099-06-01T09:00:00.000Z');
  });

  test('an explicit rollout shows in the outputs and the summary', async () => {
    await stack.file('rolled/ContosoNotes_5.8.0.0_x64.msixupload', 10_000);
    const published = stack.emulator.state.lastPublishedSubmission(SEED_APP_ID);
    const run = await stack.run({ ...app, packages: 'rolled/*.msixupload', 'rollout-percentage': '15' });
    // The run returns once the commit is processed, and the emulator goes on to publish a 15%
    // rollout, which would block the tests after this one: take it back, however far it got.
    const id = run.outputs['submission-id'];
    if (id && stack.emulator.state.submissions.has(id)) stack.emulator.state.removeSubmission(id);
    const record = stack.emulator.state.app(SEED_APP_ID);
    if (published && record.lastPublishedSubmissionId === id) record.lastPublishedSubmissionId = published.id;
    expect(run.exitCode).toBe(0);
    expect(run.outputs['rollout-percentage']).toBe('15');
    expect(run.outputs['rollout-status']).toBeDefined();
    expect(run.summary).toMatch(/\| Rollout after \| .* at 15% \|/);
  });

  test('a commit that falls back to PendingCommit before the first status read fails at once', async () => {
    stack.emulator.behaviour.commitRevertsToPendingCommit = 'at-once';
    await stack.file('reverts/ContosoNotes_5.9.0.0_x64.msixupload', 10_000);
    const run = await stack.run(
      { ...app, packages: 'reverts/*.msixupload', 'timeout-minutes': '5' },
      {},
      { timeoutMs: 60_000 },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toMatch(/ended in PendingCommit: the Store gave up processing the commit/);
  });

  test('a draft this run created whose update the Store refused is deleted again', async () => {
    await stack.file('refused/ContosoNotes_6.0.0.0_x64.msixupload', 10_000);
    const before = stack.emulator.state.submissions.size;
    const run = await stack.run({ ...app, packages: 'refused/*.msixupload', 'submission-json': '{"listings": null}' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toMatch(
      /HTTP 400.*AppListings must be 1 or more.*was deleted again, so the next run is not blocked by it/,
    );
    expect(stack.emulator.state.pendingSubmission(SEED_APP_ID)).toBeUndefined();
    expect(stack.emulator.state.submissions.size).toBe(before);
  });

  test("the Store refusing its own fresh copy as not made through the API is called the Store's fault", async () => {
    await stack.file('own-draft/ContosoNotes_6.0.1.0_x64.msixupload', 10_000);
    stack.emulator.faults.add({
      method: 'PUT',
      path: /\/applications\/[^/]+\/submissions\/[^/]+$/,
      status: 400,
      body: {
        code: 'InvalidOperation',
        message:
          'Ingestion API can only update, delete, and commit submissions that are created through the API. Please delete the current in-progress submission and create one using the API',
        target: 'applicationSubmission',
      },
    });
    const before = stack.emulator.requests.length;
    const run = await stack.run({ ...app, packages: 'own-draft/*.msixupload' });
    expect(run.exitCode).toBe(1);
    const put = requestsSince(before).find((r) => r.method === 'PUT');
    expect(put?.correlationId).toBeDefined();
    expect(run.errorLines[0]).toMatch(/Hint: this run created the submission .*fault on the Store's side.*run again/);
    expect(run.errorLines[0]).toContain(`MS-CorrelationId ${put?.correlationId}`);
    expect(run.errorLines[0]).not.toMatch(/created in Partner Center/);
    expect(run.errorLines[0]).toMatch(/was deleted again/);
    expect(stack.emulator.state.pendingSubmission(SEED_APP_ID)).toBeUndefined();
  });

  test('a product the Store does not know names app-id and the likely causes', async () => {
    const run = await stack.run({ 'app-id': '9ZZZZZZZZZZZ', packages: 'refused/*.msixupload' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toMatch(/HTTP 404.*check 'app-id'.*another Partner Center account/);
  });
});

describe("the Store's own behaviour", () => {
  test('after the action finalizes a rollout, a create refused while the Store republishes is waited out', async () => {
    stack.emulator.state.startRollout(SEED_APP_ID, 30);
    await stack.file('republish/ContosoNotes_6.2.0.0_x64.msixupload', 10_000);
    const refusal = {
      code: 'InvalidParameterValue',
      data: [],
      details: [],
      message: 'The size of Listings must be 1 or more',
      source: 'Ingestion Api',
      target: 'appListings',
    };
    stack.emulator.faults.add({
      method: 'POST',
      path: /\/applications\/[^/]+\/submissions$/,
      status: 400,
      body: refusal,
      times: 1,
    });
    stack.emulator.faults.add({ method: 'POST', path: /\/applications\/[^/]+\/submissions$/, status: 409, times: 1 });
    const run = await stack.run({
      ...app,
      packages: 'republish/*.msixupload',
      'existing-rollout': 'finalize',
      'wait-for': 'none',
    });
    expect(stack.emulator.faults.pending).toBe(0);
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /refuses a new submission while it republishes the app after the rollout change \(.*size of Listings must be 1 or more.*\); trying again in/,
    );
    expect(run.outputs.status).toBe('CommitStarted');
  });
});

describe('requests', () => {
  test('a plain submission with wait-for: commit costs at most 7 calls to the Store API, status reads included', async () => {
    await stack.file('calls/ContosoNotes_6.3.0.0_x64.msixupload', 10_000);
    const before = stack.emulator.requests.length;
    const run = await stack.run({ ...app, packages: 'calls/*.msixupload', 'poll-interval-seconds': '1' });
    expect(run.exitCode).toBe(0);
    const calls = requestsSince(before).filter((r) => r.kind === 'api');
    expect(calls.length).toBeLessThanOrEqual(7);
  });
});
