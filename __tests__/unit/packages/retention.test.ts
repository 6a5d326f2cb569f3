import { describe, expect, test } from '@jest/globals';
import type { JsonObject, JsonValue } from '../../../src/json.js';
import { applyRetention, type DescribedPackage } from '../../../src/packages/index.js';

function entry(
  fileName: string,
  version: string,
  architecture: string,
  families: string[] = ['Windows.Desktop min version 10.0.17763.0'],
  fileStatus = 'Uploaded',
): JsonObject {
  return {
    fileName,
    fileStatus,
    id: fileName,
    version,
    architecture,
    targetDeviceFamilies: families,
    minimumDirectXVersion: 'None',
    minimumSystemRam: 'None',
  };
}

function newEntry(fileName: string): JsonObject {
  return { fileName, fileStatus: 'PendingUpload', minimumDirectXVersion: 'None', minimumSystemRam: 'None' };
}

const XBOX = ['Windows.Xbox min version 10.0.19041.0'];

/** x64 desktop 1.0, 1.1, 1.2; arm64 desktop 1.0, 1.1; x64 xbox 0.9 (an old family the new packages do not cover). */
function submission(): JsonValue[] {
  return [
    entry('d-x64-1.0', '1.0.0.0', 'x64'),
    entry('d-x64-1.1', '1.1.0.0', 'x64', ['Windows.Desktop min version 10.0.19041.0']),
    entry('d-x64-1.2', '1.2.0.0', 'x64'),
    entry('d-arm64-1.0', '1.0.0.0', 'ARM64'),
    entry('d-arm64-1.1', '1.1.0.0', 'arm64'),
    entry('xbox-x64-0.9', '0.9.0.0', 'x64', XBOX),
    entry('old-deleted', '0.1.0.0', 'x64', undefined, 'PendingDelete'),
    newEntry('out/App_2.0.0.0_x64_arm64.msixupload'),
  ];
}

const DESCRIBED = new Map<string, DescribedPackage>([
  [
    'app_2.0.0.0_x64_arm64.msixupload',
    { version: '2.0.0.0', architectures: ['x64', 'arm64'], deviceFamilies: ['Windows.Desktop'] },
  ],
]);

function statuses(entries: JsonValue[]): Record<string, string> {
  return Object.fromEntries(
    entries.map((value) => [String((value as JsonObject).fileName), String((value as JsonObject).fileStatus)]),
  );
}

describe('applyRetention', () => {
  test.each([
    [1, ['d-x64-1.0', 'd-x64-1.1', 'd-x64-1.2', 'd-arm64-1.0', 'd-arm64-1.1']],
    [2, ['d-x64-1.0', 'd-x64-1.1', 'd-arm64-1.0']],
    [3, ['d-x64-1.0']],
    [4, []],
  ])('N = %i keeps the N newest versions per architecture and family, the new bundle counted', (keep, removed) => {
    const result = applyRetention(submission(), keep, DESCRIBED, true);
    expect(result.removed.map((removal) => removal.fileName)).toEqual(removed);
    const expected = statuses(submission());
    for (const name of removed) expected[name] = 'PendingDelete';
    expect(statuses(result.entries)).toEqual(expected);
    // The Xbox family is not covered by the new packages: its newest package always stays.
    expect(statuses(result.entries)['xbox-x64-0.9']).toBe('Uploaded');
    expect(result.unjudged).toEqual([]);
  });

  test('the summary gets version, architectures and families of what was removed', () => {
    expect(applyRetention(submission(), 2, DESCRIBED, true).removed[2]).toEqual({
      fileName: 'd-arm64-1.0',
      version: '1.0.0.0',
      architectures: ['arm64'],
      deviceFamilies: ['Windows.Desktop'],
    });
  });

  test('flights group by architecture only (their entries have no device families)', () => {
    const flight = submission().map((value) => {
      const copy = { ...(value as JsonObject) };
      delete copy.targetDeviceFamilies;
      return copy;
    });
    const result = applyRetention(flight, 1, DESCRIBED, false);
    expect(result.removed.map((removal) => removal.fileName)).toEqual([
      'd-x64-1.0',
      'd-x64-1.1',
      'd-x64-1.2',
      'd-arm64-1.0',
      'd-arm64-1.1',
      'xbox-x64-0.9',
    ]);
  });

  test('new packages are never removed, even when older than what is published', () => {
    const entries = [entry('p-3.0', '3.0.0.0', 'x64'), newEntry('late_1.0.msix')];
    const described = new Map([
      ['late_1.0.msix', { version: '1.0.0.0', architectures: ['x64'], deviceFamilies: ['Windows.Desktop'] }],
    ]);
    const result = applyRetention(entries, 1, described, true);
    expect(statuses(result.entries)).toEqual({ 'p-3.0': 'Uploaded', 'late_1.0.msix': 'PendingUpload' });
  });

  test('an entry in several groups stays while it is among the newest of any of them', () => {
    const entries = [
      entry('bundle-1.0', '1.0.0.0', 'x86, x64'),
      entry('x64-2.0', '2.0.0.0', 'x64'),
      entry('x64-3.0', '3.0.0.0', 'x64'),
    ];
    const result = applyRetention(entries, 1, new Map(), true);
    expect(result.removed.map((removal) => removal.fileName)).toEqual(['x64-2.0']);
  });

  test('entries of the same version are kept or removed together', () => {
    const entries = [
      entry('a-1.0', '1.0.0.0', 'x64'),
      entry('b-1.0', '1.0.0.0', 'x64'),
      entry('c-2.0', '2.0.0.0', 'x64'),
    ];
    expect(applyRetention(entries, 1, new Map(), true).removed.map((removal) => removal.fileName)).toEqual([
      'a-1.0',
      'b-1.0',
    ]);
    expect(applyRetention(entries, 2, new Map(), true).removed).toEqual([]);
  });

  test('entries whose version or architecture is unknown are kept and listed', () => {
    const entries: JsonValue[] = [
      { fileName: 'mystery.xap', fileStatus: 'Uploaded' },
      newEntry('undescribed.msix'),
      entry('a', '1.0.0.0', 'x64'),
    ];
    const result = applyRetention(entries, 1, new Map(), true);
    expect(result.unjudged).toEqual(['mystery.xap', 'undescribed.msix']);
    expect(result.removed).toEqual([]);
  });

  test('does not change its input; refuses N < 1', () => {
    const input = submission();
    const copy = structuredClone(input);
    applyRetention(input, 1, DESCRIBED, true);
    expect(input).toEqual(copy);
    expect(() => applyRetention(input, 0, DESCRIBED, true)).toThrow(RangeError);
    expect(() => applyRetention(input, 1.5, DESCRIBED, true)).toThrow(RangeError);
  });
});
