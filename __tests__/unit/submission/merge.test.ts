import { describe, expect, test } from '@jest/globals';
import type { JsonObject } from '../../../src/json.js';
import { caseMismatches, mergeSubmission, READ_ONLY_FIELDS } from '../../../src/submission/merge.js';

describe('mergeSubmission', () => {
  test.each<{ name: string; base: JsonObject; overlay: JsonObject; merged: JsonObject; ignoredFields: string[] }>([
    {
      name: 'nested objects merge key by key',
      base: {
        listings: {
          'en-us': { baseListing: { title: 'App', description: 'Old' } },
          'de-de': { baseListing: { title: 'App' } },
        },
      },
      overlay: { listings: { 'en-us': { baseListing: { description: 'New' } } } },
      merged: {
        listings: {
          'en-us': { baseListing: { title: 'App', description: 'New' } },
          'de-de': { baseListing: { title: 'App' } },
        },
      },
      ignoredFields: [],
    },
    {
      name: 'arrays replace rather than concatenate',
      base: {
        hardwarePreferences: ['Touch', 'Mouse'],
        listings: { 'en-us': { baseListing: { keywords: ['a', 'b', 'c'] } } },
      },
      overlay: { hardwarePreferences: ['Keyboard'], listings: { 'en-us': { baseListing: { keywords: [] } } } },
      merged: { hardwarePreferences: ['Keyboard'], listings: { 'en-us': { baseListing: { keywords: [] } } } },
      ignoredFields: [],
    },
    {
      name: 'scalars replace, including a change of type',
      base: {
        visibility: 'Public',
        automaticBackupEnabled: false,
        gamingOptions: [{ genres: [] }],
        pricing: { priceId: 'Free' },
      },
      overlay: { visibility: 'Hidden', automaticBackupEnabled: true, gamingOptions: 'none', pricing: 'Free' },
      merged: { visibility: 'Hidden', automaticBackupEnabled: true, gamingOptions: 'none', pricing: 'Free' },
      ignoredFields: [],
    },
    {
      name: 'an object replaces a scalar',
      base: { packageDeliveryOptions: null },
      overlay: { packageDeliveryOptions: { isMandatoryUpdate: true } },
      merged: { packageDeliveryOptions: { isMandatoryUpdate: true } },
      ignoredFields: [],
    },
    {
      name: 'null removes the key (RFC 7396)',
      base: {
        gamingOptions: [{ genres: ['Games_Fighting'] }],
        pricing: { priceId: 'Free', trialPeriod: 'NoFreeTrial' },
      },
      overlay: { gamingOptions: null, pricing: { trialPeriod: null } },
      merged: { pricing: { priceId: 'Free' } },
      ignoredFields: [],
    },
    {
      name: 'null removes a listing language',
      base: { listings: { 'en-us': { baseListing: { title: 'App' } }, 'de-de': { baseListing: { title: 'App' } } } },
      overlay: { listings: { 'de-de': null } },
      merged: { listings: { 'en-us': { baseListing: { title: 'App' } } } },
      ignoredFields: [],
    },
    {
      name: 'null inside a patch object onto a scalar leaves no null behind',
      base: { pricing: 'Free' },
      overlay: { pricing: { priceId: 'Free', trialPeriod: null } },
      merged: { pricing: { priceId: 'Free' } },
      ignoredFields: [],
    },
    {
      name: 'read-only top-level fields are skipped and reported',
      base: {
        id: '1152921504621243540',
        status: 'PendingCommit',
        statusDetails: { errors: [] },
        fileUploadUrl: 'https://x/blob?sig=s',
        visibility: 'Public',
      },
      overlay: {
        id: 'other',
        status: 'Published',
        statusDetails: null,
        fileUploadUrl: 'https://evil',
        visibility: 'Private',
      },
      merged: {
        id: '1152921504621243540',
        status: 'PendingCommit',
        statusDetails: { errors: [] },
        fileUploadUrl: 'https://x/blob?sig=s',
        visibility: 'Private',
      },
      ignoredFields: ['id', 'status', 'statusDetails', 'fileUploadUrl'],
    },
    {
      name: 'read-only names below the top level are ordinary fields',
      base: { applicationPackages: [] },
      overlay: {
        trailers: [{ id: 't1', videoFileName: 'a.mp4' }],
        packageDeliveryOptions: { packageRollout: { status: 'x' } },
      },
      merged: {
        applicationPackages: [],
        trailers: [{ id: 't1', videoFileName: 'a.mp4' }],
        packageDeliveryOptions: { packageRollout: { status: 'x' } },
      },
      ignoredFields: [],
    },
    {
      name: 'unknown fields on either side are kept',
      base: { isSeekEnabled: true, futureThing: { a: 1 } },
      overlay: { brandNewField: [1, 2], futureThing: { b: 2 } },
      merged: { isSeekEnabled: true, futureThing: { a: 1, b: 2 }, brandNewField: [1, 2] },
      ignoredFields: [],
    },
    {
      name: 'an empty overlay changes nothing',
      base: { visibility: 'Public' },
      overlay: {},
      merged: { visibility: 'Public' },
      ignoredFields: [],
    },
  ])('$name', ({ base, overlay, merged, ignoredFields }) => {
    expect(mergeSubmission(base, overlay)).toStrictEqual({ merged, ignoredFields });
  });

  test('the read-only fields are the five the Store assigns', () => {
    expect(READ_ONLY_FIELDS).toEqual(['id', 'status', 'statusDetails', 'fileUploadUrl', 'friendlyName']);
  });

  test('neither input is mutated and the result shares no objects with them', () => {
    const base: JsonObject = {
      listings: { 'en-us': { baseListing: { keywords: ['a'], title: 'T' } } },
      pricing: { priceId: 'Free' },
    };
    const overlay: JsonObject = {
      listings: { 'en-us': { baseListing: { keywords: ['b'] } } },
      trailers: [{ videoFileName: 'v.mp4' }],
    };
    const baseCopy = structuredClone(base);
    const overlayCopy = structuredClone(overlay);

    const { merged } = mergeSubmission(base, overlay);
    (((merged.listings as JsonObject)['en-us'] as JsonObject).baseListing as JsonObject).title = 'changed';
    ((merged.trailers as JsonObject[])[0] as JsonObject).videoFileName = 'changed.mp4';
    (merged.pricing as JsonObject).priceId = 'Tier2';

    expect(base).toEqual(baseCopy);
    expect(overlay).toEqual(overlayCopy);
  });

  test('a __proto__ key from JSON.parse becomes an ordinary field and leaves prototypes alone', () => {
    const overlay = JSON.parse(
      '{"__proto__": {"polluted": true}, "nested": {"__proto__": {"polluted": true}}}',
    ) as JsonObject;
    const { merged } = mergeSubmission({ nested: { a: 1 } }, overlay);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((merged as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(
      JSON.parse('{"nested": {"a": 1, "__proto__": {"polluted": true}}, "__proto__": {"polluted": true}}'),
    );
  });
});

describe('caseMismatches', () => {
  test.each<[string, JsonObject, JsonObject, string[]]>([
    [
      'a top-level key in PascalCase',
      { notesForCertification: 'a' },
      { NotesForCertification: 'b' },
      ["NotesForCertification (the Store's field is 'notesForCertification')"],
    ],
    [
      'a nested key under an existing object',
      { listings: { 'en-us': { baseListing: { releaseNotes: 'x' } } } },
      { listings: { 'en-us': { baseListing: { ReleaseNotes: 'y' } } } },
      ["listings.en-us.baseListing.ReleaseNotes (the Store's field is 'releaseNotes')"],
    ],
    [
      'matching keys',
      { notesForCertification: 'a', listings: {} },
      { notesForCertification: 'b', listings: { 'de-de': {} } },
      [],
    ],
    ['a new key with no near twin', { a: 1 }, { somethingNew: 2 }, []],
  ])('%s', (_what, base, overlay, expected) => {
    expect(caseMismatches(base, overlay)).toEqual(expected);
  });
});
