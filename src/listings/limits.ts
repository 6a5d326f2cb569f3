/**
 * The Store's limits on listing text (docs/contract.md "Listings folder"; docs/store-api.md lists
 * the same numbers). Lengths are counted in UTF-16 code units, as the Store's .NET services count
 * string length: a character outside the Basic Multilingual Plane (most emoji) counts twice.
 */
import type { LanguageFolder, ListField, ListingProblem, ListingsFolder, TextField } from './folder.js';

/** Longest text per field, in characters. */
export const TEXT_LIMITS: Partial<Record<TextField, number>> = {
  description: 10_000,
  releaseNotes: 1_500,
  shortDescription: 1_000,
  copyrightAndTrademarkInfo: 200,
  licenseTerms: 10_000,
};

/** Most items per list, and longest item, in characters. */
export const LIST_LIMITS: Record<ListField, { items: number; itemLength: number }> = {
  keywords: { items: 7, itemLength: 30 },
  features: { items: 20, itemLength: 200 },
  recommendedHardware: { items: 11, itemLength: 200 },
  minimumHardware: { items: 11, itemLength: 200 },
};

/** Most words over all keywords together. */
export const KEYWORD_WORDS = 21;

/**
 * Every limit the folder breaks, one problem per broken limit, naming the file (and the line of a
 * list item). Files of `default/` are checked once, not once per language they fill. App listings
 * only: add-on folders carry no limited text. Pure.
 */
export function checkListingLimits(folder: ListingsFolder): ListingProblem[] {
  if (folder.kind !== 'app') return [];
  const problems: ListingProblem[] = [];
  const languages = folder.defaults ? [folder.defaults, ...folder.languages] : folder.languages;
  for (const language of languages) problems.push(...languageProblems(language));
  return problems;
}

function languageProblems(language: LanguageFolder): ListingProblem[] {
  const problems: ListingProblem[] = [];
  for (const [field, limit] of Object.entries(TEXT_LIMITS) as [TextField, number][]) {
    const text = language.texts[field];
    if (text && text.value.length > limit) {
      problems.push({ file: text.file, message: `is ${text.value.length} characters; the Store allows ${limit}` });
    }
  }
  for (const [field, limit] of Object.entries(LIST_LIMITS) as [ListField, { items: number; itemLength: number }][]) {
    const list = language.lists[field];
    if (!list) continue;
    if (list.items.length > limit.items) {
      problems.push({
        file: list.file,
        message: `has ${list.items.length} items (one per non-blank line); the Store allows ${limit.items}`,
      });
    }
    list.items.forEach((item, index) => {
      if (item.length > limit.itemLength) {
        problems.push({
          file: list.file,
          message: `item ${index + 1} ("${preview(item)}") is ${item.length} characters; the Store allows ${limit.itemLength} per item`,
        });
      }
    });
    if (field === 'keywords') {
      const words = list.items.reduce((sum, item) => sum + item.split(/\s+/).filter((word) => word !== '').length, 0);
      if (words > KEYWORD_WORDS) {
        problems.push({
          file: list.file,
          message: `has ${words} words in all; the Store allows ${KEYWORD_WORDS} over all keywords`,
        });
      }
    }
  }
  return problems;
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
