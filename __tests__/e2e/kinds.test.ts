/**
 * Package flights, add-ons, gradual rollouts and status through the bundled action: the same generic
 * flow for every kind of product, against the emulator and Azurite.
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

function clearPending(productId: string): void {
  const pending = stack.emulator.state.pendingSubmission(productId);
  if (pending) stack.emulator.state.removeSubmission(pending.id);
}

async function waitForStatus(id: string, status: string): Promise<void> {
  for (let i = 0; i < 100 && stack.emulator.state.status(id) !== status; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(stack.emulator.state.status(id)).toBe(status);
}

describe('package flights', () => {
  test('a flight submission with new packages reaches publication', async () => {
    const sha = await stack.file('flight/ContosoNotes_1.2.0.0_x64.msixupload', 1024 * 1024);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      'flight-id': SEED_FLIGHT_ID,
      packages: 'flight/*.msixupload',
      'wait-for': 'publish',
    });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    const submission = stack.emulator.state.submission(id);
    expect(submission.kind).toBe('flight');
    expect(stack.emulator.state.uploads(id)).toEqual([
      expect.objectContaining({ name: 'ContosoNotes_1.2.0.0_x64.msixupload', sha256: sha }),
    ]);
    await waitForStatus(id, 'Published');
    const packages = submission.resource.flightPackages as { fileName: string; fileStatus: string }[];
    expect(packages.map((p) => [p.fileName, p.fileStatus])).toContainEqual([
      'ContosoNotes_1.2.0.0_x64.msixupload',
      'Uploaded',
    ]);
    expect(submission.resource).not.toHaveProperty('listings');
    expect(run.summary).toContain(`package flight ${SEED_FLIGHT_ID} of app ${SEED_APP_ID}`);
    // A flight's submission is linked under its app's Store ID, and its Store page is the app's.
    expect(run.outputs['submission-url']).toBe(
      `https://partner.microsoft.com/dashboard/products/${SEED_APP_ID}/submissions/${id}`,
    );
    expect(run.outputs['store-url']).toBe(`https://apps.microsoft.com/detail/${SEED_APP_ID}`);
  });

  test('create-flight run twice makes one flight and outputs its ID both times', async () => {
    const inputs = {
      command: 'create-flight',
      'app-id': SEED_APP_ID,
      'flight-name': 'Beta testers',
      'flight-groups': '1152921504607280740, 1152921504607280741',
    };
    const first = await stack.run(inputs);
    const second = await stack.run(inputs);
    expect(first.exitCode).toBe(0);
    expect(second.exitCode).toBe(0);
    const flight = stack.emulator.state.flightByName(SEED_APP_ID, 'Beta testers');
    expect(flight).toBeDefined();
    expect(first.outputs['flight-id']).toBe(flight?.flightId);
    expect(second.outputs['flight-id']).toBe(flight?.flightId);
    expect(stack.emulator.state.flightsOf(SEED_APP_ID).filter((f) => f.friendlyName === 'Beta testers')).toHaveLength(
      1,
    );
    expect(flight?.groupIds).toEqual(['1152921504607280740', '1152921504607280741']);
    expect(second.stdout).toContain("Package flight 'Beta testers' exists");

    // The new flight takes a submission at once, through the output of create-flight.
    await stack.file('beta/ContosoNotes_1.3.0.0_x64.msixupload', 4096);
    const submit = await stack.run({
      'app-id': SEED_APP_ID,
      'flight-id': first.outputs['flight-id'] as string,
      packages: 'beta/*.msixupload',
      'wait-for': 'commit',
    });
    expect(submit.errorLines).toEqual([]);
    // 'wait-for: commit' returns once the commit is processed; the Store may already be further on.
    expect(['PreProcessing', 'Certification', 'Release', 'PendingPublication', 'Publishing', 'Published']).toContain(
      submit.outputs.status,
    );
  });

  test('a flight created together with its first submission reports that submission', async () => {
    stack.emulator.variant.flightCreateIncludesSubmission = true;
    try {
      const run = await stack.run({
        command: 'create-flight',
        'app-id': SEED_APP_ID,
        'flight-json': JSON.stringify({ friendlyName: 'Canary', groupIds: ['1152921504607280799'] }),
      });
      expect(run.exitCode).toBe(0);
      const flight = stack.emulator.state.flightByName(SEED_APP_ID, 'Canary');
      expect(run.outputs['flight-id']).toBe(flight?.flightId);
      expect(run.outputs['submission-id']).toBe(stack.emulator.state.pendingSubmission(flight?.flightId as string)?.id);
    } finally {
      stack.emulator.variant.flightCreateIncludesSubmission = false;
    }
  });
});

describe('add-ons', () => {
  test('create-add-on run twice makes one add-on; its first submission carries the icon in the zip', async () => {
    const addOnJson = JSON.stringify({ productId: 'contoso.notes.themes', productType: 'Durable' });
    const first = await stack.run({ command: 'create-add-on', 'app-id': SEED_APP_ID, 'add-on-json': addOnJson });
    const second = await stack.run({ command: 'create-add-on', 'app-id': SEED_APP_ID, 'add-on-json': addOnJson });
    expect(first.errorLines).toEqual([]);
    const addOnId = first.outputs['add-on-id'] as string;
    expect(addOnId).toMatch(/^[0-9A-Z]{12}$/);
    expect(second.outputs['add-on-id']).toBe(addOnId);
    expect(
      [...stack.emulator.state.addOns.values()].filter((a) => a.productId === 'contoso.notes.themes'),
    ).toHaveLength(1);

    const icon = await stack.file('addon/icons/themes.png', 3000);
    const submissionJson = {
      contentType: 'NotSet',
      keywords: ['themes'],
      lifetime: 'Forever',
      visibility: 'Public',
      targetPublishMode: 'Immediate',
      pricing: { priceId: 'Tier2', marketSpecificPricings: {} },
      listings: {
        'en-us': {
          title: 'Themes',
          description: 'More themes',
          icon: { fileName: 'icons/themes.png', fileStatus: 'PendingUpload' },
        },
      },
    };
    await writeFile(path.join(stack.workspace, 'addon', 'submission.json'), JSON.stringify(submissionJson));
    const run = await stack.run({
      'add-on-id': addOnId,
      'submission-json': 'addon/submission.json',
      'wait-for': 'publish',
    });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    expect(stack.emulator.state.uploads(id)).toEqual([
      expect.objectContaining({ name: 'icons/themes.png', sha256: icon }),
    ]);
    expect(stack.emulator.state.submission(id).resource).toMatchObject({ keywords: ['themes'], lifetime: 'Forever' });
  });

  test('a submission of an existing add-on merges add-on fields', async () => {
    clearPending(SEED_ADDON_ID);
    const run = await stack.run({
      'add-on-id': SEED_ADDON_ID,
      'submission-json': JSON.stringify({ tag: 'release-42', keywords: ['pro'] }),
      'wait-for': 'none',
    });
    expect(run.exitCode).toBe(0);
    const resource = stack.emulator.state.submission(run.outputs['submission-id'] as string).resource;
    expect(resource).toMatchObject({ tag: 'release-42', keywords: ['pro'] });
    expect(run.stdout).toContain('Nothing to upload');
    expect(run.outputs['submission-url']).toBe(
      `https://partner.microsoft.com/dashboard/products/${SEED_ADDON_ID}/submissions/${String(resource.id)}`,
    );
    expect(run.outputs['store-url']).toBe(`https://apps.microsoft.com/detail/${SEED_ADDON_ID}`);
  });
});

describe('gradual rollout', () => {
  beforeEach(() => clearPending(SEED_APP_ID));

  test('submit starts a rollout; rollout update and halt change it; outputs follow', async () => {
    await stack.file('rollout/ContosoNotes_2.0.0.0_x64.msixupload', 2048);
    const submit = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'rollout/*.msixupload',
      'rollout-percentage': '10',
      'wait-for': 'publish',
    });
    expect(submit.exitCode).toBe(0);
    const id = submit.outputs['submission-id'] as string;
    await waitForStatus(id, 'Published');
    expect(stack.emulator.state.submission(id).resource.packageDeliveryOptions).toMatchObject({
      packageRollout: {
        isPackageRollout: true,
        packageRolloutPercentage: 10,
        packageRolloutStatus: 'PackageRolloutInProgress',
      },
    });

    const update = await stack.run({
      command: 'rollout',
      'app-id': SEED_APP_ID,
      'rollout-action': 'update',
      'rollout-percentage': '42.5',
    });
    expect(update.errorLines).toEqual([]);
    expect(update.outputs).toMatchObject({
      'submission-id': id,
      'rollout-status': 'PackageRolloutInProgress',
      'rollout-percentage': '42.5',
    });
    expect(update.summary).toContain('| Rollout before | PackageRolloutInProgress at 10% |');
    expect(update.summary).toContain('| Rollout after | PackageRolloutInProgress at 42.5% |');

    const halt = await stack.run({ command: 'rollout', 'app-id': SEED_APP_ID, 'rollout-action': 'halt' });
    expect(halt.outputs['rollout-status']).toBe('PackageRolloutStopped');

    // Halted: no longer in progress, so the Store refuses another update with 409, which the action reports.
    const refused = await stack.run({
      command: 'rollout',
      'app-id': SEED_APP_ID,
      'rollout-action': 'update',
      'rollout-percentage': '50',
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.errorLines[0]).toMatch(/HTTP 409/);
  });

  test('existing-rollout: fail names the submission and its percentage; finalize clears the way', async () => {
    const published = stack.emulator.state.startRollout(SEED_APP_ID, 25);
    await stack.file('existing/ContosoNotes_3.0.0.0_x64.msixupload', 2048);
    const before = stack.emulator.mutatingRequests().length;
    const blocked = await stack.run({ 'app-id': SEED_APP_ID, packages: 'existing/*.msixupload' });
    expect(blocked.exitCode).toBe(1);
    expect(blocked.errorLines[0]).toContain(
      `submission ${published.id} still has a gradual rollout in progress at 25%`,
    );
    expect(stack.emulator.mutatingRequests().length).toBe(before);

    const run = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'existing/*.msixupload',
      'existing-rollout': 'finalize',
      'wait-for': 'none',
    });
    expect(run.errorLines).toEqual([]);
    expect(stack.emulator.state.submission(published.id).resource.packageDeliveryOptions).toMatchObject({
      packageRollout: { packageRolloutStatus: 'PackageRolloutComplete', packageRolloutPercentage: 100 },
    });
    expect(run.outputs['submission-id']).not.toBe(published.id);
  });

  test('command rollout finalize completes a rollout in progress', async () => {
    const published = stack.emulator.state.startRollout(SEED_APP_ID, 30);
    const run = await stack.run({
      command: 'rollout',
      'app-id': SEED_APP_ID,
      'rollout-action': 'finalize',
      'submission-id': published.id,
    });
    expect(run.errorLines).toEqual([]);
    expect(run.outputs).toMatchObject({ 'rollout-status': 'PackageRolloutComplete', 'rollout-percentage': '100' });
  });
});

describe('status', () => {
  test('reports the pending submission when there is one, else the last published one, changing nothing', async () => {
    clearPending(SEED_APP_ID);
    const published = stack.emulator.state.lastPublishedSubmission(SEED_APP_ID);
    const before = stack.emulator.mutatingRequests().length;
    const run = await stack.run({ command: 'status', 'app-id': SEED_APP_ID });
    expect(run.errorLines).toEqual([]);
    expect(run.outputs['submission-id']).toBe(published?.id);
    expect(run.outputs.status).toBe('Published');
    expect(JSON.parse(run.outputs['status-details'] as string)).toHaveProperty('certificationReports');
    expect(run.summary).toContain('### Certification reports');

    const pending = stack.emulator.state.addUiPendingSubmission(SEED_APP_ID);
    const second = await stack.run({ command: 'status', 'app-id': SEED_APP_ID });
    expect(second.outputs['submission-id']).toBe(pending.id);
    expect(second.outputs.status).toBe('PendingCommit');
    expect(stack.emulator.mutatingRequests().length).toBe(before);
  });
});
