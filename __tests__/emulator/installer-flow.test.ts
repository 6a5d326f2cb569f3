/** The MSI/EXE flow against the real emulator in-process (and Azurite, and the HTTPS installer file server), with injected time. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InputError, SubmissionFailedError } from '../../src/errors.js';
import { commitInstallerDraft } from '../../src/commands/installer-commit.js';
import { installerStatus } from '../../src/commands/installer-status.js';
import type { InstallerFlowDeps } from '../../src/commands/installer/deps.js';
import { OngoingSubmissionError } from '../../src/commands/installer/draft.js';
import { submitInstallers } from '../../src/commands/installer/flow.js';
import { planInstallerSubmission } from '../../src/commands/installer/plan.js';
import { ListingLimitsError } from '../../src/listings/error.js';
import { parseInstallers, toPackages } from '../../src/installers/installers.js';
import { checkInstallerUrls } from '../../src/installers/probe.js';
import { MemoryLogger } from '../../test/support/memory-logger.js';
import { secrets } from '../../src/redact.js';
import { EntraTokenSource } from '../../src/store/auth.js';
import { Transport } from '../../src/store/http.js';
import { INSTALLER_API_RESOURCE, InstallerClient } from '../../src/store/installer-client.js';
import {
  CREDENTIALS,
  SEED_INSTALLER_PRODUCT_ID,
  SEED_SELLER_ID,
  startEmulator,
  type Emulator,
} from '../../test/emulator/index.js';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';
import { exeBytes, msiBytes, startInstallerServer, type InstallerServer } from '../../test/support/installer-server.js';

let azurite: Azurite;
let files: InstallerServer;
let em: Emulator;

beforeAll(async () => {
  delete process.env.HTTPS_PROXY;
  delete process.env.HTTP_PROXY;
  azurite = await startAzurite();
  files = await startInstallerServer();
});
afterAll(async () => {
  await files?.close();
  await azurite?.stop();
});
beforeEach(async () => {
  em = await startEmulator({ azurite });
});
afterEach(async () => {
  await em?.close();
  secrets.clear();
});

interface Harness extends InstallerFlowDeps {
  logger: MemoryLogger;
  sleeps: number[];
  retrySleeps: number[];
  transport: Transport;
}

const START = Date.parse('2026-03-02T09:00:00Z');

function harness(onSleep?: (n: number) => void): Harness {
  const logger = new MemoryLogger();
  const sleeps: number[] = [];
  const retrySleeps: number[] = [];
  let now = START;
  const transport = new Transport({
    logger,
    retry: { sleep: async (ms) => void retrySleeps.push(ms), random: () => 0.5 },
  });
  const tokens = new EntraTokenSource({
    authorityUrl: em.authorityUrl,
    tenantId: CREDENTIALS.tenantId,
    clientId: CREDENTIALS.clientId,
    clientSecret: CREDENTIALS.clientSecret,
    transport,
    logger,
    resource: INSTALLER_API_RESOURCE,
  });
  const client = new InstallerClient({
    apiUrl: em.apiUrl,
    productId: SEED_INSTALLER_PRODUCT_ID,
    sellerId: SEED_SELLER_ID,
    tokens,
    transport,
    logger,
  });
  return {
    client,
    logger,
    sleeps,
    retrySleeps,
    transport,
    clock: {
      now: () => new Date(now),
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
        onSleep?.(sleeps.length);
      },
    },
    deadline: new Date(START + 60 * 60_000),
    pollIntervalMs: 10_000,
  };
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

/** A PNG file to upload, as a listings folder names one: read by the flow when its turn comes. */
async function pngFile(name: string): Promise<{ name: string; path: string; size: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'installer-png-'));
  await writeFile(path.join(dir, name), PNG);
  return { name, path: path.join(dir, name), size: PNG.length };
}

function installersYaml(): string {
  const msi = files.serve('/v2.1.0/Contoso-2.1.0-x64.msi', { body: msiBytes(20_000) });
  const exe = files.serve('/v2.1.0/Contoso-2.1.0-arm64.exe', { body: exeBytes(20_000), ignoreRange: true });
  return `- url: ${msi}\n  architecture: x64\n  languages: [en-us, de-de]\n- url: ${exe}\n  architecture: arm64\n  languages: [en-us]\n  installer-parameters: /S\n  doc-url: https://contoso.com/errors\n`;
}

const writes = (): string[] =>
  em.requests
    .filter((r) => r.kind === 'installer' && r.method !== 'GET')
    .map((r) => `${r.method} ${r.path.split('/').slice(5).join('/')}`);

function secretValues(): string[] {
  const found = [CREDENTIALS.clientSecret, ...em.tokens.map((t) => t.accessToken)];
  for (const slot of em.installer.product().slots.values())
    found.push(new URL(slot.url.replace(/\+/g, '%2B')).searchParams.get('sig')!);
  return found;
}

describe('submit', () => {
  test('a full submission: checked installers, packages, release notes, submission-json, images, to PUBLISHED', async () => {
    const h = harness();
    const installers = await parseInstallers(installersYaml());
    await checkInstallerUrls(installers, {
      transport: new Transport({ logger: h.logger, dispatcher: files.dispatcher }),
      logger: h.logger,
    });
    const outcome = await submitInstallers(h, {
      packages: toPackages(installers),
      releaseNotes: 'Faster start-up.',
      submissionJson: {
        properties: { certificationNotes: 'Installs per machine.' },
        listings: { 'fr-fr': { description: 'Une app.', additionalLicenseTerms: 'Voir le site.' } },
      },
      listings: {
        images: { 'en-us': { screenshots: [{ keep: 'shot-en-2' }, { upload: await pngFile('02-editor.png') }] } },
      },
      commit: true,
      waitFor: 'publish',
    });
    expect(outcome.status).toBe('PUBLISHED');
    expect(outcome.timeline.map((t) => t.status)).toEqual(['INPROGRESS', 'PUBLISHED']);
    const product = em.installer.product();
    const submission = product.submissions.get(outcome.submissionId!);
    expect(submission?.publishingStatus).toBe('PUBLISHED');
    expect(submission?.packages.map((p) => [p['packageType'], p['architectures'], p['isSilentInstall']])).toEqual([
      ['msi', ['X64'], true],
      ['exe', ['Arm64'], false],
    ]);
    expect(Object.keys(product.listings).sort()).toEqual(['de-de', 'en-us', 'fr-fr']);
    for (const listing of Object.values(product.listings)) expect(listing['whatsNew']).toBe('Faster start-up.');
    expect(product.listings['de-de']!['description']).toBe('Eine App mit MSI-Installation.');
    expect(product.properties['certificationNotes']).toBe('Installs per machine.');
    expect(product.properties['category']).toBe('DeveloperTools');
    expect(product.assets['en-us']!.screenshots.map((a) => a.id)).toEqual([
      'shot-en-2',
      expect.stringMatching(/^[0-9a-f]{32}$/),
    ]);
    expect(product.assets['en-us']!.storeLogos.map((a) => a.id)).toEqual(['logo-en-1']);
    expect(writes()).toEqual([
      'PUT packages',
      'POST packages/commit',
      'PUT metadata',
      'PUT metadata',
      'PUT metadata',
      'PUT metadata',
      'POST listings/assets/create',
      'PUT listings/assets/commit',
      'POST submit',
    ]);
    // Every token was asked for this API's scope; no secret reached the log.
    expect(em.tokens.map((t) => [t.endpoint, t.resource])).toEqual([['v2', INSTALLER_API_RESOURCE]]);
    for (const value of secretValues()) expect(h.logger.text()).not.toContain(value);
    expect(h.logger.text()).toMatch(/\d\d:\d\d:\d\d PUBLISHED \(after \d+ s\)/);
    expect(h.sleeps.length).toBeGreaterThan(0);
  });

  test("an installer's new release keeps the error details set in Partner Center for the one it replaces; a new one gets the Store's default (none)", async () => {
    const h = harness();
    const kept = em.installer.product().packages[0]!;
    const errorDetails = [
      {
        errorScenario: 'rebootRequired',
        errorScenarioDetails: [{ errorValue: '3010', errorUrl: 'https://contoso.com/reboot' }],
      },
    ];
    kept['errorDetails'] = errorDetails;
    const newMsi = 'https://downloads.contoso.com/app/1.1.0/Contoso-1.1.0-x64.msi';
    const newExe = 'https://downloads.contoso.com/app/1.1.0/Contoso-1.1.0-arm64.exe';
    const installers = await parseInstallers(
      `- url: ${newMsi}\n  architecture: x64\n  languages: [en-us]\n` +
        `- url: ${newExe}\n  architecture: arm64\n  languages: [en-us]\n  installer-parameters: /S\n  doc-url: https://contoso.com/errors\n`,
    );
    await submitInstallers(h, { packages: toPackages(installers), commit: false, waitFor: 'commit' });
    const sent = em.installer.product().packages;
    expect(sent.map((p) => [p['packageUrl'], p['errorDetails']])).toEqual([
      [newMsi, errorDetails],
      [newExe, []],
    ]);
  });

  test('stage only, then command: commit submits the staged draft; a second commit follows it', async () => {
    const h = harness();
    const staged = await submitInstallers(h, {
      packages: toPackages(await parseInstallers(installersYaml())),
      releaseNotes: 'Staged.',
      commit: false,
      waitFor: 'commit',
    });
    expect(staged).toMatchObject({ status: 'Draft' });
    expect(staged.submissionId).toBeUndefined();
    expect(writes()).not.toContain('POST submit');
    expect(em.installer.product().submissions.size).toBe(0);

    const committed = await commitInstallerDraft(harness(), 'commit');
    expect(committed.status).toBe('INPROGRESS');
    expect(writes().filter((w) => w === 'POST submit')).toHaveLength(1);
    const again = await commitInstallerDraft(harness(), 'publish');
    expect(again).toMatchObject({ submissionId: committed.submissionId, status: 'PUBLISHED' });
    expect(writes().filter((w) => w === 'POST submit')).toHaveLength(1);
  });

  test('429 with Retry-After, 5xx and a reset on the way are retried', async () => {
    em.faults.add({ method: 'PUT', path: /\/packages$/, status: 429, retryAfter: '7' });
    em.faults.add({ method: 'GET', path: /\/status$/, status: 503, times: 2 });
    em.faults.add({ method: 'GET', path: /\/metadata$/, reset: true });
    em.faults.add({ method: 'GET', path: /\/submission\/\d+\/status$/, status: 500 });
    const h = harness();
    const outcome = await submitInstallers(h, {
      packages: toPackages(await parseInstallers(installersYaml())),
      releaseNotes: 'Again.',
      commit: true,
      waitFor: 'commit',
    });
    expect(outcome.status).toBe('INPROGRESS');
    expect(em.faults.pending).toBe(0);
    expect(h.retrySleeps).toContain(7000);
    expect(h.retrySleeps).toHaveLength(5);
    expect(h.logger.text()).toMatch(/HTTP 429 \(rate limited\): Rate limit is exceeded\..*; retrying in 7\.0 s/);
  });

  test('a busy draft is waited for before anything is written', async () => {
    // The plan's first read sees the draft busy too: three more reads until it is ready.
    em.installer.busy(4);
    const h = harness();
    const outcome = await submitInstallers(h, {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'commit',
    });
    expect(outcome.status).toBe('INPROGRESS');
    // The status poller's change lines: the time of each change and the time since the wait began.
    expect(h.logger.text()).toContain('info: 09:00:00 the draft is being processed (after 0 s)');
    expect(h.logger.text()).toMatch(/info: 09:00:\d\d the draft is ready \(after \d+ s\)/);
    expect(em.requests.filter((r) => r.kind === 'installer' && r.status === 409)).toEqual([]);
    // Polls back off from the first interval.
    expect(h.sleeps.slice(0, 3)).toEqual([10_000, 15_000, 22_500]);
  });

  test('tokens that expire during the run are renewed after a 401', async () => {
    const h = harness((n) => {
      if (n === 1) em.expireTokens();
    });
    const outcome = await submitInstallers(h, {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'publish',
    });
    expect(outcome.status).toBe('PUBLISHED');
    expect(em.tokens.length).toBe(2);
    expect(em.requests.some((r) => r.kind === 'installer' && r.status === 401)).toBe(true);
    expect(h.logger.text()).toContain('answered 401; getting a new access token');
  });

  test('a submission in progress is named and nothing is written', async () => {
    const first = await submitInstallers(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'none',
    });
    const before = writes().length;
    const error = await submitInstallers(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'commit',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OngoingSubmissionError);
    expect((error as Error).message).toContain(`has submission ${first.submissionId} in progress`);
    expect(writes()).toHaveLength(before);
  });

  test('packageuploaderror commits again; another package error is fatal and shown, and nothing is submitted', async () => {
    em.installer.behaviour.packageUploadErrors = 1;
    const h = harness();
    await submitInstallers(h, {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'commit',
    });
    expect(writes().filter((w) => w === 'POST packages/commit')).toHaveLength(2);
    expect(h.logger.text()).toMatch(/packageuploaderror \(target packages\).*committing the packages again/);

    await em.close();
    em = await startEmulator({ azurite });
    em.installer.behaviour.packageCommitFailure = {
      code: 'packagevalidationerror',
      message: 'The installer could not be downloaded.',
      target: 'packageUrl',
    };
    const error = await submitInstallers(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'commit',
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /The package commit failed: packagevalidationerror \(target packageUrl\): The installer could not be downloaded/,
    );
    expect(writes()).not.toContain('POST submit');
  });

  test("a failed publication fails with the Store's words", async () => {
    em.installer.behaviour.publishFailure = {
      code: 'certificationfailed',
      message: 'The app failed certification.',
      target: 'submission',
    };
    const error = await submitInstallers(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'publish',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionFailedError);
    expect((error as Error).message).toMatch(
      /ended in FAILED: certificationfailed \(target submission\): The app failed certification/,
    );
  });

  test('the time running out names the submission and where it stands', async () => {
    em.installer.behaviour.publishPolls = 1000;
    const h = harness();
    h.deadline = new Date(START + 5 * 60_000);
    const error = await submitInstallers(h, {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'publish',
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Timed out: submission \d+ is still INPROGRESS/);
  });
});

describe('dry run, bad input and status', () => {
  test('the plan reads only and shows the package list and the metadata it would send', async () => {
    const plan = await planInstallerSubmission(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      releaseNotes: 'Planned.',
      submissionJson: { listings: { 'de-de': null } },
      commit: true,
      waitFor: 'commit',
    });
    expect(writes()).toEqual([]);
    expect(plan.currentPackages).toHaveLength(1);
    expect(plan.packages.map((p) => p.packageType)).toEqual(['msi', 'exe']);
    expect(plan.languagesRemoved).toEqual(['de-de']);
    expect(plan.metadataWrites).toEqual([
      { listingsToRemove: ['de-de'] },
      { listings: expect.objectContaining({ language: 'en-us', whatsNew: 'Planned.' }) },
    ]);
  });

  test("a search term over the limit kept from the draft's listing is refused before any write, also in the plan", async () => {
    const copied = 'portable offline markdown notes editor';
    em.installer.product().listings['en-us']!['searchTerms'] = ['notes', copied];
    const error = await submitInstallers(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      releaseNotes: 'New notes.',
      commit: true,
      waitFor: 'commit',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListingLimitsError);
    expect((error as Error).message).toContain(
      `- listing en-us, searchTerms: item 2 ("${copied}") is 38 characters; the Store allows 30 per item`,
    );
    expect(writes()).toEqual([]);
  });

  test('a submission-json that does not fit the metadata is an input error before any write', async () => {
    const error = await submitInstallers(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      submissionJson: { applicationPackages: [] },
      commit: true,
      waitFor: 'commit',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problem).toMatch(/'applicationPackages' is not one of them/);
    expect(writes()).toEqual([]);
  });

  test('status reports the draft and the submission in progress', async () => {
    em.installer.behaviour.publishPolls = 10;
    const first = await submitInstallers(harness(), {
      packages: toPackages(await parseInstallers(installersYaml())),
      commit: true,
      waitFor: 'none',
    });
    const h = harness();
    const report = await installerStatus(h);
    expect(report).toMatchObject({
      ongoingSubmissionId: first.submissionId,
      publishingStatus: 'INPROGRESS',
      hasFailed: false,
    });
    expect(report.packages).toHaveLength(2);
    expect(report.languages.map((l) => l.language)).toEqual(['en-us', 'de-de']);
    expect(h.logger.text()).toContain(`Submission ${first.submissionId} is INPROGRESS`);
  });
});
