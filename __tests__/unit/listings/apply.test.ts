import { afterAll, describe, expect, test } from '@jest/globals';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { cloneJson, type JsonObject, type JsonValue } from '../../../src/json.js';
import {
  applyAddOnListings,
  applyAppListings,
  contentHashOfFileName,
  ListingsError,
  readListingsFolder,
  type ListingKind,
  type ListingsFolder,
} from '../../../src/listings/index.js';
import { png, sha12, tree } from './fixtures.js';

const made: string[] = [];
afterAll(async () => {
  for (const root of made) await rm(root, { recursive: true, force: true });
});

async function read(
  files: Record<string, Buffer | string>,
  kind: ListingKind = 'app',
): Promise<{ root: string; folder: ListingsFolder }> {
  const root = await tree(files);
  made.push(root);
  const result = await readListingsFolder(root, kind);
  expect(result.problems).toEqual([]);
  return { root, folder: result.folder };
}

const LIBRARY = png('library');
const EDITOR = png('editor');
const LOGO = png('logo', 300, 300);
const libraryName = `listings/en-us/Screenshot/01-library.${sha12(LIBRARY)}.png`;

function appSubmission(): JsonObject {
  return {
    id: '1152921504621243540',
    listings: {
      'en-us': {
        baseListing: {
          title: 'Old title',
          description: 'Old description.',
          keywords: ['old'],
          copyrightAndTrademarkInfo: '',
          images: [
            {
              fileName: libraryName,
              fileStatus: 'Uploaded',
              id: 'i1',
              imageType: 'Screenshot',
              description: 'Old words',
            },
            { fileName: 'en-us/shot1.png', fileStatus: 'Uploaded', id: 'i2', imageType: 'Screenshot', description: '' },
            {
              fileName: 'en-us/logo.png',
              fileStatus: 'Uploaded',
              id: 'i3',
              imageType: 'StoreLogoSquare',
              description: '',
            },
            {
              fileName: 'en-us/gone.png',
              fileStatus: 'PendingDelete',
              id: 'i0',
              imageType: 'Screenshot',
              description: '',
            },
          ],
        },
        platformOverrides: { Windows81: { description: 'Override' } },
      },
      'de-de': { baseListing: { title: 'Alt', description: 'Alte Beschreibung.', images: [] }, platformOverrides: {} },
    },
    applicationPackages: [],
  };
}

function base(submission: JsonObject, language: string): JsonObject {
  return ((submission.listings as JsonObject)[language] as JsonObject).baseListing as JsonObject;
}

/** What publishing does to the files: uploads get ids and become Uploaded, PendingDelete entries go. */
function publish(submission: JsonObject): JsonObject {
  const published = cloneJson(submission);
  let next = 100;
  for (const listing of Object.values(published.listings as JsonObject)) {
    const baseListing = (listing as JsonObject).baseListing as JsonObject;
    baseListing.images = (baseListing.images as JsonObject[])
      .filter((image) => image.fileStatus !== 'PendingDelete')
      .map((image) =>
        image.fileStatus === 'PendingUpload' ? { ...image, fileStatus: 'Uploaded', id: `new${next++}` } : image,
      );
  }
  return published;
}

describe('contentHashOfFileName', () => {
  test.each<[JsonValue | undefined, string | undefined]>([
    ['listings/en-us/Screenshot/01-library.0123456789ab.png', '0123456789ab'],
    ['listings\\en-us\\Screenshot\\01.ABCDEF012345.PNG', 'abcdef012345'],
    ['en-us/Screenshot_1.png', undefined],
    ['01.0123456789a.png', undefined],
    ['01.0123456789abc.png', undefined],
    ['01.0123456789ag.png', undefined],
    ['a.0123456789ab.png/other.png', undefined],
    [undefined, undefined],
    [42, undefined],
  ])('%j -> %j', (fileName, hash) => {
    expect(contentHashOfFileName(fileName)).toBe(hash);
  });
});

describe('applyAppListings: text and lists', () => {
  test('present files replace, absent files keep, default/ fills what a language lacks, the input is not changed', async () => {
    const { folder } = await read({
      'en-us/title.txt': 'New title',
      'en-us/keywords.txt': 'notes\ncontoso\n',
      'en-us/copyright.txt': '(c) en',
      'default/copyright.txt': '(c) Contoso',
      'default/features.txt': 'Fast\nSync',
    });
    const current = appSubmission();
    const before = cloneJson(current);
    const { submission, uploads, languagesAdded } = applyAppListings(current, folder);
    expect(current).toEqual(before);
    expect(uploads.size).toBe(0);
    expect(languagesAdded).toEqual([]);
    expect(base(submission, 'en-us')).toMatchObject({
      title: 'New title',
      description: 'Old description.',
      keywords: ['notes', 'contoso'],
      copyrightAndTrademarkInfo: '(c) en',
      features: ['Fast', 'Sync'],
    });
    expect(base(submission, 'de-de')).toMatchObject({
      title: 'Alt',
      description: 'Alte Beschreibung.',
      copyrightAndTrademarkInfo: '(c) Contoso',
      features: ['Fast', 'Sync'],
    });
    expect(((submission.listings as JsonObject)['en-us'] as JsonObject).platformOverrides).toEqual({
      Windows81: { description: 'Override' },
    });
  });

  test('without default/, a language without a folder is untouched', async () => {
    const { folder } = await read({ 'en-us/title.txt': 'New' });
    const { submission } = applyAppListings(appSubmission(), folder);
    expect((submission.listings as JsonObject)['de-de']).toEqual((appSubmission().listings as JsonObject)['de-de']);
  });

  test('language folders match listing keys ignoring case', async () => {
    const { folder } = await read({ 'en-us/title.txt': 'New' });
    const current = appSubmission();
    const listings = current.listings as JsonObject;
    listings['EN-US'] = listings['en-us'] as JsonObject;
    delete listings['en-us'];
    const { submission, languagesAdded } = applyAppListings(current, folder);
    expect(languagesAdded).toEqual([]);
    expect(base(submission, 'EN-US').title).toBe('New');
  });

  test('a new language folder adds a listing with empty fields and its files', async () => {
    const { folder } = await read({
      'fr-fr/description.txt': 'Prenez des notes.',
      'fr-fr/features.txt': 'Rapide',
      'default/copyright.txt': '(c)',
    });
    const { submission, languagesAdded } = applyAppListings(appSubmission(), folder);
    expect(languagesAdded).toEqual(['fr-fr']);
    expect((submission.listings as JsonObject)['fr-fr']).toEqual({
      baseListing: {
        copyrightAndTrademarkInfo: '(c)',
        keywords: [],
        licenseTerms: '',
        description: 'Prenez des notes.',
        features: ['Rapide'],
        releaseNotes: '',
        images: [],
        recommendedHardware: [],
        minimumHardware: [],
        title: '',
        shortDescription: '',
        shortTitle: '',
        sortTitle: '',
        voiceTitle: '',
        devStudio: '',
      },
      platformOverrides: {},
    });
  });

  test("a new language takes default/'s description", async () => {
    const { folder } = await read({ 'fr-fr/title.txt': 'Notes', 'default/description.txt': 'Notes.' });
    expect(base(applyAppListings(appSubmission(), folder).submission, 'fr-fr')).toMatchObject({
      title: 'Notes',
      description: 'Notes.',
    });
  });

  test('every new language without a description is reported', async () => {
    const { root, folder } = await read({
      'fr-fr/title.txt': 'Notes',
      'it-it/title.txt': 'Note',
      'es-es/description.txt': 'Notas.',
    });
    const error = (() => {
      try {
        applyAppListings(appSubmission(), folder);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })() as ListingsError;
    expect(error).toBeInstanceOf(ListingsError);
    expect(error.problems.map((problem) => problem.file)).toEqual([path.join(root, 'fr-fr'), path.join(root, 'it-it')]);
    expect(error.problems[0]?.message).toContain('add fr-fr/description.txt (or default/description.txt)');
  });
});

describe('applyAppListings: images', () => {
  test('a type folder makes the type exactly its files: unchanged kept, new uploaded, the rest PendingDelete; other types untouched', async () => {
    const { root, folder } = await read({
      'en-us/images/Screenshot/01-library.png': LIBRARY,
      'en-us/images/Screenshot/01-library.txt': 'The library',
      'en-us/images/Screenshot/02-editor.png': EDITOR,
    });
    const { submission, uploads, imagesKept } = applyAppListings(appSubmission(), folder);
    const editorName = `listings/en-us/Screenshot/02-editor.${sha12(EDITOR)}.png`;
    expect(base(submission, 'en-us').images).toEqual([
      { fileName: libraryName, fileStatus: 'Uploaded', id: 'i1', imageType: 'Screenshot', description: 'The library' },
      { fileName: editorName, fileStatus: 'PendingUpload', imageType: 'Screenshot', description: '' },
      { fileName: 'en-us/logo.png', fileStatus: 'Uploaded', id: 'i3', imageType: 'StoreLogoSquare', description: '' },
      { fileName: 'en-us/gone.png', fileStatus: 'PendingDelete', id: 'i0', imageType: 'Screenshot', description: '' },
      { fileName: 'en-us/shot1.png', fileStatus: 'PendingDelete', id: 'i2', imageType: 'Screenshot', description: '' },
    ]);
    expect([...uploads]).toEqual([[editorName, path.join(root, 'en-us/images/Screenshot/02-editor.png')]]);
    expect(imagesKept).toEqual([`en-us/Screenshot/${libraryName}`]);
  });

  test('the same folder on the next release uploads nothing and deletes nothing', async () => {
    const { folder } = await read({
      'en-us/images/Screenshot/01-library.png': LIBRARY,
      'en-us/images/Screenshot/02-editor.png': EDITOR,
      'en-us/images/StoreLogoSquare/logo.png': LOGO,
    });
    const first = applyAppListings(appSubmission(), folder);
    expect(first.uploads.size).toBe(2);
    const second = applyAppListings(publish(first.submission), folder);
    expect(second.uploads.size).toBe(0);
    const images = base(second.submission, 'en-us').images as JsonObject[];
    expect(images.map((image) => [image.fileStatus, image.imageType])).toEqual([
      ['Uploaded', 'Screenshot'],
      ['Uploaded', 'Screenshot'],
      ['Uploaded', 'StoreLogoSquare'],
    ]);
    expect(second.submission).toEqual(publish(first.submission));
  });

  test('a changed file is uploaded and its old entry marked PendingDelete; reordering alone uploads nothing', async () => {
    const first = applyAppListings(
      appSubmission(),
      (
        await read({
          'en-us/images/Screenshot/01-library.png': LIBRARY,
          'en-us/images/Screenshot/02-editor.png': EDITOR,
        })
      ).folder,
    );
    const published = publish(first.submission);
    const reordered = applyAppListings(
      published,
      (
        await read({
          'en-us/images/Screenshot/01-editor.png': EDITOR,
          'en-us/images/Screenshot/02-library.png': LIBRARY,
        })
      ).folder,
    );
    expect(reordered.uploads.size).toBe(0);
    expect(
      (base(reordered.submission, 'en-us').images as JsonObject[])
        .filter((image) => image.imageType === 'Screenshot')
        .map((image) => image.fileName),
    ).toEqual([`listings/en-us/Screenshot/02-editor.${sha12(EDITOR)}.png`, libraryName]);
    const changedBytes = png('library, retouched');
    const changed = applyAppListings(
      published,
      (
        await read({
          'en-us/images/Screenshot/01-library.png': changedBytes,
          'en-us/images/Screenshot/02-editor.png': EDITOR,
        })
      ).folder,
    );
    expect([...changed.uploads.keys()]).toEqual([`listings/en-us/Screenshot/01-library.${sha12(changedBytes)}.png`]);
    expect(
      (base(changed.submission, 'en-us').images as JsonObject[])
        .filter((image) => image.fileStatus === 'PendingDelete')
        .map((image) => image.fileName),
    ).toEqual([libraryName]);
  });

  test('an empty type folder removes every image of that type', async () => {
    const { folder } = await read({ 'en-us/images/Screenshot/.gitkeep': '' });
    const images = base(applyAppListings(appSubmission(), folder).submission, 'en-us').images as JsonObject[];
    expect(images.map((image) => [image.id, image.fileStatus])).toEqual([
      ['i3', 'Uploaded'],
      ['i0', 'PendingDelete'],
      ['i1', 'PendingDelete'],
      ['i2', 'PendingDelete'],
    ]);
  });

  test('default/ images fill every language without its own folder of that type, uploaded once', async () => {
    const { root, folder } = await read({ 'default/images/StoreLogoSquare/logo.png': LOGO, 'de-de/title.txt': 'Neu' });
    const { submission, uploads } = applyAppListings(appSubmission(), folder);
    const logoName = `listings/default/StoreLogoSquare/logo.${sha12(LOGO)}.png`;
    expect([...uploads]).toEqual([[logoName, path.join(root, 'default/images/StoreLogoSquare/logo.png')]]);
    for (const language of ['en-us', 'de-de']) {
      const logos = (base(submission, language).images as JsonObject[]).filter(
        (image) => image.imageType === 'StoreLogoSquare' && image.fileStatus === 'PendingUpload',
      );
      expect(logos.map((image) => image.fileName)).toEqual([logoName]);
    }
  });

  test("images that submission-json added for the type are replaced by the folder's, with a warning", async () => {
    const current = appSubmission();
    (base(current, 'de-de').images as JsonObject[]).push({
      fileName: 'mine.png',
      fileStatus: 'PendingUpload',
      imageType: 'Screenshot',
    });
    const { folder } = await read({ 'de-de/images/Screenshot/01.png': EDITOR });
    const { submission, warnings } = applyAppListings(current, folder);
    expect((base(submission, 'de-de').images as JsonObject[]).map((image) => image.fileName)).toEqual([
      `listings/de-de/Screenshot/01.${sha12(EDITOR)}.png`,
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('replaces the Screenshot image mine.png that submission-json added for de-de'),
    ]);
  });

  test('refuses a folder read for add-ons', async () => {
    const { folder } = await read({ 'en/title.txt': 'T' }, 'add-on');
    expect(() => applyAppListings(appSubmission(), folder)).toThrow(
      'applyAppListings needs a folder read for an app submission',
    );
  });
});

describe('applyAddOnListings', () => {
  const ICON = png('icon', 300, 300);
  const iconName = `listings/en/icon.${sha12(ICON)}.png`;
  function addOn(iconFileName = 'icons/pro.png'): JsonObject {
    return {
      id: '1152921504621243700',
      listings: { en: { description: 'Old.', icon: { fileName: iconFileName, fileStatus: 'Uploaded' }, title: 'Pro' } },
      visibility: 'Public',
    };
  }

  test('title and description replace; a new icon is uploaded; an unchanged one is kept', async () => {
    const { root, folder } = await read({ 'en/description.txt': 'Unlock everything.', 'en/icon.png': ICON }, 'add-on');
    const first = applyAddOnListings(addOn(), folder);
    expect((first.submission.listings as JsonObject).en).toEqual({
      description: 'Unlock everything.',
      icon: { fileName: iconName, fileStatus: 'PendingUpload' },
      title: 'Pro',
    });
    expect([...first.uploads]).toEqual([[iconName, path.join(root, 'en/icon.png')]]);
    const again = applyAddOnListings(addOn(iconName), folder);
    expect(again.uploads.size).toBe(0);
    expect(((again.submission.listings as JsonObject).en as JsonObject).icon).toEqual({
      fileName: iconName,
      fileStatus: 'Uploaded',
    });
  });

  test('a new language needs a title and a description', async () => {
    const { folder } = await read(
      { 'de/title.txt': 'Profi', 'fr/description.txt': 'Tout.', 'default/title.txt': 'Pro+', 'es/icon.png': ICON },
      'add-on',
    );
    const error = (() => {
      try {
        applyAddOnListings(addOn(), folder);
      } catch (caught) {
        return caught as ListingsError;
      }
      throw new Error('expected a ListingsError');
    })();
    expect(error.problems.map((problem) => [path.basename(problem.file), problem.message])).toEqual([
      ['de', 'adds the add-on listing language de, which needs description.txt (in its folder or in default/)'],
      ['es', 'adds the add-on listing language es, which needs description.txt (in its folder or in default/)'],
    ]);
    const complete = await read({ 'fr/description.txt': 'Tout.', 'default/title.txt': 'Pro+' }, 'add-on');
    const { submission, languagesAdded } = applyAddOnListings(addOn(), complete.folder);
    expect(languagesAdded).toEqual(['fr']);
    expect((submission.listings as JsonObject).fr).toEqual({ title: 'Pro+', description: 'Tout.' });
    expect(((submission.listings as JsonObject).en as JsonObject).title).toBe('Pro+');
  });
});
