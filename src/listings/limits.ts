/**
 * The Store's limits on listing text (docs/contract.md "Listings folder"; docs/store-api.md lists
 * the same numbers). Lengths are counted in UTF-16 code units, as the Store's .NET services count
 * string length: a character outside the Basic Multilingual Plane (most emoji) counts twice.
 */
import { isJsonObject, type JsonObject } from '../json.js';
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

/** Most `keywords` of an add-on submission (a list at its top level, not per language). */
export const ADD_ON_KEYWORDS = 10;

/** A limit broken in a listing as it would be sent: the language, the field's path in the listing, what is wrong. */
export interface ListingLimitProblem {
  /** The listing language, e.g. `en-us`; empty for a field of the whole submission (an add-on's keywords). */
  language: string;
  /** The field as the API names it, e.g. `baseListing.keywords`, `whatsNew`. */
  field: string;
  /** What is wrong, with the value (cut to 40 characters): `item 3 ("...") is 35 characters; the Store allows 30 per item`. */
  message: string;
}

/** Why `value` breaks the limit of `field`, as a sentence that starts with "is"; undefined when it fits or has none. */
export function textLimitProblem(field: TextField, value: string): string | undefined {
  const limit = TEXT_LIMITS[field];
  return limit !== undefined && value.length > limit
    ? `is ${value.length} characters; the Store allows ${limit}`
    : undefined;
}

/**
 * Every limit `items` break as the list `field`: the count (`counted` names the items, e.g.
 * "items (one per non-blank line)"), each item's length (with the item), the keywords' words in all.
 */
export function listLimitProblems(field: ListField, items: readonly string[], counted = 'items'): string[] {
  const limit = LIST_LIMITS[field];
  const problems: string[] = [];
  if (items.length > limit.items) problems.push(`has ${items.length} ${counted}; the Store allows ${limit.items}`);
  items.forEach((item, index) => {
    if (item.length > limit.itemLength) {
      problems.push(
        `item ${index + 1} ("${preview(item)}") is ${item.length} characters; the Store allows ${limit.itemLength} per item`,
      );
    }
  });
  if (field === 'keywords') {
    const words = items.reduce((sum, item) => sum + item.split(/\s+/).filter((word) => word !== '').length, 0);
    if (words > KEYWORD_WORDS)
      problems.push(`has ${words} words in all; the Store allows ${KEYWORD_WORDS} over all keywords`);
  }
  return problems;
}

/**
 * Every limit a listing object breaks, its fields named as `names` maps them (the listings folder's
 * fields to this API's names; absent: the BaseListing names). Values that are not text, or lists
 * with an item that is not text, are left to the Store. Pure.
 */
export function listingLimitProblems(
  language: string,
  listing: JsonObject,
  names: {
    text?: Partial<Record<TextField, string>>;
    lists?: Partial<Record<ListField, string>>;
    prefix?: string;
  } = {},
): ListingLimitProblem[] {
  const problems: ListingLimitProblem[] = [];
  const at = (name: string): string => `${names.prefix ?? ''}${name}`;
  for (const field of Object.keys(TEXT_LIMITS) as TextField[]) {
    const name = names.text ? names.text[field] : field;
    const value = name === undefined ? undefined : listing[name];
    if (name === undefined || typeof value !== 'string') continue;
    const problem = textLimitProblem(field, value);
    if (problem) problems.push({ language, field: at(name), message: `("${preview(value)}") ${problem}` });
  }
  for (const field of Object.keys(LIST_LIMITS) as ListField[]) {
    const name = names.lists ? names.lists[field] : field;
    const value = name === undefined ? undefined : listing[name];
    if (name === undefined || !Array.isArray(value) || !value.every((item) => typeof item === 'string')) continue;
    for (const message of listLimitProblems(field, value as string[]))
      problems.push({ language, field: at(name), message });
  }
  return problems;
}

/**
 * Every limit the listings of a submission as it would be sent break: an app's (each language's
 * `baseListing` and each of its `platformOverrides`) or an add-on's (its `keywords`). Flights have
 * no listings. Pure.
 */
export function submissionListingProblems(kind: string, submission: JsonObject): ListingLimitProblem[] {
  if (kind === 'add-on') {
    const keywords = submission.keywords;
    return Array.isArray(keywords) && keywords.length > ADD_ON_KEYWORDS
      ? [
          {
            language: '',
            field: 'keywords',
            message: `has ${keywords.length} items; the Store allows ${ADD_ON_KEYWORDS}`,
          },
        ]
      : [];
  }
  if (kind !== 'app' || !isJsonObject(submission.listings)) return [];
  const problems: ListingLimitProblem[] = [];
  for (const [language, listing] of Object.entries(submission.listings)) {
    if (!isJsonObject(listing)) continue;
    if (isJsonObject(listing.baseListing))
      problems.push(...listingLimitProblems(language, listing.baseListing, { prefix: 'baseListing.' }));
    if (!isJsonObject(listing.platformOverrides)) continue;
    for (const [platform, override] of Object.entries(listing.platformOverrides)) {
      if (isJsonObject(override))
        problems.push(...listingLimitProblems(language, override, { prefix: `platformOverrides.${platform}.` }));
    }
  }
  return problems;
}

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
  for (const field of Object.keys(TEXT_LIMITS) as TextField[]) {
    const text = language.texts[field];
    const problem = text && textLimitProblem(field, text.value);
    if (text && problem) problems.push({ file: text.file, message: problem });
  }
  for (const field of Object.keys(LIST_LIMITS) as ListField[]) {
    const list = language.lists[field];
    if (!list) continue;
    for (const message of listLimitProblems(field, list.items, 'items (one per non-blank line)'))
      problems.push({ file: list.file, message });
  }
  return problems;
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
