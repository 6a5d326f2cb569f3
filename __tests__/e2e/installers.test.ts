/**
 * MSI/EXE products through the bundled action: the emulator's MSI/EXE API, installers served over
 * HTTPS by the test file server. The child process trusts the server's throw-away certificate
 * through NODE_EXTRA_CA_CERTS (a PEM file), read by Node at start-up for every TLS connection.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SEED_INSTALLER_PRODUCT_ID, SEED_SELLER_ID } from '../../test/emulator/index.js';
import { findLeaks } from '../../test/support/action.js';
import {
  exampleInstallers,
  exeBytes,
  msiBytes,
  startInstallerServer,
  type InstallerServer,
} from '../../test/support/installer-server.js';
import { startStack, type Stack } from '../../test/support/stack.js';
import { png } from '../unit/listings/fixtures.js';

let stack: Stack;
let files: InstallerServer;
let caDir: string;
let trust: Record<string, string>;

/** A signature in one installer URL's query, as a signed download URL has: must never be printed. */
const SIGNATURE = 'Zm9vYmFyc2lnbmF0dXJlMTIzNDU2Nzg5MA';

beforeAll(async () => {
  stack = await startStack();
  files = await startInstallerServer();
  caDir = await mkdtemp(path.join(os.tmpdir(), 'installer-ca-'));
  const caFile = path.join(caDir, 'ca.pem');
  await writeFile(caFile, files.ca);
  trust = { NODE_EXTRA_CA_CERTS: caFile };
});
afterAll(async () => {
  await files?.close();
  await stack?.stop();
  if (caDir) await rm(caDir, { recursive: true, force: true });
});
beforeEach(() => {
  stack.emulator.faults.clear();
  Object.assign(stack.emulator.installer.behaviour, {
    commitPolls: 2,
    packageUploadErrors: 0,
    packageCommitFailure: undefined,
    publishPolls: 3,
    publishFailure: undefined,
    warnings: [],
  });
});

const product = () => stack.emulator.installer.product();
const installerRequests = () => stack.emulator.requests.filter((r) => r.kind === 'installer');
const installerWrites = () =>
  installerRequests()
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path.split('/').slice(5).join('/')}`);

/** The two installers of the contract's example, one of them behind a signed URL. */
function installersYaml(version: string): string {
  const msi = files.serve(`/${version}/Contoso-${version}-x64.msi`, { body: msiBytes(24_000) });
  const exe = files.serve(`/${version}/Contoso-${version}-arm64.exe`, { body: exeBytes(16_000), ignoreRange: true });
  return exampleInstallers(`${msi}?sv=2024-08-04&se=2030-01-01T00%3A00%3A00Z&sig=${SIGNATURE}`, exe);
}

function inputs(extra: Record<string, string>): Record<string, string> {
  return { 'app-id': SEED_INSTALLER_PRODUCT_ID, 'seller-id': SEED_SELLER_ID, ...extra };
}

async function run(extra: Record<string, string>, env: Record<string, string> = {}) {
  const result = await stack.run(inputs(extra), { ...trust, ...env });
  // The signature of the signed installer URL is a secret like any other.
  expect(findLeaks(result, [SIGNATURE])).toEqual([]);
  return result;
}

describe('submit an MSI/EXE product', () => {
  test('checks the installers, replaces the packages, sets release notes and reaches PUBLISHED', async () => {
    const run1 = await run({
      installers: installersYaml('2.1.0'),
      'release-notes': 'Faster start-up.',
      'notes-for-certification': 'Installs per machine.',
      'wait-for': 'publish',
    });
    expect(run1.errorLines).toEqual([]);
    expect(run1.exitCode).toBe(0);
    const id = run1.outputs['submission-id'] as string;
    expect(id).toMatch(/^\d+$/);
    expect(run1.outputs.status).toBe('PUBLISHED');
    expect(JSON.parse(run1.outputs['status-details'] as string)).toEqual({ errors: [], warnings: [] });

    const submission = product().submissions.get(id);
    expect(submission?.publishingStatus).toBe('PUBLISHED');
    expect(
      submission?.packages.map((p) => [
        p['packageType'],
        p['architectures'],
        p['isSilentInstall'],
        p['installerParameters'],
      ]),
    ).toEqual([
      ['msi', ['X64'], true, ''],
      ['exe', ['Arm64'], false, '/S'],
    ]);
    // The Store gets the signed URL whole: it downloads the installer with it.
    expect(submission?.packages[0]?.['packageUrl']).toContain(`sig=${SIGNATURE}`);
    for (const listing of Object.values(product().listings)) expect(listing['whatsNew']).toBe('Faster start-up.');
    expect(product().properties['certificationNotes']).toBe('Installs per machine.');
    expect(installerWrites()).toEqual([
      'PUT packages',
      'POST packages/commit',
      'PUT metadata',
      'PUT metadata',
      'PUT metadata',
      'POST submit',
    ]);
    // Every installer was checked by its first bytes, before anything was written.
    expect(files.requests.filter((r) => r.path.startsWith('/2.1.0/')).map((r) => [r.path, r.range])).toEqual(
      expect.arrayContaining([
        ['/2.1.0/Contoso-2.1.0-x64.msi', 'bytes=0-7'],
        ['/2.1.0/Contoso-2.1.0-arm64.exe', 'bytes=0-7'],
      ]),
    );
    expect(run1.stdout).toContain(`Installer 1 (msi, x64) ${files.origin}/2.1.0/Contoso-2.1.0-x64.msi?…: OK, 24.0 KB`);

    expect(run1.summary).toContain(`| Target | MSI/EXE product ${SEED_INSTALLER_PRODUCT_ID} |`);
    expect(run1.summary).toContain(`| Submission | ${id} |`);
    // An MSI/EXE product's submissions have no page of their own: the link is the product's overview.
    const overview = `https://partner.microsoft.com/dashboard/products/${SEED_INSTALLER_PRODUCT_ID}/overview`;
    expect(run1.outputs['submission-url']).toBe(overview);
    expect(run1.outputs['store-url']).toBeUndefined();
    expect(run1.summary).toContain(`| Links | [Product in Partner Center](${overview}) |`);
    expect(run1.summary).toContain('**PUBLISHED**');
    expect(run1.summary).toContain('### Installers');
    expect(run1.summary).toContain(
      `| ${files.origin}/2.1.0/Contoso-2.1.0-x64.msi?… | x64 | msi | en-us, de-de | 24.0 KB |`,
    );
    expect(run1.summary).toContain(`| ${files.origin}/2.1.0/Contoso-2.1.0-arm64.exe | arm64 | exe | en-us | 16.0 KB |`);
    expect(run1.summary).toMatch(/### Status timeline[\s\S]*\| INPROGRESS \|[\s\S]*\| PUBLISHED \|/);
  });

  test("shows the API's warnings in the outputs and the summary", async () => {
    stack.emulator.installer.behaviour.warnings = [
      { code: 'warning', message: 'The screenshot for de-de is missing.', target: 'listings' },
    ];
    const result = await run({ installers: installersYaml('2.1.1') });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('INPROGRESS');
    expect(JSON.parse(result.outputs['status-details'] as string)).toEqual({
      errors: [],
      warnings: [{ code: 'warning', message: 'The screenshot for de-de is missing.', target: 'listings' }],
    });
    expect(result.summary).toContain('- warning warning (target listings): The screenshot for de-de is missing.');
    await finishOngoing();
  });

  test('stages with commit: false, then command: commit submits the draft', async () => {
    const submissionsBefore = product().submissions.size;
    const staged = await run({ installers: installersYaml('2.2.0'), commit: 'false' });
    expect(staged.errorLines).toEqual([]);
    expect(staged.exitCode).toBe(0);
    expect(staged.outputs.status).toBe('Draft');
    expect(staged.outputs['submission-id']).toBeUndefined();
    expect(product().submissions.size).toBe(submissionsBefore);
    expect(product().packages.map((p) => p['packageUrl'])).toEqual([
      expect.stringContaining('/2.2.0/Contoso-2.2.0-x64.msi?'),
      `${files.origin}/2.2.0/Contoso-2.2.0-arm64.exe`,
    ]);
    expect(staged.summary).toMatch(/\| Status \| \*\*Draft\*\* \|/);
    expect(staged.stdout).toContain("submit it with 'command: commit'");

    const committed = await run({ command: 'commit', 'wait-for': 'publish' });
    expect(committed.errorLines).toEqual([]);
    expect(committed.exitCode).toBe(0);
    const id = committed.outputs['submission-id'] as string;
    expect(committed.outputs.status).toBe('PUBLISHED');
    expect(
      product()
        .submissions.get(id)
        ?.packages.map((p) => p['packageUrl']),
    ).toEqual(product().packages.map((p) => p['packageUrl']));
    expect(product().submissions.size).toBe(submissionsBefore + 1);
  });

  test("a failed publication fails the step and still gives the submission, FAILED and the Store's errors", async () => {
    Object.assign(stack.emulator.installer.behaviour, {
      publishPolls: 2,
      publishFailure: {
        code: 'certificationfailed',
        message: 'The installer did not install silently with the given parameters.',
        target: 'packages',
      },
    });
    const result = await run({ installers: installersYaml('2.2.5'), 'wait-for': 'publish' });
    expect(result.exitCode).toBe(1);
    const id = result.outputs['submission-id'] as string;
    expect(product().submissions.get(id)?.publishingStatus).toBe('FAILED');
    expect(result.outputs.status).toBe('FAILED');
    expect(JSON.parse(result.outputs['status-details'] as string).errors).toEqual([
      {
        code: 'certificationfailed',
        message: 'The installer did not install silently with the given parameters.',
        target: 'packages',
      },
    ]);
    expect(result.errorLines).toEqual([
      `::error::Submission ${id} ended in FAILED: certificationfailed (target packages): The installer did not install silently with the given parameters.`,
    ]);
    expect(result.summary).toContain(
      '- error certificationfailed (target packages): The installer did not install silently with the given parameters.',
    );
    expect(result.summary).toMatch(/### Status timeline[\s\S]*\| INPROGRESS \|[\s\S]*\| FAILED \|/);
  });

  test('rides out 429s and a busy draft', async () => {
    stack.emulator.installer.busy(3);
    stack.emulator.faults.add({ method: 'PUT', path: /\/packages$/, status: 429, retryAfter: '1', times: 2 });
    stack.emulator.faults.add({ method: 'GET', path: /\/status$/, status: 429, retryAfter: '1' });
    const result = await run({ installers: installersYaml('2.3.0') });
    expect(result.errorLines).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('INPROGRESS');
    expect(stack.emulator.faults.injected.filter((f) => f.status === 429)).toHaveLength(3);
    expect(result.stdout).toMatch(/\d\d:\d\d:\d\d the draft is being processed \(after 0 s\)/);
    await finishOngoing();
  });

  test('signs in with the OIDC token for the MSI/EXE API scope', async () => {
    const before = stack.emulator.tokens.length;
    const result = await run(
      { 'client-secret': '', installers: installersYaml('2.4.0') },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: stack.emulator.oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: stack.emulator.oidc.requestToken,
      },
    );
    expect(result.errorLines).toEqual([]);
    expect(result.exitCode).toBe(0);
    const issued = stack.emulator.tokens.slice(before);
    expect(issued.length).toBeGreaterThan(0);
    expect(issued.map((t) => [t.credential, t.endpoint, t.resource])).toEqual(
      issued.map(() => ['assertion', 'v2', 'https://api.store.microsoft.com']),
    );
    await finishOngoing();
  });
});

describe('refused before anything is written', () => {
  test.each<[string, () => string, RegExp]>([
    [
      'an MSI declared as an EXE',
      () =>
        `- url: ${files.serve('/bad/Contoso.exe', { body: msiBytes() })}\n  architecture: x64\n  languages: [en-us]\n  installer-parameters: /S\n  doc-url: https://contoso.com/e\n`,
      /item 1 \(line 1\) https:\/\/127\.0\.0\.1:\d+\/bad\/Contoso\.exe: the file is an MSI, not an EXE: set 'type: msi'/,
    ],
    [
      'an http URL',
      () => `- url: http://127.0.0.1:9/app.msi\n  architecture: x64\n  languages: [en-us]\n`,
      /item 1 \(line 1\): 'url' 'http:\/\/127\.0\.0\.1:9\/app\.msi' is not https/,
    ],
    [
      'an MSIX package URL',
      () => `- url: https://h/App_1.0.0.0_x64.msix\n  architecture: x64\n  languages: [en-us]\n`,
      /item 1 \(line 1\) https:\/\/h\/App_1\.0\.0\.0_x64\.msix: the url names a \.msix file: an MSIX package is not an installer of an MSI\/EXE product\. Submit MSIX packages to the app's 12-character Store ID .* with 'packages'/,
    ],
    [
      'an MSIX package behind an installer name (zip bytes)',
      () =>
        `- url: ${files.serve('/bad/Contoso.msi', { body: Buffer.from('PK\x03\x04zipzipzip', 'latin1') })}\n  architecture: x64\n  languages: [en-us]\n`,
      /Contoso\.msi: the file is a zip archive \(50 4b 03 04\), as MSIX packages are: .*12-character Store ID/,
    ],
    [
      'a URL that answers 404',
      () => `- url: ${files.origin}/missing/Contoso-9.9.9-x64.msi\n  architecture: x64\n  languages: [en-us]\n`,
      /answers HTTP 404 \(not found\)/,
    ],
  ])('%s', async (_what, yaml, problem) => {
    const before = stack.emulator.requests.length;
    const result = await run({ installers: yaml() });
    expect(result.exitCode).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/^::error title=Invalid input::Input 'installers': /);
    expect(result.errorLines[0]).toMatch(problem);
    // Not one request reached the Store's API, let alone a write.
    expect(stack.emulator.requests.slice(before).filter((r) => r.kind === 'installer')).toEqual([]);
    expect(result.summary).toContain('❌ failed');
  });

  test.each([
    [
      'a signed URL',
      (origin: string) => `${origin}/gone/app.msi?X-Amz-Signature=E2EAMZSIG0123456789&token=E2ETOKEN0123456789`,
    ],
    ['the typo https//', () => 'https//downloads.contoso.com/app.msi?token=E2ETYPOTOKEN0123456789'],
  ])('%s: the query reaches no error, log or summary', async (_what, url) => {
    const result = await run({
      installers: `- url: ${url(files.origin)}\n  architecture: x64\n  languages: [en-us]\n`,
    });
    expect(result.exitCode).toBe(1);
    expect(result.errorLines).toEqual([expect.stringMatching(/app\.msi\?…/)]);
    expect(findLeaks(result, ['E2EAMZSIG0123456789', 'E2ETOKEN0123456789', 'E2ETYPOTOKEN0123456789'])).toEqual([]);
  });

  test('a missing seller ID, before signing in', async () => {
    const before = stack.emulator.requests.length;
    const result = await run({ 'seller-id': '', installers: installersYaml('3.0.0') });
    expect(result.exitCode).toBe(1);
    expect(result.errorLines).toEqual([
      expect.stringMatching(/Input 'seller-id': is required for an MSI\/EXE product/),
    ]);
    expect(stack.emulator.requests.length).toBe(before);
  });

  test('an input only the MSIX API has, and on-pending: delete', async () => {
    const packages = await run({ installers: installersYaml('3.0.1'), packages: 'out/*.msixupload' });
    expect(packages.errorLines).toEqual([
      expect.stringMatching(/Input 'packages': does not apply to MSI\/EXE products/),
    ]);
    const onPending = await run({ installers: installersYaml('3.0.1'), 'on-pending': 'delete' });
    expect(onPending.errorLines).toEqual([
      expect.stringMatching(/Input 'on-pending': 'delete' cannot work for an MSI\/EXE product/),
    ]);
  });

  test('an ongoing submission is named, and nothing is written', async () => {
    stack.emulator.installer.behaviour.publishPolls = 1000;
    const first = await run({ installers: installersYaml('4.0.0'), 'wait-for': 'none' });
    expect(first.exitCode).toBe(0);
    const ongoing = first.outputs['submission-id'] as string;
    expect(first.outputs.status).toBe('INPROGRESS');

    const writesBefore = installerWrites().length;
    const second = await run({ installers: installersYaml('4.0.1') });
    expect(second.exitCode).toBe(1);
    expect(second.errorLines).toHaveLength(1);
    expect(second.errorLines[0]).toContain(
      `Product ${SEED_INSTALLER_PRODUCT_ID} has submission ${ongoing} in progress`,
    );
    expect(installerWrites().length).toBe(writesBefore);
    // The outputs and the summary name what blocks the run, not only the error.
    expect(second.outputs['submission-id']).toBe(ongoing);
    expect(second.outputs.status).toBe('INPROGRESS');
    expect(second.summary).toContain(`Submission **${ongoing}** (INPROGRESS) blocks this run`);

    const status = await run({ command: 'status' });
    expect(status.exitCode).toBe(0);
    expect(status.outputs['submission-id']).toBe(ongoing);
    expect(status.outputs.status).toBe('INPROGRESS');
    expect(status.summary).toContain('### Installers in the draft');
    expect(installerWrites().length).toBe(writesBefore);

    const dry = await run({ installers: installersYaml('4.0.1'), 'dry-run': 'true' });
    expect(dry.exitCode).toBe(0);
    expect(dry.summary).toContain(
      `stop: submission ${ongoing} of MSI/EXE product ${SEED_INSTALLER_PRODUCT_ID} is in progress`,
    );
    expect(dry.outputs['submission-id']).toBe(ongoing);
    expect(dry.outputs.status).toBe('INPROGRESS');
    expect(installerWrites().length).toBe(writesBefore);
    await finishOngoing();
  });
});

describe('dry run', () => {
  test('shows the package list and the metadata changes, and writes nothing', async () => {
    const writesBefore = installerWrites().length;
    const packagesBefore = structuredClone(product().packages);
    const result = await run({
      installers: installersYaml('5.0.0'),
      'release-notes': 'Dry notes.',
      'submission-json':
        '{"listings": {"fr-fr": {"description": "Une app.", "additionalLicenseTerms": "Voir le site."}}}',
      'dry-run': 'true',
    });
    expect(result.errorLines).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(installerWrites().length).toBe(writesBefore);
    expect(product().packages).toEqual(packagesBefore);
    expect(result.summary).toContain('🔍 dry run');
    expect(result.summary).toContain('### Installers that would be sent');
    expect(result.summary).toMatch(/replace its 2 package\(s\) with the 2 installer\(s\) listed/);
    expect(result.summary).toContain('add listing languages fr-fr');
    expect(result.summary).toContain('"whatsNew": "Dry notes."');
    expect(result.stdout).toMatch(/Packages: 2 now, replaced by 2:/);
    expect(result.stdout).toContain('Listing languages added: fr-fr');
    expect(result.outputs['submission-id']).toBeUndefined();
  });
});

describe('short-lived tokens', () => {
  let shortStack: Stack;
  beforeAll(async () => {
    shortStack = await startStack({ tokenLifetimeSeconds: 3 });
    // Enough status reads that the wait outlives several tokens.
    Object.assign(shortStack.emulator.installer.behaviour, { publishPolls: 9 });
  });
  afterAll(async () => shortStack?.stop());

  test('are renewed through a long wait, for the MSI/EXE scope', async () => {
    const result = await shortStack.run(inputs({ installers: installersYaml('6.0.0'), 'wait-for': 'publish' }), trust);
    expect(result.errorLines).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('PUBLISHED');
    const issued = shortStack.emulator.tokens.filter((t) => t.resource === 'https://api.store.microsoft.com');
    expect(issued.length).toBeGreaterThan(1);
    expect(shortStack.emulator.tokens).toHaveLength(issued.length);
    // (A token may still run out on its way on a loaded machine: the 401 gets a fresh one and one more try.)
  });
});

/** Lets a submission a test left in progress publish (status reads move it on), so the next test starts from a ready draft. */
async function finishOngoing(): Promise<void> {
  stack.emulator.installer.behaviour.publishPolls = 0;
  const result = await run({ command: 'status' });
  expect(result.exitCode).toBe(0);
  expect(product().ongoingSubmissionId).toBeUndefined();
}

describe('a listings folder', () => {
  test('sets the listing text and replaces the screenshots through the assets calls', async () => {
    const root = path.join(stack.workspace, 'installer-listings', 'en-us');
    await mkdir(path.join(root, 'images', 'Screenshot'), { recursive: true });
    await writeFile(path.join(root, 'description.txt'), 'Described by the listings folder.\n');
    await writeFile(path.join(root, 'features.txt'), 'Fast\nSmall\n');
    await writeFile(path.join(root, 'images', 'Screenshot', '01-main.png'), png('main', 1920, 1080));
    await writeFile(path.join(root, 'images', 'Screenshot', '02-detail.png'), png('detail', 1920, 1080));
    const result = await run({
      installers: installersYaml('7.7.7'),
      listings: 'installer-listings',
      'release-notes': 'Faster start-up.',
    });
    expect(result.errorLines).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(product().listings['en-us']).toMatchObject({
      description: 'Described by the listings folder.',
      productFeatures: ['Fast', 'Small'],
      whatsNew: 'Faster start-up.',
    });
    const screenshots = product().assets['en-us']?.screenshots ?? [];
    expect(screenshots).toHaveLength(2);
    expect(screenshots.map((a) => a.id)).not.toContain('shot-en-1');
  });
});
