import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadListings } from '../../../src/listings/index.js';
import { installerListingChanges } from '../../../src/listings/installer.js';
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
    const { changes } = await installerListingChanges(folder);
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
    const { changes, warnings } = await installerListingChanges(folder);
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
});
