import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadListings } from '../../../src/listings/index.js';
import { ListingsError } from '../../../src/listings/error.js';
import { IMAGE_COUNT_LIMITS, MAX_IMAGE_BYTES, installerListingChanges } from '../../../src/listings/installer.js';
import { png } from './fixtures.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'installer-listings-'));
  const w = async (file: string, content: string | Buffer) => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), content);
  };
  await w('default/copyright.txt', '© Contoso');
  await w('default/images/StoreLogoSquare/logo.png', png('logo', 300, 300));
  await w('en-us/title.txt', 'Contoso Notes');
  await w('en-us/dev-studio.txt', 'Contoso Ltd');
  await w('en-us/description.txt', 'Notes, fast.');
  await w('en-us/release-notes.txt', 'Bug fixes.');
  await w('en-us/license-terms.txt', 'See the EULA.');
  await w('en-us/keywords.txt', 'notes\nmemo\n');
  await w('en-us/minimum-hardware.txt', '4 GB RAM\n');
  await w('en-us/recommended-hardware.txt', '8 GB RAM\n');
  await w('en-us/images/Screenshot/02-b.png', png('b', 1920, 1080));
  await w('en-us/images/Screenshot/01-a.png', png('a', 1920, 1080));
  await w('de-de/description.txt', 'Notizen, schnell.');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('installerListingChanges', () => {
  test("maps each text and list file to the MSI/EXE API's field, with default/ filling what a language lacks", async () => {
    const { folder } = await loadListings(root, 'app');
    const { changes } = installerListingChanges(folder);
    expect(changes.text?.['en-us']).toEqual({
      title: 'Contoso Notes',
      developedBy: 'Contoso Ltd',
      description: 'Notes, fast.',
      whatsNew: 'Bug fixes.',
      copyright: '© Contoso',
      additionalLicenseTerms: 'See the EULA.',
      searchTerms: ['notes', 'memo'],
      requirements: ['4 GB RAM'],
    });
    expect(changes.text?.['de-de']).toEqual({ description: 'Notizen, schnell.', copyright: '© Contoso' });
  });

  test('screenshots in file-name order; Store logos from default/ for each language without its own; recommended hardware is a warning', async () => {
    const { folder } = await loadListings(root, 'app');
    const { changes, warnings } = installerListingChanges(folder);
    const shots = changes.images?.['en-us']?.screenshots ?? [];
    expect(shots.map((slot) => ('upload' in slot ? slot.upload.name : slot.keep))).toEqual(['01-a.png', '02-b.png']);
    expect(
      (changes.images?.['en-us']?.storeLogos ?? []).map((slot) => ('upload' in slot ? slot.upload.name : slot.keep)),
    ).toEqual(['logo.png']);
    expect(
      (changes.images?.['de-de']?.storeLogos ?? []).map((slot) => ('upload' in slot ? slot.upload.name : slot.keep)),
    ).toEqual(['logo.png']);
    expect(warnings).toEqual([
      expect.stringMatching(/recommended-hardware\.txt: the MSI\/EXE API has no recommended hardware list/),
    ]);
  });

  test('images are named with their path and size, not read: the upload reads each one when its turn comes', async () => {
    const { folder } = await loadListings(root, 'app');
    const shots = installerListingChanges(folder).changes.images?.['en-us']?.screenshots ?? [];
    expect(shots[0]).toEqual({
      upload: { name: '01-a.png', path: expect.stringMatching(/01-a\.png$/), size: png('a', 1920, 1080).length },
    });
  });
});

describe('installerListingChanges: counts and sizes are checked before any image is read', () => {
  let many: string;
  beforeAll(async () => {
    many = await mkdtemp(path.join(os.tmpdir(), 'installer-many-'));
    const shots = path.join(many, 'en-us', 'images', 'Screenshot');
    await mkdir(shots, { recursive: true });
    await writeFile(path.join(many, 'en-us', 'description.txt'), 'Notes.');
    // One PNG and links to it, as in the report: 11 screenshots where the API takes 10.
    const first = path.join(shots, '00-first.png');
    await writeFile(first, png('first', 1920, 1080));
    for (let n = 1; n <= IMAGE_COUNT_LIMITS.screenshots; n++)
      await symlink(first, path.join(shots, `${String(n).padStart(2, '0')}-link.png`));
    const big = path.join(many, 'de-de', 'images', 'Screenshot', 'big.png');
    await mkdir(path.dirname(big), { recursive: true });
    await writeFile(path.join(many, 'de-de', 'description.txt'), 'Notizen.');
    await writeFile(big, png('big', 1920, 1080));
    await truncate(big, MAX_IMAGE_BYTES + 1);
    const logos = path.join(many, 'en-us', 'images', 'StoreLogoSquare');
    await mkdir(logos, { recursive: true });
    for (const name of ['a.png', 'b.png', 'c.png']) await writeFile(path.join(logos, name), png(name, 300, 300));
  });
  afterAll(() => rm(many, { recursive: true, force: true }));

  test('too many screenshots and Store logos, and an image over the size limit, each named with its folder or file', async () => {
    const { folder } = await loadListings(many, 'app');
    let error: unknown;
    try {
      installerListingChanges(folder);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ListingsError);
    const problem = (error as ListingsError).problem;
    expect(problem).toMatch(/en-us\/images\/Screenshot: has 11 screenshots; the Store takes up to 10 per language/);
    expect(problem).toMatch(/en-us\/images\/StoreLogoSquare: has 3 Store logos; the Store takes up to 2 per language/);
    expect(problem).toMatch(
      /de-de\/images\/Screenshot\/big\.png: is 50000001 bytes; the Store takes images up to 50000000 bytes/,
    );
    expect(problem.match(/ bytes;/g)).toHaveLength(1);
  });
});
