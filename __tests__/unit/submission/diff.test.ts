import { describe, expect, test } from '@jest/globals';
import { cloneJson, type JsonObject } from '../../../src/json.js';
import { KINDS, type TargetKind } from '../../../src/store/kinds.js';
import { buildSubmission } from '../../../src/submission/build.js';
import { diffSubmissions, type SubmissionDiff } from '../../../src/submission/diff.js';
import { addOnSubmission, appSubmission, flightSubmission, newPackage } from './fixtures.js';

const NO_CHANGE: SubmissionDiff = {
  packagesAdded: [],
  packagesMarkedForDeletion: [],
  listingsTouched: [],
  changes: [],
};

describe('diffSubmissions', () => {
  test.each<{
    name: string;
    kind: TargetKind;
    before: () => JsonObject;
    edit: (after: JsonObject) => void;
    diff: SubmissionDiff;
  }>([
    { name: 'identical submissions', kind: 'app', before: appSubmission, edit: () => {}, diff: NO_CHANGE },
    {
      name: 'fields the Store assigns are ignored',
      kind: 'app',
      before: appSubmission,
      edit: (s) => {
        Object.assign(s, {
          id: 'new',
          status: 'PendingCommit',
          statusDetails: { errors: [{ code: 'x' }] },
          fileUploadUrl: 'https://other',
          friendlyName: 'Submission 4',
        });
      },
      diff: NO_CHANGE,
    },
    {
      name: 'key order does not count as a change',
      kind: 'add-on',
      before: addOnSubmission,
      edit: (s) => {
        s.pricing = { isAdvancedPricingModel: true, priceId: 'Tier2', marketSpecificPricings: {} };
      },
      diff: NO_CHANGE,
    },
    {
      name: 'release notes in every listing, one of them new',
      kind: 'app',
      before: appSubmission,
      edit: (s) => {
        const listings = s.listings as JsonObject;
        ((listings['en-us'] as JsonObject).baseListing as JsonObject).releaseNotes = 'New';
        ((listings['de-de'] as JsonObject).baseListing as JsonObject).releaseNotes = 'Neu';
      },
      diff: {
        ...NO_CHANGE,
        listingsTouched: ['en-us', 'de-de'],
        changes: [
          { path: 'listings.en-us.baseListing.releaseNotes', before: 'Old notes', after: 'New' },
          { path: 'listings.de-de.baseListing.releaseNotes', before: undefined, after: 'Neu' },
        ],
      },
    },
    {
      name: 'scalars, whole arrays, and a listing added and one removed',
      kind: 'app',
      before: appSubmission,
      edit: (s) => {
        s.targetPublishMode = 'Manual';
        s.hardwarePreferences = ['Keyboard'];
        const listings = s.listings as JsonObject;
        delete listings['de-de'];
        listings['fr-fr'] = { baseListing: { title: 'Outils' } };
        (((listings['en-us'] as JsonObject).baseListing as JsonObject).images as JsonObject[]).push({
          fileName: 'b.png',
          fileStatus: 'PendingUpload',
        });
      },
      diff: {
        ...NO_CHANGE,
        listingsTouched: ['en-us', 'de-de', 'fr-fr'],
        changes: [
          { path: 'targetPublishMode', before: 'Immediate', after: 'Manual' },
          {
            path: 'listings.en-us.baseListing.images',
            before: [{ fileName: 'en-us/shot1.png', fileStatus: 'Uploaded', id: 'img1', imageType: 'Screenshot' }],
            after: [
              { fileName: 'en-us/shot1.png', fileStatus: 'Uploaded', id: 'img1', imageType: 'Screenshot' },
              { fileName: 'b.png', fileStatus: 'PendingUpload' },
            ],
          },
          { path: 'listings.de-de.baseListing.title', before: 'Contoso Werkzeuge', after: undefined },
          { path: 'listings.de-de.baseListing.description', before: 'Werkzeuge.', after: undefined },
          { path: 'listings.de-de.baseListing.images', before: [], after: undefined },
          { path: 'listings.de-de.platformOverrides', before: {}, after: undefined },
          { path: 'listings.fr-fr.baseListing.title', before: undefined, after: 'Outils' },
          { path: 'hardwarePreferences', before: undefined, after: ['Keyboard'] },
        ],
      },
    },
    {
      name: 'rollout and mandatory update settings',
      kind: 'app',
      before: appSubmission,
      edit: (s) => {
        const delivery = s.packageDeliveryOptions as JsonObject;
        Object.assign(delivery.packageRollout as JsonObject, { isPackageRollout: true, packageRolloutPercentage: 10 });
        delivery.isMandatoryUpdate = true;
      },
      diff: {
        ...NO_CHANGE,
        changes: [
          { path: 'packageDeliveryOptions.packageRollout.isPackageRollout', before: false, after: true },
          { path: 'packageDeliveryOptions.packageRollout.packageRolloutPercentage', before: 0, after: 10 },
          { path: 'packageDeliveryOptions.isMandatoryUpdate', before: false, after: true },
        ],
      },
    },
    {
      name: 'delivery options created where there were none are reported leaf by leaf',
      kind: 'flight',
      before: flightSubmission,
      edit: (s) => {
        s.packageDeliveryOptions = { packageRollout: { isPackageRollout: true, packageRolloutPercentage: 50 } };
      },
      diff: {
        ...NO_CHANGE,
        changes: [
          { path: 'packageDeliveryOptions.packageRollout.isPackageRollout', before: undefined, after: true },
          { path: 'packageDeliveryOptions.packageRollout.packageRolloutPercentage', before: undefined, after: 50 },
        ],
      },
    },
    {
      name: 'an object replaced by null, and odd keys quoted',
      kind: 'app',
      before: () => ({
        ...appSubmission(),
        gamingOptions: [{ genres: [] }],
        allowTargetFutureDeviceFamilies: { Desktop: true },
      }),
      edit: (s) => {
        s.gamingOptions = null;
        s.allowTargetFutureDeviceFamilies = { Desktop: true, 'Windows.Team v2': false };
      },
      diff: {
        ...NO_CHANGE,
        changes: [
          { path: 'gamingOptions', before: [{ genres: [] }], after: null },
          { path: 'allowTargetFutureDeviceFamilies["Windows.Team v2"]', before: undefined, after: false },
        ],
      },
    },
    {
      name: 'add-on listing icon replaced',
      kind: 'add-on',
      before: addOnSubmission,
      edit: (s) => {
        ((s.listings as JsonObject).en as JsonObject).icon = { fileName: 'icon2.png', fileStatus: 'PendingUpload' };
      },
      diff: {
        ...NO_CHANGE,
        listingsTouched: ['en'],
        changes: [
          { path: 'listings.en.icon.fileName', before: 'icon.png', after: 'icon2.png' },
          { path: 'listings.en.icon.fileStatus', before: 'Uploaded', after: 'PendingUpload' },
        ],
      },
    },
  ])('$name', ({ kind, before, edit, diff }) => {
    const old = before();
    const after = cloneJson(old);
    edit(after);
    expect(diffSubmissions(KINDS[kind], old, after)).toStrictEqual(diff);
  });

  test.each<{
    name: string;
    kind: 'app' | 'flight';
    replacePackages: boolean;
    newPackages: string[];
    diff: SubmissionDiff;
  }>([
    {
      name: 'app: packages added',
      kind: 'app',
      replacePackages: false,
      newPackages: ['Contoso_2.0.0.0_x64.msixupload'],
      diff: { ...NO_CHANGE, packagesAdded: ['Contoso_2.0.0.0_x64.msixupload'] },
    },
    {
      name: 'app: packages replaced',
      kind: 'app',
      replacePackages: true,
      newPackages: ['Contoso_2.0.0.0_x64.msixupload', 'Contoso_2.0.0.0_arm64.msixupload'],
      diff: {
        ...NO_CHANGE,
        packagesAdded: ['Contoso_2.0.0.0_x64.msixupload', 'Contoso_2.0.0.0_arm64.msixupload'],
        packagesMarkedForDeletion: ['Contoso_1.0.0.0_x64.msixupload', 'Contoso_1.0.0.0_arm64.msixupload'],
      },
    },
    {
      name: 'flight: a package of the same name replaced',
      kind: 'flight',
      replacePackages: false,
      newPackages: ['Contoso_1.1.0.0_x64.msixupload'],
      diff: {
        ...NO_CHANGE,
        packagesAdded: ['Contoso_1.1.0.0_x64.msixupload'],
        packagesMarkedForDeletion: ['Contoso_1.1.0.0_x64.msixupload'],
      },
    },
  ])('$name', ({ kind, replacePackages, newPackages, diff }) => {
    const before = kind === 'app' ? appSubmission() : flightSubmission();
    const { submission } = buildSubmission(KINDS[kind], before, { newPackages, replacePackages });
    expect(diffSubmissions(KINDS[kind], before, submission)).toStrictEqual(diff);
  });

  test('a package already PendingDelete before is not reported again', () => {
    const before = appSubmission();
    const packages = before.applicationPackages as JsonObject[];
    (packages[0] as JsonObject).fileStatus = 'PendingDelete';
    const after = cloneJson(before);
    (after.applicationPackages as JsonObject[]).push(newPackage('n.msix'));
    ((after.applicationPackages as JsonObject[])[1] as JsonObject).fileStatus = 'PendingDelete';

    expect(diffSubmissions(KINDS.app, before, after)).toStrictEqual({
      ...NO_CHANGE,
      packagesAdded: ['n.msix'],
      packagesMarkedForDeletion: ['Contoso_1.0.0.0_arm64.msixupload'],
    });
  });
});
