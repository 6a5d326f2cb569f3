/**
 * Store content as code through the bundled action (issue 12): package checks that refuse before
 * anything is created, a listings folder applied and its images ingested byte for byte, the same
 * folder on the next release uploading no unchanged image, and keep-package-versions retention.
 * The tests run in order on one emulator: each release builds on the one before.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { publisherHash } from '../../src/packages/identity.js';
import { SEED_ADDON_ID, SEED_APP_ID } from '../../test/emulator/index.js';
import { DEFAULT_PUBLISHER_HASH } from '../../test/support/packages.js';
import { startStack, type Stack } from '../../test/support/stack.js';
import { png, sha12 } from '../unit/listings/fixtures.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.stop());
beforeEach(() => {
  const pending = stack.emulator.state.pendingSubmission(SEED_APP_ID);
  if (pending) stack.emulator.state.removeSubmission(pending.id);
  stack.emulator.behaviour.stuckInCommitStarted = false;
});

async function write(relative: string, content: string | Buffer): Promise<string> {
  const file = path.join(stack.workspace, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return createHash('sha256').update(content).digest('hex');
}

async function waitForStatus(id: string, status: string): Promise<void> {
  for (let i = 0; i < 200 && stack.emulator.state.status(id) !== status; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(stack.emulator.state.status(id)).toBe(status);
}

interface Entry {
  fileName: string;
  fileStatus: string;
  id?: string;
  version?: string;
  architecture?: string;
  imageType?: string;
  description?: string;
}

function appSubmission(id: string): {
  applicationPackages: Entry[];
  listings: Record<string, { baseListing: Record<string, unknown> & { images: Entry[] } }>;
} {
  return stack.emulator.state.submission(id).resource as never;
}

function lastPublishedId(): string {
  return stack.emulator.state.lastPublishedSubmission(SEED_APP_ID)?.id as string;
}

/** A refused run: exit 1, one `::error::` naming `packages`, and not one mutating request. */
async function expectRefused(inputs: Record<string, string>, says: RegExp[]): Promise<string> {
  const mutating = stack.emulator.mutatingRequests().length;
  const run = await stack.run({ 'app-id': SEED_APP_ID, ...inputs });
  expect(run.exitCode).toBe(1);
  expect(run.errorLines).toHaveLength(1);
  const line = run.errorLines[0] as string;
  const message = line.slice(line.indexOf('::', 2) + 2);
  expect(message.startsWith("Input 'packages': ")).toBe(true);
  for (const pattern of says) expect(message).toMatch(pattern);
  expect(stack.emulator.mutatingRequests().length).toBe(mutating);
  expect(run.outputs['submission-id'] ?? '').toBe('');
  return message;
}

describe('package checks refuse before anything is created', () => {
  test('an identity name other than the app packageIdentityName: the file and both names', async () => {
    await stack.package('refuse/name/Fabrikam.Notes_6.0.0.0_x64.msixupload', { name: 'Fabrikam.Notes' });
    await expectRefused({ packages: 'refuse/name/*.msixupload' }, [
      /Fabrikam\.Notes_6\.0\.0\.0_x64\.msixupload: its identity name is 'Fabrikam\.Notes' but app 9NBLGGH4R315's packageIdentityName is 'Contoso\.ContosoNotes'/,
    ]);
  });

  test('a publisher whose hash is not the end of the packageFamilyName: the file, both hashes and the publisher', async () => {
    await stack.package('refuse/publisher/ContosoNotes_6.0.0.0_x64.msixupload', { publisher: 'CN=Fabrikam' });
    const hash = publisherHash('CN=Fabrikam');
    expect(hash).not.toBe(DEFAULT_PUBLISHER_HASH);
    await expectRefused({ packages: 'refuse/publisher/*.msixupload' }, [
      new RegExp(
        `ContosoNotes_6\\.0\\.0\\.0_x64\\.msixupload: its publisher 'CN=Fabrikam' has the publisher hash '${hash}'`,
      ),
      new RegExp(
        `packageFamilyName 'Contoso\\.ContosoNotes_${DEFAULT_PUBLISHER_HASH}' ends with '${DEFAULT_PUBLISHER_HASH}'`,
      ),
    ]);
  });

  test('a version and architecture the published submission already has', async () => {
    await stack.file('refuse/duplicate/ContosoNotes_1.0.0.0_x64.msixbundle', 4096);
    await expectRefused({ packages: 'refuse/duplicate/*.msixbundle' }, [
      /ContosoNotes_1\.0\.0\.0_x64\.msixbundle: version 1\.0\.0\.0 for x64 is already in the submission as ContosoNotes_1\.0\.0\.0_x64\.msixupload/,
    ]);
  });

  test('a file that is not a package, reported with the good one beside it', async () => {
    await write('refuse/corrupt/ContosoNotes_6.1.0.0_x64.msix', 'PK but not really a zip');
    await stack.file('refuse/corrupt/ContosoNotes_6.1.0.0_arm64.msix', 4096);
    const message = await expectRefused({ packages: 'refuse/corrupt/*.msix' }, [
      /ContosoNotes_6\.1\.0\.0_x64\.msix: .*is not a readable package/,
    ]);
    expect(message).not.toMatch(/arm64\.msix:/);
  });

  test('every refused file is named in the one error', async () => {
    await stack.package('refuse/both/Fabrikam.Notes_6.0.0.0_x64.msixupload', { name: 'Fabrikam.Notes' });
    await stack.file('refuse/both/ContosoNotes_1.0.0.0_x64.msix', 4096);
    await expectRefused({ packages: 'refuse/both/*' }, [
      /2 problems with packages/,
      /Fabrikam\.Notes_6\.0\.0\.0_x64\.msixupload: its identity name/,
      /ContosoNotes_1\.0\.0\.0_x64\.msix: version 1\.0\.0\.0/,
    ]);
  });
});

describe('a listings folder', () => {
  const main = png('main window');
  const edit = png('editor');
  const shots = { main: sha12(main), edit: sha12(edit) };
  let first: string;

  test('is applied with the release and its images are ingested byte for byte', async () => {
    await write('store/listings/default/copyright.txt', '© 2026 Contoso Ltd\n');
    await write('store/listings/en-us/description.txt', '\uFEFFNotes that keep up with you.\r\n');
    await write('store/listings/en-us/features.txt', 'Fast search\n\nDark theme\r\nSync\n');
    await write('store/listings/en-us/release-notes.txt', 'Notes from the folder (the input wins)');
    const mainSha = await write('store/listings/en-us/images/Screenshot/01-main.png', main);
    await write('store/listings/en-us/images/Screenshot/01-main.txt', 'The main window');
    const editSha = await write('store/listings/en-us/images/Screenshot/02-edit.png', edit);
    await write('store/listings/fr-fr/description.txt', 'Des notes qui suivent.');
    const x64 = await stack.file('release1/ContosoNotes_5.0.0.0_x64.msixupload', 200_000);
    const arm64 = await stack.file('release1/ContosoNotes_5.0.0.0_arm64.msixupload', 100_000);

    const run = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'release1/*.msixupload',
      listings: 'store/listings',
      'release-notes': 'Search is faster.',
      'wait-for': 'publish',
    });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    first = run.outputs['submission-id'] as string;
    await waitForStatus(first, 'Published');

    // The zip held the folder's images under their content-hash names, byte for byte, and the packages.
    const uploads = (stack.emulator.state.uploads(first) ?? []).map((u) => [u.name, u.sha256]).sort();
    expect(uploads).toEqual(
      [
        [`listings/en-us/Screenshot/01-main.${shots.main}.png`, mainSha],
        [`listings/en-us/Screenshot/02-edit.${shots.edit}.png`, editSha],
        ['ContosoNotes_5.0.0.0_arm64.msixupload', arm64],
        ['ContosoNotes_5.0.0.0_x64.msixupload', x64],
      ].sort(),
    );

    const { listings } = appSubmission(first);
    expect(Object.keys(listings).sort()).toEqual(['de-de', 'en-us', 'fr-fr']);
    const en = listings['en-us']?.baseListing;
    expect(en).toMatchObject({
      description: 'Notes that keep up with you.',
      features: ['Fast search', 'Dark theme', 'Sync'],
      copyrightAndTrademarkInfo: '© 2026 Contoso Ltd',
      releaseNotes: 'Search is faster.',
      title: 'Contoso Notes',
    });
    // The Screenshot type is exactly the folder's files, in name order; the logo is untouched.
    expect(en?.images.map((i) => [i.imageType, i.fileName, i.fileStatus, i.description])).toEqual([
      ['Screenshot', `listings/en-us/Screenshot/01-main.${shots.main}.png`, 'Uploaded', 'The main window'],
      ['Screenshot', `listings/en-us/Screenshot/02-edit.${shots.edit}.png`, 'Uploaded', ''],
      ['StoreLogoSquare', 'en-us/StoreLogo.png', 'Uploaded', ''],
    ]);
    // default/ fills every language; a language without a folder keeps its own text.
    expect(listings['de-de']?.baseListing).toMatchObject({
      description: 'Schnell Notizen machen.',
      copyrightAndTrademarkInfo: '© 2026 Contoso Ltd',
      releaseNotes: 'Search is faster.',
    });
    expect(listings['fr-fr']?.baseListing).toMatchObject({
      description: 'Des notes qui suivent.',
      copyrightAndTrademarkInfo: '© 2026 Contoso Ltd',
      releaseNotes: 'Search is faster.',
      title: '',
    });

    // The Store read the packages' manifests: versions and architectures.
    expect(appSubmission(first).applicationPackages.map((p) => [p.fileName, p.version, p.architecture])).toEqual([
      ['ContosoNotes_1.0.0.0_x64.msixupload', '1.0.0.0', 'x64'],
      ['ContosoNotes_5.0.0.0_arm64.msixupload', '5.0.0.0', 'ARM64'],
      ['ContosoNotes_5.0.0.0_x64.msixupload', '5.0.0.0', 'x64'],
    ]);

    expect(run.summary).toContain('### Packages');
    expect(run.summary).toContain(
      '| ContosoNotes_5.0.0.0_x64.msixupload | Contoso.ContosoNotes | 5.0.0.0 | x64 | Windows.Desktop |',
    );
    expect(run.summary).toContain(
      '| ContosoNotes_5.0.0.0_arm64.msixupload | Contoso.ContosoNotes | 5.0.0.0 | arm64 | Windows.Desktop |',
    );
    expect(run.summary).toContain('- Languages added: fr-fr');
    expect(run.summary).toContain('- Images unchanged and kept (not uploaded again): none');
    expect(run.summary).toContain(`\`listings/en-us/Screenshot/01-main.${shots.main}.png\``);
  });

  test('on the next release uploads no unchanged image and keeps the images as they are', async () => {
    const before = appSubmission(first).listings['en-us']?.baseListing.images ?? [];
    const x64 = await stack.file('release2/ContosoNotes_5.1.0.0_x64.msixupload', 50_000);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      packages: 'release2/*.msixupload',
      listings: 'store/listings',
      'wait-for': 'publish',
    });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    await waitForStatus(id, 'Published');

    expect(stack.emulator.state.uploads(id)?.map((u) => [u.name, u.sha256])).toEqual([
      ['ContosoNotes_5.1.0.0_x64.msixupload', x64],
    ]);
    // The same entries, ids included: the Store was not asked to replace them.
    expect(appSubmission(id).listings['en-us']?.baseListing.images).toEqual(before);
    expect(run.summary).toContain(
      `- Images unchanged and kept (not uploaded again): \`en-us/Screenshot/listings/en-us/Screenshot/01-main.${shots.main}.png\`, \`en-us/Screenshot/listings/en-us/Screenshot/02-edit.${shots.edit}.png\``,
    );
    expect(run.summary).toContain('- New images uploaded: none');
  });

  test('one changed image is uploaded alone and replaces its old entry', async () => {
    const changed = png('editor, redrawn');
    const changedSha = await write('store/listings/en-us/images/Screenshot/02-edit.png', changed);
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      listings: 'store/listings',
      'release-notes': 'New editor screenshot.',
      'wait-for': 'publish',
    });
    expect(run.errorLines).toEqual([]);
    const id = run.outputs['submission-id'] as string;
    await waitForStatus(id, 'Published');
    expect(stack.emulator.state.uploads(id)?.map((u) => [u.name, u.sha256])).toEqual([
      [`listings/en-us/Screenshot/02-edit.${sha12(changed)}.png`, changedSha],
    ]);
    expect(appSubmission(id).listings['en-us']?.baseListing.images.map((i) => i.fileName)).toEqual([
      `listings/en-us/Screenshot/01-main.${shots.main}.png`,
      `listings/en-us/Screenshot/02-edit.${sha12(changed)}.png`,
      'en-us/StoreLogo.png',
    ]);
  });
});

describe('an add-on listings folder', () => {
  test('sets title, description and icon per language and adds a language; the icon is ingested byte for byte', async () => {
    const icon = png('pro icon', 300, 300);
    const iconSha = await write('addon/listings/default/icon.png', icon);
    await write('addon/listings/en/title.txt', 'Contoso Notes Pro+');
    await write('addon/listings/en/description.txt', 'Every pro feature.');
    await write('addon/listings/de/title.txt', 'Contoso Notizen Pro+');
    await write('addon/listings/de/description.txt', 'Alle Profi-Funktionen.');
    const run = await stack.run({ 'add-on-id': SEED_ADDON_ID, listings: 'addon/listings', 'wait-for': 'publish' });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    await waitForStatus(id, 'Published');
    const zipName = `listings/default/icon.${sha12(icon)}.png`;
    expect(stack.emulator.state.uploads(id)?.map((u) => [u.name, u.sha256])).toEqual([[zipName, iconSha]]);
    const listings = stack.emulator.state.submission(id).resource.listings as Record<string, unknown>;
    expect(listings).toEqual({
      en: {
        title: 'Contoso Notes Pro+',
        description: 'Every pro feature.',
        icon: { fileName: zipName, fileStatus: 'Uploaded' },
      },
      de: {
        title: 'Contoso Notizen Pro+',
        description: 'Alle Profi-Funktionen.',
        icon: { fileName: zipName, fileStatus: 'Uploaded' },
      },
    });
    expect(run.summary).toContain('- Languages added: de');
  });
});

describe('keep-package-versions', () => {
  test('the dry run shows what retention would mark, and the real run marks exactly that', async () => {
    // Published now: x64 1.0.0.0, 5.0.0.0 and 5.1.0.0; arm64 5.0.0.0 (all Windows.Desktop).
    const published = appSubmission(lastPublishedId()).applicationPackages.map((p) => [
      p.fileName,
      p.version,
      p.architecture,
    ]);
    expect(published).toEqual([
      ['ContosoNotes_1.0.0.0_x64.msixupload', '1.0.0.0', 'x64'],
      ['ContosoNotes_5.0.0.0_arm64.msixupload', '5.0.0.0', 'ARM64'],
      ['ContosoNotes_5.0.0.0_x64.msixupload', '5.0.0.0', 'x64'],
      ['ContosoNotes_5.1.0.0_x64.msixupload', '5.1.0.0', 'x64'],
    ]);
    await stack.file('release3/ContosoNotes_6.0.0.0_x64.msixupload', 20_000);
    const inputs = {
      'app-id': SEED_APP_ID,
      packages: 'release3/*.msixupload',
      'keep-package-versions': '2',
      'wait-for': 'none',
    };

    const mutating = stack.emulator.mutatingRequests().length;
    const dry = await stack.run({ ...inputs, 'dry-run': 'true' });
    expect(dry.exitCode).toBe(0);
    expect(stack.emulator.mutatingRequests().length).toBe(mutating);
    expect(dry.summary).toContain('### Retention (keep-package-versions: 2)');
    expect(dry.summary).toContain('| ContosoNotes_1.0.0.0_x64.msixupload | 1.0.0.0 | x64 | Windows.Desktop |');
    expect(dry.summary).toContain('| ContosoNotes_5.0.0.0_x64.msixupload | 5.0.0.0 | x64 | Windows.Desktop |');
    expect(dry.summary).not.toMatch(/\| ContosoNotes_5\.(0\.0\.0_arm64|1\.0\.0_x64)\.msixupload \| 5/);

    // The submission stays at CommitStarted, holding what was sent.
    stack.emulator.behaviour.stuckInCommitStarted = true;
    const run = await stack.run(inputs);
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    expect(appSubmission(id).applicationPackages.map((p) => [p.fileName, p.fileStatus])).toEqual([
      ['ContosoNotes_1.0.0.0_x64.msixupload', 'PendingDelete'],
      // arm64 is not covered by the new package: it keeps its newest (and only) package.
      ['ContosoNotes_5.0.0.0_arm64.msixupload', 'Uploaded'],
      ['ContosoNotes_5.0.0.0_x64.msixupload', 'PendingDelete'],
      // x64 keeps two versions, the new one counted.
      ['ContosoNotes_5.1.0.0_x64.msixupload', 'Uploaded'],
      ['ContosoNotes_6.0.0.0_x64.msixupload', 'PendingUpload'],
    ]);
    expect(run.summary).toContain('Marked PendingDelete:');
    expect(run.summary).toContain('| ContosoNotes_5.0.0.0_x64.msixupload | 5.0.0.0 | x64 | Windows.Desktop |');
  });
});

describe('listing limits of the listing as it would be sent', () => {
  test('a keyword over 30 characters copied from the live listing is refused before create, in the dry run too', async () => {
    const copied = 'portable offline markdown notes editor';
    const listing = appSubmission(lastPublishedId()).listings['en-us']!.baseListing;
    const keywords = listing.keywords;
    listing.keywords = ['notes', copied];
    try {
      for (const dryRun of ['true', 'false']) {
        const mutating = stack.emulator.mutatingRequests().length;
        const run = await stack.run({ 'app-id': SEED_APP_ID, 'release-notes': 'Small fixes.', 'dry-run': dryRun });
        expect(run.exitCode).toBe(1);
        expect(run.errorLines).toEqual([
          expect.stringContaining(
            `::error title=Listing over the Store's limits::The Store would refuse this listing value, so nothing was created:%0A- listing en-us, baseListing.keywords: item 2 ("${copied}") is 38 characters; the Store allows 30 per item`,
          ),
        ]);
        expect(stack.emulator.mutatingRequests().length).toBe(mutating);
        expect(run.outputs['submission-id'] ?? '').toBe('');
      }
    } finally {
      listing.keywords = keywords;
    }
  });
});
