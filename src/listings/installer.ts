/**
 * The listings folder in the terms of the MSI/EXE submission API (docs/store-api.md, the MSI/EXE
 * API section): each language's text files as that API's listing fields, its screenshots and Store
 * logos as asset uploads. The folder is read and checked by `loadListings` first; this maps it.
 * Pure but for reading the PNGs the folder names (inside the folder, as the reader resolved them).
 */
import { readFile } from 'node:fs/promises';
import type { JsonObject } from '../json.js';
import type { ImageFile, LanguageFolder, ListField, ListingsFolder, TextField } from './folder.js';

/** One image of a listing after the run: an existing asset kept, or a PNG uploaded in its place. */
export type ImageSlot = { keep: string } | { upload: { name: string; png: Uint8Array } };

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

async function slots(images: { name: string; path: string }[]): Promise<ImageSlot[]> {
  return Promise.all(images.map(async (image) => ({ upload: { name: image.name, png: await readFile(image.path) } })));
}

/**
 * The changes a listings folder (read for an app) makes to an MSI/EXE product's listings: per
 * language (a language folder, with `default/` filling the files and image types it lacks), its text fields, and its
 * `Screenshot` images as the screenshots and its `StoreLogo*` images as the Store logos, in file-name
 * order (a type with a folder replaces that language's assets of the type; every image is uploaded,
 * as assets carry no content hash to recognise an unchanged one by). Other image types and
 * recommended-hardware.txt have no place in this API: they are warnings.
 */
export async function installerListingChanges(folder: ListingsFolder): Promise<InstallerListings> {
  const changes: Required<ListingChanges> = { text: {}, images: {} };
  const warnings: string[] = [];
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
    if (screenshots) entry.screenshots = await slots(screenshots);
    if (logoTypes.length > 0) entry.storeLogos = await slots(logoTypes.flatMap((type) => images.get(type) ?? []));
    if (entry.screenshots || entry.storeLogos) changes.images[language] = entry;
  }
  return { changes, warnings };
}
