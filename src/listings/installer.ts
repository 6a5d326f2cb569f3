/**
 * The listings folder in the terms of the MSI/EXE submission API (docs/store-api.md, the MSI/EXE
 * API section): each language's text files as that API's listing fields, its screenshots and Store
 * logos as asset uploads. The folder is read and checked by `loadListings` first; this maps it and
 * checks the image counts and sizes the API takes. Pure: images are named, not read (the upload
 * reads each one when its turn comes, so memory holds one image at a time).
 */
import path from 'node:path';
import { formatSize } from '../format.js';
import type { JsonObject } from '../json.js';
import { ListingsError } from './error.js';
import type { ImageFile, LanguageFolder, ListField, ListingProblem, ListingsFolder, TextField } from './folder.js';
import { listingLimitProblems, type ListingLimitProblem } from './limits.js';

/** One image of a listing after the run: an existing asset kept, or a PNG file (inside the folder) uploaded in its place. */
export type ImageSlot = { keep: string } | { upload: { name: string; path: string; size: number } };

/** Most images per language the API takes, per type (docs/store-api.md#installer-api-endpoints). */
export const IMAGE_COUNT_LIMITS = { screenshots: 10, storeLogos: 2 } as const;

/** Largest listing image the Store takes, in bytes (docs/store-api.md#installer-api-fields). */
export const MAX_IMAGE_BYTES = 50_000_000;

/** Listing changes in the MSI/EXE API's terms: what the folder asks, and what the submit flow applies. */
export interface ListingChanges {
  /**
   * Per language (lower case): fields of this API's listing object to set (`title`, `description`,
   * `shortDescription`, `whatsNew`, `productFeatures`, `searchTerms`, `copyright`, ...). Fields not
   * named keep the draft's values. A language the draft lacks is added.
   */
  text?: Record<string, JsonObject>;
  /**
   * Per language: the complete, ordered screenshots and/or logos that language must have. A type
   * not named is left as it is. `keep` names an asset ID of GET /listings/assets.
   */
  images?: Record<string, { screenshots?: ImageSlot[]; storeLogos?: ImageSlot[] }>;
}

/** Each text file's field in the MSI/EXE API's listing object. */
const TEXT_FIELDS: Record<TextField, string> = {
  title: 'title',
  shortTitle: 'shortTitle',
  sortTitle: 'sortTitle',
  voiceTitle: 'voiceTitle',
  devStudio: 'developedBy',
  shortDescription: 'shortDescription',
  description: 'description',
  releaseNotes: 'whatsNew',
  copyrightAndTrademarkInfo: 'copyright',
  licenseTerms: 'additionalLicenseTerms',
};

/** Each list file's field; the API has one hardware list (`requirements`), which takes minimum-hardware.txt. */
const LIST_FIELDS: Partial<Record<ListField, string>> = {
  features: 'productFeatures',
  keywords: 'searchTerms',
  minimumHardware: 'requirements',
};

/**
 * Every limit of the listings folder (limits.ts) that one MSI/EXE listing object, as PUT /metadata
 * would send it, breaks; its fields named as this API names them (`whatsNew`, `searchTerms`, ...). Pure.
 */
export function installerListingProblems(language: string, listing: JsonObject): ListingLimitProblem[] {
  return listingLimitProblems(language, listing, { text: TEXT_FIELDS, lists: LIST_FIELDS });
}

export interface InstallerListings {
  changes: ListingChanges;
  /** Folder content this API has no place for, as warnings with their file. */
  warnings: string[];
}

function textOf(own: LanguageFolder | undefined, defaults: LanguageFolder | undefined): JsonObject {
  const listing: JsonObject = {};
  for (const [field, apiField] of Object.entries(TEXT_FIELDS) as [TextField, string][]) {
    const text = own?.texts[field] ?? defaults?.texts[field];
    if (text) listing[apiField] = text.value;
  }
  for (const [field, apiField] of Object.entries(LIST_FIELDS) as [ListField, string][]) {
    const list = own?.lists[field] ?? defaults?.lists[field];
    if (list) listing[apiField] = list.items;
  }
  return listing;
}

/**
 * The upload slots of one language's images of one type, after their count and sizes (from the
 * folder's stat, nothing read) are checked: each problem names the folder or the file.
 */
function slots(
  type: keyof typeof IMAGE_COUNT_LIMITS,
  images: readonly ImageFile[],
  problems: ListingProblem[],
): ImageSlot[] {
  const limit = IMAGE_COUNT_LIMITS[type];
  if (images.length > limit) {
    problems.push({
      file: path.dirname(images[0]!.file),
      message: `has ${images.length} ${type === 'screenshots' ? 'screenshots' : 'Store logos'}; the Store takes up to ${limit} per language`,
    });
  }
  for (const image of images) {
    if (image.size > MAX_IMAGE_BYTES)
      problems.push({
        file: image.file,
        message: `is ${image.size} bytes; the Store takes images up to ${MAX_IMAGE_BYTES} bytes (${formatSize(MAX_IMAGE_BYTES)})`,
      });
  }
  return images.map((image) => ({ upload: { name: image.name, path: image.path, size: image.size } }));
}

/**
 * The changes a listings folder (read for an app) makes to an MSI/EXE product's listings: per
 * language (a language folder, with `default/` filling the files and image types it lacks), its text fields, and its
 * `Screenshot` images as the screenshots and its `StoreLogo*` images as the Store logos, in file-name
 * order (a type with a folder replaces that language's assets of the type; every image is uploaded,
 * as assets carry no content hash to recognise an unchanged one by). Other image types and
 * recommended-hardware.txt have no place in this API: they are warnings.
 *
 * Throws ListingsError, before any image is read, when a language has more screenshots or Store
 * logos than IMAGE_COUNT_LIMITS or an image is larger than MAX_IMAGE_BYTES.
 */
export function installerListingChanges(folder: ListingsFolder): InstallerListings {
  const changes: Required<ListingChanges> = { text: {}, images: {} };
  const warnings: string[] = [];
  const problems: ListingProblem[] = [];
  for (const own of folder.languages) {
    const language = own.language;
    const text = textOf(own, folder.defaults);
    if (Object.keys(text).length > 0) changes.text[language] = text;
    const recommended = own.lists.recommendedHardware ?? folder.defaults?.lists.recommendedHardware;
    if (recommended)
      warnings.push(`${recommended.file}: the MSI/EXE API has no recommended hardware list; it is not sent`);
    // default/ fills each image type a language has no folder for, as it fills text files.
    const images = new Map([...(folder.defaults?.images ?? new Map<string, ImageFile[]>()), ...own.images]);
    const screenshots = images.get('Screenshot');
    const logoTypes = [...images.keys()].filter((type) => type.startsWith('StoreLogo'));
    for (const type of images.keys()) {
      if (type !== 'Screenshot' && !type.startsWith('StoreLogo'))
        warnings.push(`${own.folder}/images/${type}: the MSI/EXE API takes screenshots and Store logos only; not sent`);
    }
    const entry: { screenshots?: ImageSlot[]; storeLogos?: ImageSlot[] } = {};
    if (screenshots) entry.screenshots = slots('screenshots', screenshots, problems);
    if (logoTypes.length > 0)
      entry.storeLogos = slots(
        'storeLogos',
        logoTypes.flatMap((type) => images.get(type) ?? []),
        problems,
      );
    if (entry.screenshots || entry.storeLogos) changes.images[language] = entry;
  }
  if (problems.length > 0) throw new ListingsError(problems);
  return { changes, warnings };
}
