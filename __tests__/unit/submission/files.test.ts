import { describe, expect, test } from '@jest/globals';
import { InputError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';
import { KINDS, type TargetKind } from '../../../src/store/kinds.js';
import { pendingUploads, zipNameProblems, type PendingFile } from '../../../src/submission/files.js';
import { toZipName } from '../../../src/zip-name.js';
import {
  addOnSubmission,
  appSubmission,
  errorFrom,
  flightSubmission,
  newPackage,
  uploadedPackage,
} from './fixtures.js';

describe('toZipName', () => {
  test.each<{ fileName: string; zipName: string }>([
    { fileName: 'Contoso.msixupload', zipName: 'Contoso.msixupload' },
    { fileName: 'Trailers\\Game.mp4', zipName: 'Trailers/Game.mp4' },
    { fileName: 'en-us\\img\\shot 1.png', zipName: 'en-us/img/shot 1.png' },
    { fileName: './out/App.msix', zipName: 'out/App.msix' },
    { fileName: '.\\out\\App.msix', zipName: 'out/App.msix' },
    { fileName: '././a.png', zipName: 'a.png' },
    { fileName: '..a.png', zipName: '..a.png' },
    { fileName: 'a..b/c.png', zipName: 'a..b/c.png' },
    { fileName: '.hidden/x.png', zipName: '.hidden/x.png' },
  ])('$fileName -> $zipName', ({ fileName, zipName }) => {
    expect(toZipName(fileName)).toStrictEqual({ zipName });
  });

  test.each<{ fileName: string; problem: string }>([
    { fileName: '', problem: 'the file name is empty' },
    { fileName: 'a\0.png', problem: '"a\\u0000.png" contains a NUL character' },
    { fileName: '/abs/App.msix', problem: '"/abs/App.msix" is an absolute path; use a path relative to content-root' },
    {
      fileName: '\\abs\\App.msix',
      problem: '"\\\\abs\\\\App.msix" is an absolute path; use a path relative to content-root',
    },
    {
      fileName: '\\\\server\\share\\App.msix',
      problem: '"\\\\\\\\server\\\\share\\\\App.msix" is an absolute path; use a path relative to content-root',
    },
    { fileName: 'C:\\x', problem: '"C:\\\\x" starts with a drive letter; use a path relative to content-root' },
    { fileName: 'c:x.png', problem: '"c:x.png" starts with a drive letter; use a path relative to content-root' },
    { fileName: 'img/a:b.png', problem: `"img/a:b.png" contains ':', which Windows does not allow in file names` },
    { fileName: '../App.msix', problem: `"../App.msix" contains a '..' segment, which would leave the zip's root` },
    {
      fileName: 'out\\..\\..\\App.msix',
      problem: `"out\\\\..\\\\..\\\\App.msix" contains a '..' segment, which would leave the zip's root`,
    },
    { fileName: 'out/..', problem: `"out/.." contains a '..' segment, which would leave the zip's root` },
    { fileName: './', problem: '"./" names no file' },
    { fileName: '.', problem: '"." names no file' },
    { fileName: 'a//b.png', problem: `"a//b.png" contains an empty or '.' path segment` },
    { fileName: 'a/./b.png', problem: `"a/./b.png" contains an empty or '.' path segment` },
    { fileName: 'img/', problem: `"img/" contains an empty or '.' path segment` },
  ])('refuses: $problem', ({ fileName, problem }) => {
    expect(toZipName(fileName)).toStrictEqual({ problem });
  });
});

describe('zipNameProblems', () => {
  test.each<{ name: string; names: string[]; problems: string[] }>([
    { name: 'distinct safe names', names: ['a.msix', 'img/a.msix', 'A.png'], problems: [] },
    { name: 'no names', names: [], problems: [] },
    {
      name: 'names differing only in case',
      names: ['Shots/One.png', 'shots/one.PNG', 'two.png'],
      problems: [
        '"Shots/One.png", "shots/one.PNG" name the same zip entry (Windows compares names case-insensitively)',
      ],
    },
    {
      name: 'backslash and slash forms of one name',
      names: ['Trailers\\Game.mp4', 'Trailers/Game.mp4'],
      problems: [
        '"Trailers\\\\Game.mp4", "Trailers/Game.mp4" name the same zip entry (Windows compares names case-insensitively)',
      ],
    },
    { name: 'a name listed twice', names: ['a.png', 'b.png', 'a.png'], problems: ['"a.png" is listed 2 times'] },
    {
      name: 'unsafe names, each reported, alongside a collision',
      names: ['../x.png', 'C:\\x', '/abs', 'ok.png', 'OK.png'],
      problems: [
        `"../x.png" contains a '..' segment, which would leave the zip's root`,
        '"C:\\\\x" starts with a drive letter; use a path relative to content-root',
        '"/abs" is an absolute path; use a path relative to content-root',
        '"ok.png", "OK.png" name the same zip entry (Windows compares names case-insensitively)',
      ],
    },
  ])('$name', ({ names, problems }) => {
    expect(zipNameProblems(names)).toStrictEqual(problems);
  });
});

function pendingImage(fileName: string, imageType = 'Screenshot'): JsonObject {
  return { fileName, fileStatus: 'PendingUpload', imageType };
}

describe('pendingUploads', () => {
  test.each<{ name: string; kind: TargetKind; submission: () => JsonObject; files: PendingFile[] }>([
    { name: 'app clone with nothing new', kind: 'app', submission: appSubmission, files: [] },
    {
      name: 'app packages, listing images, platform override images and trailers',
      kind: 'app',
      submission: () => {
        const s = appSubmission();
        s.applicationPackages = [
          { ...uploadedPackage('p1', 'old.msixupload'), fileStatus: 'PendingDelete' },
          newPackage('Contoso_2.0.0.0_x64.msixupload'),
        ];
        const enUs = (s.listings as JsonObject)['en-us'] as JsonObject;
        (enUs.baseListing as JsonObject).images = [
          { fileName: 'en-us/shot1.png', fileStatus: 'Uploaded', id: 'img1', imageType: 'Screenshot' },
          { fileName: 'en-us/old.png', fileStatus: 'PendingDelete', id: 'img2', imageType: 'Screenshot' },
          pendingImage('en-us\\shot2.png'),
        ];
        enUs.platformOverrides = { Windows81: { images: [pendingImage('w81/logo.png', 'StoreLogoSquare')] } };
        s.trailers = [
          {
            id: 'tr1',
            videoFileName: 'Trailers\\Old.mp4',
            videoFileId: 'v1',
            trailerAssets: {
              'en-us': { title: 'Old', imageList: [{ fileName: 'Trailers\\old.png', id: 'th1', description: '' }] },
            },
          },
          {
            videoFileName: 'Trailers\\Game.mp4',
            trailerAssets: {
              'en-us': { title: 'Game', imageList: [{ fileName: 'Trailers\\Thumb.png', description: 'thumbnail' }] },
              'de-de': { title: 'Spiel', imageList: [{ fileName: 'Trailers/Thumb.png', description: 'Vorschau' }] },
            },
          },
        ];
        return s;
      },
      files: [
        {
          fileName: 'Contoso_2.0.0.0_x64.msixupload',
          zipName: 'Contoso_2.0.0.0_x64.msixupload',
          field: 'applicationPackages[1]',
          isPackage: true,
        },
        {
          fileName: 'en-us\\shot2.png',
          zipName: 'en-us/shot2.png',
          field: 'listings.en-us.baseListing.images[2]',
          isPackage: false,
        },
        {
          fileName: 'w81/logo.png',
          zipName: 'w81/logo.png',
          field: 'listings.en-us.platformOverrides.Windows81.images[0]',
          isPackage: false,
        },
        {
          fileName: 'Trailers\\Game.mp4',
          zipName: 'Trailers/Game.mp4',
          field: 'trailers[1].videoFileName',
          isPackage: false,
        },
        {
          fileName: 'Trailers\\Thumb.png',
          zipName: 'Trailers/Thumb.png',
          field: 'trailers[1].trailerAssets.en-us.imageList[0]',
          isPackage: false,
        },
        {
          fileName: 'Trailers/Thumb.png',
          zipName: 'Trailers/Thumb.png',
          field: 'trailers[1].trailerAssets.de-de.imageList[0]',
          isPackage: false,
        },
      ],
    },
    {
      name: 'a new thumbnail on an existing trailer, and an explicit fileStatus',
      kind: 'app',
      submission: () => {
        const s = appSubmission();
        s.trailers = [
          {
            id: 'tr1',
            videoFileName: 'old.mp4',
            trailerAssets: {
              en: {
                title: 'T',
                imageList: [
                  { fileName: 'new-thumb.png', description: '' },
                  { fileName: 'x.png', id: 'th2', fileStatus: 'PendingUpload' },
                ],
              },
            },
          },
        ];
        return s;
      },
      files: [
        {
          fileName: 'new-thumb.png',
          zipName: 'new-thumb.png',
          field: 'trailers[0].trailerAssets.en.imageList[0]',
          isPackage: false,
        },
        { fileName: 'x.png', zipName: 'x.png', field: 'trailers[0].trailerAssets.en.imageList[1]', isPackage: false },
      ],
    },
    {
      name: 'one screenshot used by two listings is listed for each field',
      kind: 'app',
      submission: () => {
        const s = appSubmission();
        for (const language of ['en-us', 'de-de']) {
          (((s.listings as JsonObject)[language] as JsonObject).baseListing as JsonObject).images = [
            pendingImage('shared/shot.png'),
          ];
        }
        return s;
      },
      files: [
        {
          fileName: 'shared/shot.png',
          zipName: 'shared/shot.png',
          field: 'listings.en-us.baseListing.images[0]',
          isPackage: false,
        },
        {
          fileName: 'shared/shot.png',
          zipName: 'shared/shot.png',
          field: 'listings.de-de.baseListing.images[0]',
          isPackage: false,
        },
      ],
    },
    {
      name: 'flight packages',
      kind: 'flight',
      submission: () => {
        const s = flightSubmission();
        (s.flightPackages as JsonObject[]).push(newPackage('.\\out\\Contoso_1.2.0.0_x64.msixupload'));
        return s;
      },
      files: [
        {
          fileName: '.\\out\\Contoso_1.2.0.0_x64.msixupload',
          zipName: 'out/Contoso_1.2.0.0_x64.msixupload',
          field: 'flightPackages[1]',
          isPackage: true,
        },
      ],
    },
    {
      name: 'flight: applicationPackages are not the flight packages',
      kind: 'flight',
      submission: () => ({ ...flightSubmission(), applicationPackages: [newPackage('stray.msix')] }),
      files: [],
    },
    {
      name: 'add-on listing icons',
      kind: 'add-on',
      submission: () => {
        const s = addOnSubmission();
        (s.listings as JsonObject).ru = {
          description: 'Уровни',
          icon: { fileName: 'icons\\ru.png', fileStatus: 'PendingUpload' },
          title: 'Уровни',
        };
        (s.listings as JsonObject)['fr-ca'] = { description: 'Niveaux', title: 'Niveaux' };
        return s;
      },
      files: [{ fileName: 'icons\\ru.png', zipName: 'icons/ru.png', field: 'listings.ru.icon', isPackage: false }],
    },
  ])('$name', ({ kind, submission, files }) => {
    expect(pendingUploads(KINDS[kind], submission())).toStrictEqual(files);
  });

  test.each<{ name: string; submission: JsonObject; message: string }>([
    {
      name: 'a pending image without a file name',
      submission: {
        listings: { 'en-us': { baseListing: { images: [{ fileStatus: 'PendingUpload', imageType: 'Screenshot' }] } } },
      },
      message: "Input 'submission-json': listings.en-us.baseListing.images[0] is marked for upload but has no fileName",
    },
    {
      name: 'a new trailer with an unsafe video name',
      submission: { trailers: [{ videoFileName: 'C:\\videos\\game.mp4', trailerAssets: {} }] },
      message: `Input 'submission-json': trailers[0].videoFileName: "C:\\\\videos\\\\game.mp4" starts with a drive letter; use a path relative to content-root`,
    },
    {
      name: 'a pending package outside the content root',
      submission: { applicationPackages: [newPackage('../../etc/App.msix')] },
      message: `Input 'submission-json': applicationPackages[0]: "../../etc/App.msix" contains a '..' segment, which would leave the zip's root`,
    },
  ])('$name fails', ({ submission, message }) => {
    const error = errorFrom(() => pendingUploads(KINDS.app, submission));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ input: 'submission-json', message });
  });
});
