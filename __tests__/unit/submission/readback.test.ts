import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { JsonObject } from '../../../src/json.js';
import { KINDS } from '../../../src/store/kinds.js';
import { checkTaken, describeTakenProblem, type TakenProblem } from '../../../src/submission/readback.js';
import { REAL_DATA_ABSENT, realDataDir } from '../../../test/support/packages.js';
import { newPackage, uploadedPackage } from './fixtures.js';

const NEW = 'Contoso_2.0.0.0_x64.msixupload';
const OLD = 'Contoso_1.0.0.0_x64.msixupload';

/** An app submission holding `packages` and nothing else of interest. */
function app(...packages: JsonObject[]): JsonObject {
  return { id: '1152921504621243540', applicationPackages: packages };
}

function flight(...packages: JsonObject[]): JsonObject {
  return { id: '1152921504621243541', flightPackages: packages };
}

function withStatus(entry: JsonObject, fileStatus: string, more: JsonObject = {}): JsonObject {
  return { ...entry, fileStatus, ...more };
}

const versions = new Map([[NEW, ['2.0.0.0']]]);

describe('checkTaken: packages of app and flight submissions', () => {
  test('a submission that lists the new package with its version and the kept one passes', () => {
    const committed = app(uploadedPackage('1', OLD), newPackage(NEW));
    const taken = app(uploadedPackage('1', OLD), withStatus(newPackage(NEW), 'PendingUpload', { version: '2.0.0.0' }));
    expect(checkTaken(KINDS.app, committed, taken, versions)).toStrictEqual({
      added: [NEW],
      kept: [OLD],
      problems: [],
      versionNotReported: [],
    });
  });

  test.each<{ name: string; taken: JsonObject; problem: TakenProblem; text: string }>([
    {
      name: 'the new package dropped in processing',
      taken: app(uploadedPackage('1', OLD)),
      problem: { what: 'dropped', fileName: NEW, isPackage: true, oldKept: [] },
      text: `${NEW}: the Store dropped it in processing (the submission no longer lists this package, which this run added)`,
    },
    {
      name: 'a kept package removed',
      taken: app(withStatus(newPackage(NEW), 'Uploaded', { version: '2.0.0.0' })),
      problem: { what: 'removed', fileName: OLD, isPackage: true },
      text: `${OLD}: the Store removed it (the submission no longer lists this package, which this run kept)`,
    },
    {
      name: 'a kept package marked PendingDelete',
      taken: app(withStatus(uploadedPackage('1', OLD), 'PendingDelete'), withStatus(newPackage(NEW), 'Uploaded')),
      problem: { what: 'marked-deleted', fileName: OLD, isPackage: true, added: false },
      text: `${OLD}: the Store marked it PendingDelete, though this run kept it`,
    },
    {
      name: 'the new package listed with an older version',
      taken: app(uploadedPackage('1', OLD), withStatus(newPackage(NEW), 'Uploaded', { version: '1.0.0.0' })),
      problem: {
        what: 'other-version',
        fileName: NEW,
        isPackage: true,
        reported: '1.0.0.0',
        expected: ['2.0.0.0'],
        older: true,
      },
      text: `${NEW}: the Store kept the old version: it lists 1.0.0.0, while the package's manifest gives 2.0.0.0`,
    },
    {
      name: 'the new package listed with a newer version',
      taken: app(uploadedPackage('1', OLD), withStatus(newPackage(NEW), 'Uploaded', { version: '2.1.0.0' })),
      problem: {
        what: 'other-version',
        fileName: NEW,
        isPackage: true,
        reported: '2.1.0.0',
        expected: ['2.0.0.0'],
        older: false,
      },
      text: `${NEW}: the Store lists version 2.1.0.0, while the package's manifest gives 2.0.0.0`,
    },
  ])('$name fails, naming the file', ({ taken, problem, text }) => {
    const committed = app(uploadedPackage('1', OLD), newPackage(NEW));
    const check = checkTaken(KINDS.app, committed, taken, versions);
    expect(check.problems).toStrictEqual([problem]);
    expect(check.problems.map(describeTakenProblem)).toStrictEqual([text]);
  });

  test('a flight whose packages were not updated: the new one dropped, the old one it replaced live again', () => {
    const committed = flight(withStatus(uploadedPackage('1', OLD), 'PendingDelete'), newPackage(NEW));
    const taken = flight(uploadedPackage('1', OLD));
    const check = checkTaken(KINDS.flight, committed, taken, versions);
    expect(check.problems).toStrictEqual([{ what: 'dropped', fileName: NEW, isPackage: true, oldKept: [OLD] }]);
    expect(describeTakenProblem(check.problems[0] as TakenProblem)).toBe(
      `${NEW}: the Store dropped it in processing (the submission no longer lists this package, which this run added) and kept the old package ${OLD}, which this run marked PendingDelete`,
    );
  });

  test('an entry this run marked PendingDelete may be gone or still marked: neither is a problem', () => {
    const committed = flight(withStatus(uploadedPackage('1', OLD), 'PendingDelete'), newPackage(NEW));
    for (const taken of [
      flight(withStatus(newPackage(NEW), 'Uploaded', { version: '2.0.0.0' })),
      flight(withStatus(uploadedPackage('1', OLD), 'PendingDelete'), withStatus(newPackage(NEW), 'Uploaded')),
    ]) {
      expect(checkTaken(KINDS.flight, committed, taken, versions).problems).toStrictEqual([]);
    }
  });

  test('file names are compared by their last segment, ignoring case; versions as numbers', () => {
    const committed = app(newPackage(`out\\${NEW}`));
    const taken = app(withStatus(newPackage(NEW.toUpperCase()), 'Uploaded', { version: '2.0.0.00' }));
    expect(checkTaken(KINDS.app, committed, taken, versions).problems).toStrictEqual([]);
  });

  test('a version the Store has not reported yet is not a problem, and is named as not reported', () => {
    const committed = app(newPackage(NEW));
    const check = checkTaken(KINDS.app, committed, app(newPackage(NEW)), versions);
    expect(check.problems).toStrictEqual([]);
    expect(check.versionNotReported).toStrictEqual([NEW]);
  });

  test('a bundle passes with the version of the bundle or of one of its packages', () => {
    const bundle = 'Contoso_2.0.0.0_x64_arm64.msixbundle';
    const bundleVersions = new Map([[bundle, ['2.0.0.0', '1.9.0.0']]]);
    const committed = app(newPackage(bundle));
    for (const version of ['2.0.0.0', '1.9.0.0']) {
      const taken = app(withStatus(newPackage(bundle), 'Uploaded', { version }));
      expect(checkTaken(KINDS.app, committed, taken, bundleVersions).problems).toStrictEqual([]);
    }
  });

  test('a package without a manifest reading (.xap, zip-path) is checked by name only', () => {
    const committed = app(newPackage('Legacy.xap'));
    const taken = app(withStatus(newPackage('Legacy.xap'), 'Uploaded', { version: '9.9.9.9' }));
    expect(checkTaken(KINDS.app, committed, taken, new Map()).problems).toStrictEqual([]);
    expect(checkTaken(KINDS.app, committed, app(), new Map()).problems).toStrictEqual([
      { what: 'dropped', fileName: 'Legacy.xap', isPackage: true, oldKept: [] },
    ]);
  });

  test("this run's new packages count as added even when the committed copy lists them otherwise (a continued, already committed submission)", () => {
    const committed = app(withStatus(newPackage(NEW), 'Uploaded'));
    const check = checkTaken(KINDS.app, committed, app(uploadedPackage('1', OLD)), versions);
    expect(check.added).toStrictEqual([NEW]);
    expect(check.problems).toStrictEqual([{ what: 'dropped', fileName: NEW, isPackage: true, oldKept: [] }]);
    expect(checkTaken(KINDS.app, app(), app(), versions).problems).toStrictEqual([
      { what: 'dropped', fileName: NEW, isPackage: true, oldKept: [] },
    ]);
  });
});

describe("checkTaken: an add-on's files and an app's listing images", () => {
  function addOn(icon: JsonObject | undefined): JsonObject {
    return {
      id: '1152921504621243542',
      listings: { 'en-us': { title: 'Pro', description: 'More', ...(icon ? { icon } : {}) } },
    };
  }

  test('the new icon listed passes; dropped, it fails naming the icon', () => {
    const committed = addOn({ fileName: 'icons/pro-2.png', fileStatus: 'PendingUpload' });
    expect(
      checkTaken(KINDS['add-on'], committed, addOn({ fileName: 'icons/pro-2.png', fileStatus: 'Uploaded' }), new Map()),
    ).toStrictEqual({ added: ['icons/pro-2.png'], kept: [], problems: [], versionNotReported: [] });
    const dropped = checkTaken(KINDS['add-on'], committed, addOn(undefined), new Map());
    expect(dropped.problems.map(describeTakenProblem)).toStrictEqual([
      'icons/pro-2.png: the Store dropped it in processing (the submission no longer lists this file, which this run added)',
    ]);
  });

  test('a kept icon swapped for another file name fails naming the kept one', () => {
    const committed = addOn({ fileName: 'icons/pro.png', fileStatus: 'Uploaded' });
    const taken = addOn({ fileName: 'icons/other.png', fileStatus: 'Uploaded' });
    expect(checkTaken(KINDS['add-on'], committed, taken, new Map()).problems).toStrictEqual([
      { what: 'removed', fileName: 'icons/pro.png', isPackage: false },
    ]);
  });

  test('listing images are compared by their whole zip name: another folder is another file', () => {
    const listing = (fileName: string, fileStatus: string): JsonObject => ({
      listings: {
        'en-us': { baseListing: { images: [{ fileName, fileStatus, imageType: 'Screenshot' }] } },
      },
    });
    const committed = listing('en-us\\shot.png', 'PendingUpload');
    expect(checkTaken(KINDS.app, committed, listing('en-us/shot.png', 'Uploaded'), new Map()).problems).toEqual([]);
    expect(checkTaken(KINDS.app, committed, listing('de-de/shot.png', 'Uploaded'), new Map()).problems).toEqual([
      { what: 'dropped', fileName: 'en-us\\shot.png', isPackage: false, oldKept: [] },
    ]);
  });
});

/** The live copy of a published submission, as recorded from the Store (POST create answered it in full). */
function recordedCopy(root: string): JsonObject {
  const file = path.join(root, 'derived/jaimerodriguez-packaged-exchanges.json');
  const exchanges = JSON.parse(readFileSync(file, 'utf8')) as { step: string; response: JsonObject }[];
  const created = exchanges.find((exchange) => exchange.step === 'Creating New Submission');
  if (!created) throw new Error(`${file} has no 'Creating New Submission' exchange`);
  return created.response;
}

const realData = realDataDir();
if (!realData) console.log(`checkTaken on the recorded live shape: ${REAL_DATA_ABSENT}`);
(realData ? describe : describe.skip)('checkTaken on the recorded live shape', () => {
  const copy = recordedCopy(realData ?? '');
  const UPLOAD = '9N6MK2GQBD58_v10_4.msixupload';

  test('the five kept packages and one image, read back as recorded, pass', () => {
    expect(checkTaken(KINDS.app, copy, copy, new Map())).toMatchObject({
      added: [],
      problems: [],
      kept: expect.arrayContaining([UPLOAD, 'news-pwa-tourkalender-20230206-img01-1200.png']),
    });
  });

  test('an upload file is compared with the version of the package inside it, as the Store reports it', () => {
    expect(checkTaken(KINDS.app, copy, copy, new Map([[UPLOAD, ['10.4.1.0']]])).problems).toEqual([]);
    expect(checkTaken(KINDS.app, copy, copy, new Map([[UPLOAD, ['10.5.1.0']]])).problems).toEqual([
      {
        what: 'other-version',
        fileName: UPLOAD,
        isPackage: true,
        reported: '10.4.1.0',
        expected: ['10.5.1.0'],
        older: true,
      },
    ]);
  });
});
