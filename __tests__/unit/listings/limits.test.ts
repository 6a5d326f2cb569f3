import { describe, expect, test } from '@jest/globals';
import {
  checkListingLimits,
  type LanguageFolder,
  type ListField,
  type ListingsFolder,
  type TextField,
} from '../../../src/listings/index.js';

function language(name: string, fill: (language: LanguageFolder) => void): LanguageFolder {
  const folder: LanguageFolder = { language: name, folder: name, texts: {}, lists: {}, images: new Map() };
  fill(folder);
  return folder;
}

function listings(languages: LanguageFolder[], defaults?: LanguageFolder): ListingsFolder {
  return { kind: 'app', root: 'store', realRoot: '/w/store', languages, ...(defaults ? { defaults } : {}) };
}

function withText(field: TextField, value: string): ListingsFolder {
  return listings([language('en-us', (l) => (l.texts[field] = { value, file: `en-us/${field}` }))]);
}

function withList(field: ListField, items: string[]): ListingsFolder {
  return listings([language('en-us', (l) => (l.lists[field] = { items, file: `en-us/${field}` }))]);
}

describe('text limits: at the bound passes, one over fails naming the file', () => {
  test.each([
    ['description', 10_000],
    ['releaseNotes', 1_500],
    ['shortDescription', 1_000],
    ['copyrightAndTrademarkInfo', 200],
    ['licenseTerms', 10_000],
  ] as const)('%s allows %i characters', (field, limit) => {
    expect(checkListingLimits(withText(field, 'x'.repeat(limit)))).toEqual([]);
    expect(checkListingLimits(withText(field, 'x'.repeat(limit + 1)))).toEqual([
      { file: `en-us/${field}`, message: `is ${limit + 1} characters; the Store allows ${limit}` },
    ]);
  });

  test('characters outside the BMP count as two, as the Store counts them', () => {
    expect(checkListingLimits(withText('copyrightAndTrademarkInfo', '😀'.repeat(100)))).toEqual([]);
    expect(checkListingLimits(withText('copyrightAndTrademarkInfo', `${'😀'.repeat(100)}x`))).toHaveLength(1);
  });

  test('titles have no limit in the contract', () => {
    expect(checkListingLimits(withText('title', 'x'.repeat(20_000)))).toEqual([]);
  });
});

describe('list limits', () => {
  test.each([
    ['keywords', 7, 30],
    ['features', 20, 200],
    ['recommendedHardware', 11, 200],
    ['minimumHardware', 11, 200],
  ] as const)('%s: up to %i items of up to %i characters', (field, items, length) => {
    const atBound = Array.from({ length: items }, (_, index) => (index === 0 ? 'y'.repeat(length) : `i${index}`));
    expect(checkListingLimits(withList(field, atBound))).toEqual([]);
    expect(checkListingLimits(withList(field, [...atBound, 'one more']))).toEqual([
      { file: `en-us/${field}`, message: `has ${items + 1} items (one per non-blank line); the Store allows ${items}` },
    ]);
    expect(checkListingLimits(withList(field, ['ok', 'z'.repeat(length + 1)]))).toEqual([
      {
        file: `en-us/${field}`,
        message: expect.stringMatching(
          new RegExp(
            `^item 2 \\("z+(\\.\\.\\.)?"\\) is ${length + 1} characters; the Store allows ${length} per item$`,
          ),
        ),
      },
    ]);
  });

  test('keywords: 21 words in all pass, 22 fail', () => {
    const threeWords = Array.from({ length: 7 }, () => 'note  taking\tapp');
    expect(checkListingLimits(withList('keywords', threeWords))).toEqual([]);
    expect(checkListingLimits(withList('keywords', [...threeWords.slice(1), 'fast note taking app']))).toEqual([
      { file: 'en-us/keywords', message: 'has 22 words in all; the Store allows 21 over all keywords' },
    ]);
  });

  test('every broken limit is reported, default/ files once', () => {
    const defaults = language(
      'default',
      (l) => (l.texts.releaseNotes = { value: 'r'.repeat(1_501), file: 'default/release-notes.txt' }),
    );
    const enUs = language('en-us', (l) => {
      l.texts.description = { value: 'd'.repeat(10_001), file: 'en-us/description.txt' };
      l.lists.features = { items: Array.from({ length: 21 }, () => 'f'), file: 'en-us/features.txt' };
    });
    const deDe = language('de-de', (l) => (l.lists.keywords = { items: ['k'.repeat(31)], file: 'de-de/keywords.txt' }));
    expect(checkListingLimits(listings([enUs, deDe], defaults)).map((problem) => problem.file)).toEqual([
      'default/release-notes.txt',
      'en-us/description.txt',
      'en-us/features.txt',
      'de-de/keywords.txt',
    ]);
  });

  test('add-on folders have no text limits', () => {
    const folder = withText('description', 'x'.repeat(20_000));
    expect(checkListingLimits({ ...folder, kind: 'add-on' })).toEqual([]);
  });
});
