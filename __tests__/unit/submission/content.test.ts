/**
 * buildSubmission with the listings folder and keep-package-versions: the order of application
 * (overlay, listings, packages, retention, release notes), the files the zip takes from the
 * folder, and what retention marks for apps (architecture x device family) and flights
 * (architecture only).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';
import { readListingsFolder, type ListingKind, type ListingsFolder } from '../../../src/listings/index.js';
import type { DescribedPackage } from '../../../src/packages/index.js';
import { KINDS } from '../../../src/store/kinds.js';
import { buildSubmission, type SubmissionChanges } from '../../../src/submission/build.js';
import { packageKey } from '../../../src/packages/names.js';
import { png, sha12, tree } from '../listings/fixtures.js';
import { addOnSubmission, appSubmission, errorFrom, flightSubmission } from './fixtures.js';

const made: string[] = [];
afterAll(async () => {
  for (const root of made) await rm(root, { recursive: true, force: true });
});

async function folder(
  files: Record<string, Buffer | string>,
  kind: ListingKind = 'app',
): Promise<{ root: string; folder: ListingsFolder }> {
  const root = await tree(files);
  made.push(root);
  const read = await readListingsFolder(root, kind);
  expect(read.problems).toEqual([]);
  // The folder's real path: what the zip builder reads (symlinks such as macOS's /tmp resolved).
  return { root: read.folder.realRoot, folder: read.folder };
}

function changes(partial: Partial<SubmissionChanges>): SubmissionChanges {
  return { newPackages: [], replacePackages: false, ...partial };
}

function baseListing(submission: JsonObject, language: string): JsonObject {
  return ((submission.listings as JsonObject)[language] as JsonObject).baseListing as JsonObject;
}

const SHOT = png('shot');

describe('buildSubmission with a listings folder', () => {
  test('applies the folder after submission-json and before release-notes, which wins', async () => {
    const { root, folder: listings } = await folder({
      'en-us/description.txt': 'From the folder',
      'en-us/release-notes.txt': 'Folder notes',
      'en-us/images/Screenshot/01-shot.png': SHOT,
    });
    const overlay = {
      listings: { 'en-us': { baseListing: { description: 'From submission-json', title: 'JSON title' } } },
    };
    const built = buildSubmission(
      KINDS.app,
      appSubmission(),
      changes({ overlay, listings, releaseNotes: 'Input notes' }),
    );
    const en = baseListing(built.submission, 'en-us');
    expect(en.description).toBe('From the folder');
    expect(en.title).toBe('JSON title');
    expect(en.releaseNotes).toBe('Input notes');
    expect(baseListing(built.submission, 'de-de').releaseNotes).toBe('Input notes');
    const zipName = `listings/en-us/Screenshot/01-shot.${sha12(SHOT)}.png`;
    expect(en.images).toEqual([
      { fileName: zipName, fileStatus: 'PendingUpload', imageType: 'Screenshot', description: '' },
      { fileName: 'en-us/shot1.png', fileStatus: 'PendingDelete', id: 'img1', imageType: 'Screenshot' },
    ]);
    expect(built.uploads).toEqual(new Map([[zipName, path.join(root, 'en-us/images/Screenshot/01-shot.png')]]));
    expect(built.listings).toEqual({ languagesAdded: [], imagesKept: [], imagesUploaded: [zipName] });
  });

  test('without release-notes the folder release notes stay', async () => {
    const { folder: listings } = await folder({ 'default/release-notes.txt': 'Folder notes' });
    const built = buildSubmission(KINDS.app, appSubmission(), changes({ listings }));
    expect(baseListing(built.submission, 'en-us').releaseNotes).toBe('Folder notes');
    expect(baseListing(built.submission, 'de-de').releaseNotes).toBe('Folder notes');
  });

  test('an image whose content the entry name carries is kept and not uploaded', async () => {
    const { folder: listings } = await folder({ 'en-us/images/Screenshot/01-shot.png': SHOT });
    const current = appSubmission();
    const kept = {
      fileName: `listings/en-us/Screenshot/01-shot.${sha12(SHOT)}.png`,
      fileStatus: 'Uploaded',
      id: 'img9',
      imageType: 'Screenshot',
      description: '',
    };
    baseListing(current, 'en-us').images = [kept];
    const built = buildSubmission(KINDS.app, current, changes({ listings }));
    expect(baseListing(built.submission, 'en-us').images).toEqual([kept]);
    expect(built.uploads).toEqual(new Map());
    expect(built.listings?.imagesKept).toEqual([`en-us/Screenshot/${kept.fileName}`]);
  });

  test('a new language without a description fails naming listings', async () => {
    const { folder: listings } = await folder({ 'fr-fr/title.txt': 'Outils' });
    const error = errorFrom(() => buildSubmission(KINDS.app, appSubmission(), changes({ listings })));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('listings');
    expect((error as InputError).message).toMatch(/fr-fr.*needs a description/);
  });

  test('an add-on folder sets title, description and icon', async () => {
    const icon = png('icon', 300, 300);
    const { root, folder: listings } = await folder(
      { 'en/title.txt': 'Pro', 'en/description.txt': 'All of it.', 'en/icon.png': icon },
      'add-on',
    );
    const built = buildSubmission(KINDS['add-on'], addOnSubmission(), changes({ listings }));
    const zipName = `listings/en/icon.${sha12(icon)}.png`;
    expect((built.submission.listings as JsonObject).en).toMatchObject({
      title: 'Pro',
      description: 'All of it.',
      icon: { fileName: zipName, fileStatus: 'PendingUpload' },
    });
    expect(built.uploads).toEqual(new Map([[zipName, path.join(root, 'en/icon.png')]]));
  });
});

function entry(fileName: string, version: string, architecture: string, families?: string[]): JsonObject {
  return {
    fileName,
    fileStatus: 'Uploaded',
    id: fileName,
    version,
    architecture,
    minimumDirectXVersion: 'None',
    minimumSystemRam: 'None',
    ...(families ? { targetDeviceFamilies: families } : {}),
  };
}

function described(entries: Record<string, DescribedPackage>): Map<string, DescribedPackage> {
  return new Map(Object.entries(entries).map(([name, facts]) => [packageKey(name), facts]));
}

function statuses(submission: JsonObject, field: string): [string, string][] {
  return (submission[field] as JsonObject[]).map((p) => [String(p.fileName), String(p.fileStatus)]);
}

describe('buildSubmission with keep-package-versions', () => {
  const DESKTOP = ['Windows.Desktop min version 10.0.17763.0'];
  const XBOX = ['Windows.Xbox min version 10.0.19041.0'];

  test('apps: N = 1 keeps the newest per architecture and device family, the new package counted', () => {
    const current = appSubmission();
    current.applicationPackages = [
      entry('A_1.0.0.0_x64.msixupload', '1.0.0.0', 'x64', DESKTOP),
      entry('A_1.1.0.0_x64.msixupload', '1.1.0.0', 'x64', DESKTOP),
      entry('A_1.0.0.0_arm64.msixupload', '1.0.0.0', 'ARM64', DESKTOP),
      entry('A_1.0.0.0_x64_xbox.msixupload', '1.0.0.0', 'x64', XBOX),
    ];
    const built = buildSubmission(
      KINDS.app,
      current,
      changes({
        newPackages: ['A_2.0.0.0_x64.msixupload'],
        keepPackageVersions: 1,
        describedPackages: described({
          'A_2.0.0.0_x64.msixupload': {
            version: '2.0.0.0',
            architectures: ['x64'],
            deviceFamilies: ['Windows.Desktop'],
          },
        }),
      }),
    );
    expect(statuses(built.submission, 'applicationPackages')).toEqual([
      ['A_1.0.0.0_x64.msixupload', 'PendingDelete'],
      ['A_1.1.0.0_x64.msixupload', 'PendingDelete'],
      ['A_1.0.0.0_arm64.msixupload', 'Uploaded'],
      ['A_1.0.0.0_x64_xbox.msixupload', 'Uploaded'],
      ['A_2.0.0.0_x64.msixupload', 'PendingUpload'],
    ]);
    expect(built.retention?.removed.map((r) => [r.fileName, r.version, r.architectures, r.deviceFamilies])).toEqual([
      ['A_1.0.0.0_x64.msixupload', '1.0.0.0', ['x64'], ['Windows.Desktop']],
      ['A_1.1.0.0_x64.msixupload', '1.1.0.0', ['x64'], ['Windows.Desktop']],
    ]);
    expect(built.warnings).toEqual([]);
  });

  test('flights: N = 2 groups by architecture only', () => {
    const current = flightSubmission();
    current.flightPackages = [
      entry('F_1.0.0.0_x64.msixupload', '1.0.0.0', 'x64'),
      entry('F_1.1.0.0_x64.msixupload', '1.1.0.0', 'x64'),
      entry('F_1.2.0.0_x64.msixupload', '1.2.0.0', 'x64'),
    ];
    const built = buildSubmission(
      KINDS.flight,
      current,
      changes({
        newPackages: ['F_2.0.0.0_x64.msixupload'],
        keepPackageVersions: 2,
        describedPackages: described({
          'F_2.0.0.0_x64.msixupload': {
            version: '2.0.0.0',
            architectures: ['x64'],
            deviceFamilies: ['Windows.Desktop'],
          },
        }),
      }),
    );
    expect(statuses(built.submission, 'flightPackages')).toEqual([
      ['F_1.0.0.0_x64.msixupload', 'PendingDelete'],
      ['F_1.1.0.0_x64.msixupload', 'PendingDelete'],
      ['F_1.2.0.0_x64.msixupload', 'Uploaded'],
      ['F_2.0.0.0_x64.msixupload', 'PendingUpload'],
    ]);
  });

  test('a new package without manifest facts is kept and named in a warning', () => {
    const current = appSubmission();
    current.applicationPackages = [entry('A_1.0.0.0_x64.msixupload', '1.0.0.0', 'x64', DESKTOP)];
    const built = buildSubmission(
      KINDS.app,
      current,
      changes({ newPackages: ['A_2.0.0.0_x64.xap'], keepPackageVersions: 1 }),
    );
    expect(statuses(built.submission, 'applicationPackages')).toEqual([
      ['A_1.0.0.0_x64.msixupload', 'Uploaded'],
      ['A_2.0.0.0_x64.xap', 'PendingUpload'],
    ]);
    expect(built.retention?.unjudged).toEqual(['A_2.0.0.0_x64.xap']);
    expect(built.warnings).toEqual([
      expect.stringMatching(
        /^keep-package-versions: kept A_2\.0\.0\.0_x64\.xap: their version or architecture is not known/,
      ),
    ]);
  });
});
