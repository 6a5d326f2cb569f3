import { describe, expect, test } from '@jest/globals';
import { InputError } from '../../../src/errors.js';
import { cloneJson, type JsonObject } from '../../../src/json.js';
import { LISTING_LIMITS_TITLE, ListingLimitsError } from '../../../src/listings/index.js';
import { KINDS, type TargetKind } from '../../../src/store/kinds.js';
import { buildSubmission, checkChanges, type SubmissionChanges } from '../../../src/submission/build.js';
import {
  addOnSubmission,
  appSubmission,
  errorFrom,
  flightSubmission,
  newPackage,
  uploadedPackage,
} from './fixtures.js';

const FIXTURES: Record<TargetKind, () => JsonObject> = {
  app: appSubmission,
  flight: flightSubmission,
  'add-on': addOnSubmission,
};

function changes(partial: Partial<SubmissionChanges>): SubmissionChanges {
  return { newPackages: [], replacePackages: false, ...partial };
}

function deleted(entry: JsonObject): JsonObject {
  return { ...entry, fileStatus: 'PendingDelete' };
}

function listing(submission: JsonObject, language: string): JsonObject {
  return (submission.listings as JsonObject)[language] as JsonObject;
}

function delivery(submission: JsonObject): JsonObject {
  return submission.packageDeliveryOptions as JsonObject;
}

const X64 = uploadedPackage('p1', 'Contoso_1.0.0.0_x64.msixupload');
const ARM64 = uploadedPackage('p2', 'Contoso_1.0.0.0_arm64.msixupload');
const FLIGHT_X64 = uploadedPackage('f1', 'Contoso_1.1.0.0_x64.msixupload');

interface Case {
  name: string;
  kind: TargetKind;
  /** Changes the fixture before the build, to set up the case. */
  setUp?: (current: JsonObject) => void;
  changes: SubmissionChanges;
  /** Turns a fresh copy of the (set-up) fixture into the exact expected submission. */
  expected: (submission: JsonObject) => void;
  warnings?: string[];
}

describe('buildSubmission: packages', () => {
  test.each<Case>([
    {
      name: 'app: existing packages are kept and new ones appended in order',
      kind: 'app',
      changes: changes({ newPackages: ['Contoso_2.0.0.0_x64.msixupload', 'out/Contoso_2.0.0.0_arm64.msixupload'] }),
      expected: (s) => {
        s.applicationPackages = [
          X64,
          ARM64,
          newPackage('Contoso_2.0.0.0_x64.msixupload'),
          newPackage('out/Contoso_2.0.0.0_arm64.msixupload'),
        ];
      },
    },
    {
      name: 'app: replace-packages marks every existing package PendingDelete',
      kind: 'app',
      changes: changes({ newPackages: ['Contoso_2.0.0.0_x64.msixupload'], replacePackages: true }),
      expected: (s) => {
        s.applicationPackages = [deleted(X64), deleted(ARM64), newPackage('Contoso_2.0.0.0_x64.msixupload')];
      },
    },
    {
      name: 'app: a new package named like an existing one (in any case) replaces it',
      kind: 'app',
      changes: changes({ newPackages: ['contoso_1.0.0.0_X64.msixupload'] }),
      expected: (s) => {
        s.applicationPackages = [deleted(X64), ARM64, newPackage('contoso_1.0.0.0_X64.msixupload')];
      },
      warnings: [
        'packages: Contoso_1.0.0.0_x64.msixupload is already in the submission; the existing entry is marked PendingDelete and the new file replaces it',
      ],
    },
    {
      name: 'app: an entry already PendingDelete stays as it is',
      kind: 'app',
      setUp: (s) => {
        s.applicationPackages = [deleted(X64), ARM64];
      },
      changes: changes({ newPackages: ['Contoso_1.0.0.0_x64.msixupload'] }),
      expected: (s) => {
        s.applicationPackages = [deleted(X64), ARM64, newPackage('Contoso_1.0.0.0_x64.msixupload')];
      },
    },
    {
      name: 'app: no package inputs leave the packages untouched',
      kind: 'app',
      changes: changes({}),
      expected: () => {},
    },
    {
      name: 'app: a submission without a package array gets one for new packages',
      kind: 'app',
      setUp: (s) => {
        delete s.applicationPackages;
      },
      changes: changes({ newPackages: ['a.msix'] }),
      expected: (s) => {
        s.applicationPackages = [newPackage('a.msix')];
      },
    },
    {
      name: 'app: a package array the overlay left short gets the dropped entries back',
      kind: 'app',
      changes: changes({ overlay: { applicationPackages: [{ ...ARM64, fileStatus: 'PendingDelete' }] } }),
      expected: (s) => {
        s.applicationPackages = [deleted(ARM64), X64];
      },
      warnings: [
        'submission-json: applicationPackages left out 1 package(s) already in the submission (Contoso_1.0.0.0_x64.msixupload); ' +
          'they are kept because the Store rejects a submission that drops existing packages. To remove them, mark them PendingDelete or use replace-packages.',
      ],
    },
    {
      name: 'app: a package the overlay already adds is not added twice, and replace-packages spares it',
      kind: 'app',
      changes: changes({
        overlay: { applicationPackages: [X64, ARM64, { ...newPackage('b.msix'), minimumSystemRam: 'Memory2GB' }] },
        newPackages: ['B.msix'],
        replacePackages: true,
      }),
      expected: (s) => {
        s.applicationPackages = [
          deleted(X64),
          deleted(ARM64),
          { ...newPackage('b.msix'), minimumSystemRam: 'Memory2GB' },
        ];
      },
    },
    {
      name: 'flight: existing flight packages are kept and new ones appended',
      kind: 'flight',
      changes: changes({ newPackages: ['Contoso_1.2.0.0_x64.msixupload'] }),
      expected: (s) => {
        s.flightPackages = [FLIGHT_X64, newPackage('Contoso_1.2.0.0_x64.msixupload')];
      },
    },
    {
      name: 'flight: replace-packages marks the flight packages PendingDelete',
      kind: 'flight',
      changes: changes({ newPackages: ['Contoso_1.2.0.0_x64.msixupload'], replacePackages: true }),
      expected: (s) => {
        s.flightPackages = [deleted(FLIGHT_X64), newPackage('Contoso_1.2.0.0_x64.msixupload')];
      },
    },
    {
      name: 'flight: a new package of the same name replaces the existing one',
      kind: 'flight',
      changes: changes({ newPackages: ['Contoso_1.1.0.0_x64.msixupload'] }),
      expected: (s) => {
        s.flightPackages = [deleted(FLIGHT_X64), newPackage('Contoso_1.1.0.0_x64.msixupload')];
      },
      warnings: [
        'packages: Contoso_1.1.0.0_x64.msixupload is already in the submission; the existing entry is marked PendingDelete and the new file replaces it',
      ],
    },
  ])('$name', (c) => expectBuild(c));
});

describe('buildSubmission: required package fields', () => {
  test('fills minimumDirectXVersion and minimumSystemRam on existing entries that lack them', () => {
    const current = appSubmission();
    current.applicationPackages = [{ fileName: 'Old_1.0.0.0_x64.msixupload', fileStatus: 'Uploaded', id: 'p9' }];
    const { submission } = buildSubmission(
      KINDS.app,
      current,
      changes({ newPackages: ['New_2.0.0.0_x64.msixupload'] }),
    );
    expect(submission.applicationPackages).toEqual([
      {
        fileName: 'Old_1.0.0.0_x64.msixupload',
        fileStatus: 'Uploaded',
        id: 'p9',
        minimumDirectXVersion: 'None',
        minimumSystemRam: 'None',
      },
      {
        fileName: 'New_2.0.0.0_x64.msixupload',
        fileStatus: 'PendingUpload',
        minimumDirectXVersion: 'None',
        minimumSystemRam: 'None',
      },
    ]);
  });

  test('keeps values already present', () => {
    const current = appSubmission();
    current.applicationPackages = [
      {
        fileName: 'Old.appx',
        fileStatus: 'Uploaded',
        id: 'p9',
        minimumDirectXVersion: 'DirectX93',
        minimumSystemRam: 'Memory2GB',
      },
    ];
    const { submission } = buildSubmission(KINDS.app, current, changes({}));
    expect(submission.applicationPackages).toEqual(current.applicationPackages);
  });
});

describe('buildSubmission: listings, notes and publish settings', () => {
  test.each<Case>([
    {
      name: 'release notes go into every listing, including listings that had none',
      kind: 'app',
      changes: changes({ releaseNotes: 'Bug fixes and faster start-up.' }),
      expected: (s) => {
        (listing(s, 'en-us').baseListing as JsonObject).releaseNotes = 'Bug fixes and faster start-up.';
        (listing(s, 'de-de').baseListing as JsonObject).releaseNotes = 'Bug fixes and faster start-up.';
      },
    },
    {
      name: 'a listing without a base listing gets one for the release notes',
      kind: 'app',
      setUp: (s) => {
        (s.listings as JsonObject)['fr-fr'] = { platformOverrides: {} };
      },
      changes: changes({ releaseNotes: 'Corrections.' }),
      expected: (s) => {
        (listing(s, 'en-us').baseListing as JsonObject).releaseNotes = 'Corrections.';
        (listing(s, 'de-de').baseListing as JsonObject).releaseNotes = 'Corrections.';
        (s.listings as JsonObject)['fr-fr'] = { platformOverrides: {}, baseListing: { releaseNotes: 'Corrections.' } };
      },
    },
    {
      name: 'the release-notes input wins over release notes in the overlay',
      kind: 'app',
      changes: changes({
        overlay: { listings: { 'en-us': { baseListing: { releaseNotes: 'from json', title: 'New title' } } } },
        releaseNotes: 'from input',
      }),
      expected: (s) => {
        Object.assign(listing(s, 'en-us').baseListing as JsonObject, {
          releaseNotes: 'from input',
          title: 'New title',
        });
        (listing(s, 'de-de').baseListing as JsonObject).releaseNotes = 'from input';
      },
    },
    {
      name: 'app: notes for certification',
      kind: 'app',
      changes: changes({ notesForCertification: 'Test account: demo / demo' }),
      expected: (s) => {
        s.notesForCertification = 'Test account: demo / demo';
      },
    },
    {
      name: 'flight: notes for certification',
      kind: 'flight',
      changes: changes({ notesForCertification: 'Beta build' }),
      expected: (s) => {
        s.notesForCertification = 'Beta build';
      },
    },
    {
      name: 'publish mode Manual keeps the date',
      kind: 'app',
      changes: changes({ targetPublishMode: 'Manual' }),
      expected: (s) => {
        s.targetPublishMode = 'Manual';
      },
    },
    {
      name: 'publish mode SpecificDate with a date',
      kind: 'flight',
      changes: changes({ targetPublishMode: 'SpecificDate', targetPublishDate: '2030-01-31T09:00:00Z' }),
      expected: (s) => {
        s.targetPublishMode = 'SpecificDate';
        s.targetPublishDate = '2030-01-31T09:00:00Z';
      },
    },
    {
      name: 'add-on: SpecificDate with the date given in the overlay',
      kind: 'add-on',
      changes: changes({ overlay: { targetPublishDate: '2030-02-01T00:00:00Z' }, targetPublishMode: 'SpecificDate' }),
      expected: (s) => {
        s.targetPublishMode = 'SpecificDate';
        s.targetPublishDate = '2030-02-01T00:00:00Z';
      },
    },
    {
      name: 'a date alone is fine when the overlay chose SpecificDate',
      kind: 'app',
      changes: changes({
        overlay: { targetPublishMode: 'SpecificDate' },
        targetPublishDate: '2030-01-31T09:00:00+01:00',
      }),
      expected: (s) => {
        s.targetPublishMode = 'SpecificDate';
        s.targetPublishDate = '2030-01-31T09:00:00+01:00';
      },
    },
    {
      name: 'read-only fields in the overlay are ignored with a warning; the rest applies',
      kind: 'add-on',
      changes: changes({ overlay: { id: 'x', fileUploadUrl: 'https://elsewhere', keywords: ['a', 'b'], tag: 'v2' } }),
      expected: (s) => {
        s.keywords = ['a', 'b'];
        s.tag = 'v2';
      },
      warnings: ['submission-json: ignored the read-only field(s) id, fileUploadUrl; the Store sets them itself'],
    },
  ])('$name', (c) => expectBuild(c));
});

describe('buildSubmission: what the copy carries that the run did not ask for', () => {
  const carried = (s: JsonObject) =>
    Object.assign(delivery(s).packageRollout as JsonObject, { isPackageRollout: true, packageRolloutPercentage: 20 });
  test.each<Case>([
    {
      name: 'a carried-over gradual rollout is switched off and reported',
      kind: 'app',
      setUp: carried,
      changes: changes({ newPackages: [] }),
      expected: (s) => {
        Object.assign(delivery(s).packageRollout as JsonObject, {
          isPackageRollout: false,
          packageRolloutPercentage: 20,
        });
      },
      warnings: [
        "The copy of the last submission carried a gradual rollout (20%); it is switched off (isPackageRollout: false) because 'rollout-percentage' does not ask for one",
      ],
    },
    {
      name: 'a rollout that submission-json asks for is kept',
      kind: 'app',
      setUp: carried,
      changes: changes({ overlay: { packageDeliveryOptions: { packageRollout: { packageRolloutPercentage: 20 } } } }),
      expected: (s) => {
        Object.assign(delivery(s).packageRollout as JsonObject, {
          isPackageRollout: true,
          packageRolloutPercentage: 20,
        });
      },
    },
    {
      name: 'a carried-over mandatory update and Manual publish mode are kept and reported',
      kind: 'app',
      setUp: (s) => {
        delivery(s).isMandatoryUpdate = true;
        s.targetPublishMode = 'Manual';
      },
      changes: changes({}),
      expected: (s) => {
        delivery(s).isMandatoryUpdate = true;
        s.targetPublishMode = 'Manual';
      },
      warnings: [
        "The copy of the last submission makes this a mandatory update; it is kept (set 'mandatory-update: false' to change that)",
        "The copy of the last submission has publish mode Manual; it is kept (set 'target-publish-mode' to change it)",
      ],
    },
  ])('$name', (c) => expectBuild(c));
});

describe('buildSubmission: package delivery options', () => {
  test.each<Case>([
    {
      name: 'rollout percentage starts a gradual rollout and keeps the service fields',
      kind: 'app',
      changes: changes({ rolloutPercentage: 25.5 }),
      expected: (s) => {
        delivery(s).packageRollout = {
          isPackageRollout: true,
          packageRolloutPercentage: 25.5,
          packageRolloutStatus: 'PackageRolloutNotStarted',
          fallbackSubmissionId: '0',
        };
      },
    },
    {
      name: 'rollout percentage 0 is a valid start',
      kind: 'app',
      changes: changes({ rolloutPercentage: 0 }),
      expected: (s) => {
        Object.assign(delivery(s).packageRollout as JsonObject, {
          isPackageRollout: true,
          packageRolloutPercentage: 0,
        });
      },
    },
    {
      name: 'the rollout input wins over the overlay',
      kind: 'app',
      changes: changes({
        overlay: { packageDeliveryOptions: { packageRollout: { packageRolloutPercentage: 50 } } },
        rolloutPercentage: 10,
      }),
      expected: (s) => {
        Object.assign(delivery(s).packageRollout as JsonObject, {
          isPackageRollout: true,
          packageRolloutPercentage: 10,
        });
      },
    },
    {
      name: 'flight: packageDeliveryOptions absent from the clone is created with only the rollout',
      kind: 'flight',
      changes: changes({ rolloutPercentage: 100 }),
      expected: (s) => {
        s.packageDeliveryOptions = { packageRollout: { isPackageRollout: true, packageRolloutPercentage: 100 } };
      },
    },
    {
      name: 'packageDeliveryOptions null in the clone is replaced',
      kind: 'app',
      setUp: (s) => {
        s.packageDeliveryOptions = null;
      },
      changes: changes({ mandatoryUpdate: true }),
      expected: (s) => {
        s.packageDeliveryOptions = { isMandatoryUpdate: true };
      },
    },
    {
      name: 'mandatory update with its effective date',
      kind: 'app',
      changes: changes({ mandatoryUpdate: true, mandatoryUpdateDate: '2030-03-01T00:00:00Z' }),
      expected: (s) => {
        Object.assign(delivery(s), { isMandatoryUpdate: true, mandatoryUpdateEffectiveDate: '2030-03-01T00:00:00Z' });
      },
    },
    {
      name: 'mandatory update off',
      kind: 'flight',
      setUp: (s) => {
        s.packageDeliveryOptions = { isMandatoryUpdate: true, mandatoryUpdateEffectiveDate: '2029-01-01T00:00:00Z' };
      },
      changes: changes({ mandatoryUpdate: false }),
      expected: (s) => {
        s.packageDeliveryOptions = { isMandatoryUpdate: false, mandatoryUpdateEffectiveDate: '2029-01-01T00:00:00Z' };
      },
    },
    {
      name: 'a mandatory update date alone is fine when the submission already has a mandatory update',
      kind: 'app',
      setUp: (s) => {
        delivery(s).isMandatoryUpdate = true;
      },
      changes: changes({ mandatoryUpdateDate: '2030-03-01T12:30:00.5Z' }),
      expected: (s) => {
        delivery(s).mandatoryUpdateEffectiveDate = '2030-03-01T12:30:00.5Z';
      },
    },
    {
      name: 'everything at once, applied in order',
      kind: 'app',
      changes: changes({
        overlay: { visibility: 'Hidden', status: 'Published' },
        newPackages: ['Contoso_2.0.0.0_x64.msixupload'],
        replacePackages: true,
        releaseNotes: 'New',
        notesForCertification: 'Nothing special',
        targetPublishMode: 'Manual',
        rolloutPercentage: 5,
        mandatoryUpdate: true,
        mandatoryUpdateDate: '2030-03-01T00:00:00Z',
      }),
      expected: (s) => {
        s.visibility = 'Hidden';
        s.applicationPackages = [deleted(X64), deleted(ARM64), newPackage('Contoso_2.0.0.0_x64.msixupload')];
        (listing(s, 'en-us').baseListing as JsonObject).releaseNotes = 'New';
        (listing(s, 'de-de').baseListing as JsonObject).releaseNotes = 'New';
        s.notesForCertification = 'Nothing special';
        s.targetPublishMode = 'Manual';
        Object.assign(delivery(s).packageRollout as JsonObject, {
          isPackageRollout: true,
          packageRolloutPercentage: 5,
        });
        Object.assign(delivery(s), { isMandatoryUpdate: true, mandatoryUpdateEffectiveDate: '2030-03-01T00:00:00Z' });
      },
      warnings: ['submission-json: ignored the read-only field(s) status; the Store sets them itself'],
    },
  ])('$name', (c) => expectBuild(c));
});

function expectBuild({ kind, setUp, changes: runChanges, expected, warnings = [] }: Case): void {
  const current = FIXTURES[kind]();
  setUp?.(current);
  const want = cloneJson(current);
  expected(want);
  expect(buildSubmission(KINDS[kind], current, runChanges)).toStrictEqual({ submission: want, warnings });
}

describe('checkChanges then buildSubmission: changes that do not fit fail naming the input', () => {
  test.each<{
    name: string;
    kind: TargetKind;
    setUp?: (s: JsonObject) => void;
    changes: SubmissionChanges;
    input: string;
    message: string;
  }>([
    {
      name: 'release notes for an app without listings',
      kind: 'app',
      setUp: (s) => {
        s.listings = {};
      },
      changes: changes({ releaseNotes: 'x' }),
      input: 'release-notes',
      message: "Input 'release-notes': the app submission has no listings to put them in",
    },
    {
      name: 'an unsafe package name',
      kind: 'app',
      changes: changes({ newPackages: ['../secret.msix'] }),
      input: 'packages',
      message: `Input 'packages': "../secret.msix" contains a '..' segment, which would leave the zip's root`,
    },
    {
      name: 'two new packages differing in case',
      kind: 'flight',
      changes: changes({ newPackages: ['a/App.msix', 'A/app.msix'] }),
      input: 'packages',
      message: `Input 'packages': "a/App.msix", "A/app.msix" name the same zip entry (Windows compares names case-insensitively)`,
    },
    {
      name: 'replace-packages with nothing new',
      kind: 'app',
      changes: changes({ replacePackages: true }),
      input: 'replace-packages',
      message: "Input 'replace-packages': needs new packages: set 'packages' too.",
    },
    {
      name: 'a publish date without SpecificDate',
      kind: 'app',
      changes: changes({ targetPublishDate: '2030-01-31T09:00:00Z' }),
      input: 'target-publish-date',
      message:
        "Input 'target-publish-date': only applies with target-publish-mode SpecificDate (the submission's mode is Immediate)",
    },
    {
      name: 'a publish date with Manual',
      kind: 'flight',
      changes: changes({ targetPublishMode: 'Manual', targetPublishDate: '2030-01-31T09:00:00Z' }),
      input: 'target-publish-date',
      message: "Input 'target-publish-date': only applies with target-publish-mode SpecificDate, not Manual.",
    },
    {
      name: 'SpecificDate without a date',
      kind: 'app',
      changes: changes({ targetPublishMode: 'SpecificDate' }),
      input: 'target-publish-date',
      message:
        "Input 'target-publish-date': is required with target-publish-mode SpecificDate (or set targetPublishDate in 'submission-json').",
    },
    {
      name: 'a mandatory update date without a mandatory update',
      kind: 'app',
      changes: changes({ mandatoryUpdateDate: '2030-03-01T00:00:00Z' }),
      input: 'mandatory-update-date',
      message: "Input 'mandatory-update-date': only applies with mandatory-update: true",
    },
    {
      name: 'a mandatory update date with mandatory-update false',
      kind: 'flight',
      changes: changes({ mandatoryUpdate: false, mandatoryUpdateDate: '2030-03-01T00:00:00Z' }),
      input: 'mandatory-update-date',
      message: "Input 'mandatory-update-date': only applies with mandatory-update: true",
    },
    {
      name: 'an overlay whose package field is not an array',
      kind: 'app',
      changes: changes({ overlay: { applicationPackages: 'none' } }),
      input: 'submission-json',
      message: "Input 'submission-json': applicationPackages must be an array of package entries",
    },
  ])('$name', ({ kind, setUp, changes: runChanges, input, message }) => {
    const current = FIXTURES[kind]();
    setUp?.(current);
    const thrown = errorFrom(() => {
      checkChanges(KINDS[kind], runChanges);
      buildSubmission(KINDS[kind], current, runChanges);
    });
    expect(thrown).toBeInstanceOf(InputError);
    expect(thrown).toMatchObject({ input, message });
  });
});

test('buildSubmission never mutates its inputs', () => {
  const current = appSubmission();
  const overlay: JsonObject = { listings: { 'en-us': { baseListing: { title: 'T' } } }, applicationPackages: [X64] };
  const runChanges = changes({
    overlay,
    newPackages: ['Contoso_1.0.0.0_arm64.msixupload'],
    replacePackages: true,
    releaseNotes: 'n',
    rolloutPercentage: 1,
    mandatoryUpdate: true,
  });
  const before = structuredClone({ current, runChanges });

  const { submission } = buildSubmission(KINDS.app, current, runChanges);
  ((submission.applicationPackages as JsonObject[])[0] as JsonObject).fileName = 'changed';

  expect({ current, runChanges }).toEqual(before);
});

describe('buildSubmission: the listings as built must fit the Store limits, copied values included', () => {
  const COPIED = 'portable offline markdown notes editor'; // 38 characters: the live listing's keyword

  test('a keyword of 31-40 characters copied from the live listing is refused, naming the language, field and value', () => {
    const current = appSubmission();
    (listing(current, 'en-us').baseListing as JsonObject).keywords = ['notes', COPIED];
    const error = errorFrom(() =>
      buildSubmission(KINDS.app, current, changes({ newPackages: ['Contoso_2.0.0.0_x64.msixupload'] })),
    );
    expect(error).toBeInstanceOf(ListingLimitsError);
    expect((error as ListingLimitsError).title).toBe(LISTING_LIMITS_TITLE);
    expect((error as Error).message).toContain(
      `- listing en-us, baseListing.keywords: item 2 ("${COPIED}") is 38 characters; the Store allows 30 per item`,
    );
  });

  test('the merged result is checked: submission-json, release notes and platform overrides', () => {
    const current = appSubmission();
    const overlay = {
      listings: {
        'de-de': {
          baseListing: { features: Array.from({ length: 21 }, (_, n) => `Feature ${n}`) },
          platformOverrides: { Windows81: { description: 'd'.repeat(10_001) } },
        },
      },
    };
    const error = errorFrom(() =>
      buildSubmission(KINDS.app, current, changes({ overlay, releaseNotes: 'n'.repeat(1_501) })),
    ) as ListingLimitsError;
    expect(error).toBeInstanceOf(ListingLimitsError);
    expect(error.problems.map((p) => `${p.language} ${p.field}`)).toEqual([
      'en-us baseListing.releaseNotes',
      'de-de baseListing.releaseNotes',
      'de-de baseListing.features',
      'de-de platformOverrides.Windows81.description',
    ]);
    expect(error.message).toContain(
      'baseListing.releaseNotes: ("nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...") is 1501 characters; the Store allows 1500',
    );
  });

  test('a change that shortens the copied value passes', () => {
    const current = appSubmission();
    (listing(current, 'en-us').baseListing as JsonObject).keywords = [COPIED];
    const overlay = { listings: { 'en-us': { baseListing: { keywords: ['notes editor'] } } } };
    expect(() => buildSubmission(KINDS.app, current, changes({ overlay }))).not.toThrow();
  });

  test("an add-on's keywords: up to 10", () => {
    const overlay = { keywords: Array.from({ length: 11 }, (_, n) => `k${n}`) };
    const error = errorFrom(() => buildSubmission(KINDS['add-on'], addOnSubmission(), changes({ overlay })));
    expect(error).toBeInstanceOf(ListingLimitsError);
    expect((error as Error).message).toContain('- keywords: has 11 items; the Store allows 10');
  });
});
