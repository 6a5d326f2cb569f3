/**
 * Applies a parsed listings folder onto the submission the Store cloned (docs/contract.md "Listings
 * folder"; docs/store-api.md for the Listing, BaseListing and Image resources of apps and the
 * listings and icon of add-ons).
 * Pure: the input is never changed; files are only named, never read.
 *
 * How unchanged images are recognised (the rule):
 *   The action names every image it uploads `listings/<folder>/<ImageType>/<name>.<hash>.png`
 *   (add-on icons `listings/<folder>/icon.<hash>.png`), where <folder> is the language folder (or
 *   `default`), <name> the file name without `.png`, and <hash> the first 12 lower-case hex
 *   characters of the SHA-256 of the file's bytes. The Store keeps an image's `fileName` in the
 *   submissions it clones, so an entry whose file name (its last path segment) ends with
 *   `.<12 hex>.png` holds the content with that hash: contentHashOfFileName reads it back.
 *   When a folder file's hash matches a live entry (not PendingDelete, not PendingUpload) of the
 *   same language and image type, that entry is kept as it is (id, fileName, status) and the file is
 *   not uploaded again; otherwise the file becomes a new PendingUpload entry and goes into the zip.
 *   Entries without such a name (uploaded in Partner Center or by other tools) are never matched:
 *   the first run replaces them once, later runs recognise their own uploads.
 */
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { ListingsError } from './error.js';
import {
  CONTENT_HASH_LENGTH,
  LIST_FILES,
  TEXT_FILES,
  type ImageFile,
  type LanguageFolder,
  type ListingProblem,
  type ListingsFolder,
} from './folder.js';

/** The result of applying the folder. */
export interface AppliedListings {
  /** The submission with the folder applied (a copy). */
  submission: JsonObject;
  /** Files to put in the upload zip: zip entry name -> absolute path of the file to read. */
  uploads: Map<string, string>;
  /** Languages whose listing the folder added. */
  languagesAdded: string[];
  /** Images kept because their content is unchanged, as `language/ImageType/fileName`. */
  imagesKept: string[];
  warnings: string[];
}

const CONTENT_HASH = new RegExp(`\\.([0-9a-f]{${CONTENT_HASH_LENGTH}})\\.png$`, 'i');

/**
 * The content hash an image entry's `fileName` carries under the rule above (lower case), or
 * undefined when its name has none. Accepts `/` or `\` separators.
 */
export function contentHashOfFileName(fileName: JsonValue | undefined): string | undefined {
  if (typeof fileName !== 'string') return undefined;
  const last = fileName.split(/[\\/]/).pop() ?? '';
  return CONTENT_HASH.exec(last)?.[1]?.toLowerCase();
}

/** A copy of `current` with its `listings` map, and the empty outcome the appliers fill in. */
function startApplying(current: JsonObject): {
  listings: JsonObject;
  result: AppliedListings;
  problems: ListingProblem[];
} {
  const submission = cloneJson(current);
  const listings = isJsonObject(submission.listings) ? submission.listings : {};
  submission.listings = listings;
  return {
    listings,
    result: { submission, uploads: new Map(), languagesAdded: [], imagesKept: [], warnings: [] },
    problems: [],
  };
}

/**
 * Applies an app listings folder (kind `app`) to an app submission:
 * - every language of the submission and every language folder is visited; a language with
 *   neither its own folder nor a `default/` folder is left as it is;
 * - a text or list file present (own folder first, then `default/`) sets its BaseListing field;
 *   a file absent keeps the cloned value;
 * - a language folder the submission lacks adds a listing (`baseListing` with every field empty,
 *   `platformOverrides: {}`); it needs `description.txt`, in its folder or in `default/`;
 * - an `images/<ImageType>/` folder makes that language's images of that type exactly its files,
 *   in file-name order, each with its `.txt` description (or an empty one): unchanged images are
 *   kept (see the rule above), new ones added PendingUpload, the replaced ones marked
 *   PendingDelete (entries still PendingUpload from submission-json are dropped, with a warning).
 *   The type's entries take the place of its first entry; other types and platform overrides are
 *   untouched.
 *
 * Throws ListingsError listing every new language without a description; Error when the folder
 * was read for add-ons.
 */
export function applyAppListings(current: JsonObject, folder: ListingsFolder): AppliedListings {
  if (folder.kind !== 'app') throw new Error('applyAppListings needs a folder read for an app submission');
  const { listings, result, problems } = startApplying(current);

  for (const { key, own, isNew } of visits(listings, folder)) {
    const defaults = folder.defaults;
    if (isNew) {
      const description = own?.texts.description ?? defaults?.texts.description;
      if (!description || description.value === '') {
        problems.push({
          file: own?.folder ?? key,
          message: `adds the listing language ${key}, which needs a description: add ${key}/description.txt (or default/description.txt)`,
        });
        continue;
      }
      listings[key] = newAppListing();
      result.languagesAdded.push(key);
    }
    const listing = listings[key];
    if (!isJsonObject(listing)) continue;
    const base = isJsonObject(listing.baseListing) ? listing.baseListing : {};
    listing.baseListing = base;

    for (const field of Object.values(TEXT_FILES)) {
      const text = own?.texts[field] ?? defaults?.texts[field];
      if (text) base[field] = text.value;
    }
    for (const field of Object.values(LIST_FILES)) {
      const list = own?.lists[field] ?? defaults?.lists[field];
      if (list) base[field] = [...list.items];
    }
    const types = new Set([...(own?.images.keys() ?? []), ...(defaults?.images.keys() ?? [])]);
    for (const imageType of types) {
      const files = own?.images.get(imageType) ?? defaults?.images.get(imageType) ?? [];
      applyImageType(base, key, imageType, files, result);
    }
  }
  if (problems.length > 0) throw new ListingsError(problems);
  return result;
}

/**
 * Applies an add-on listings folder (kind `add-on`) to an add-on submission: per language,
 * `title.txt` and `description.txt` set `title` and `description`; `icon.png` sets `icon`
 * (kept as it is when its content hash matches the current icon's file name, else
 * `{ fileName, fileStatus: 'PendingUpload' }`). A language folder the submission lacks adds a
 * listing, which needs both a title and a description (own folder or `default/`).
 *
 * Throws ListingsError listing every new language without them; Error when the folder was read
 * for apps.
 */
export function applyAddOnListings(current: JsonObject, folder: ListingsFolder): AppliedListings {
  if (folder.kind !== 'add-on') throw new Error('applyAddOnListings needs a folder read for an add-on submission');
  const { listings, result, problems } = startApplying(current);

  for (const { key, own, isNew } of visits(listings, folder)) {
    const defaults = folder.defaults;
    const title = own?.texts.title ?? defaults?.texts.title;
    const description = own?.texts.description ?? defaults?.texts.description;
    if (isNew) {
      const missing = [!title?.value && 'title.txt', !description?.value && 'description.txt'].filter(Boolean);
      if (missing.length > 0) {
        problems.push({
          file: own?.folder ?? key,
          message: `adds the add-on listing language ${key}, which needs ${missing.join(' and ')} (in its folder or in default/)`,
        });
        continue;
      }
      listings[key] = { title: '', description: '' };
      result.languagesAdded.push(key);
    }
    const listing = listings[key];
    if (!isJsonObject(listing)) continue;
    if (title) listing.title = title.value;
    if (description) listing.description = description.value;
    const icon = own?.icon ?? defaults?.icon;
    if (!icon) continue;
    const currentIcon = listing.icon;
    if (
      isJsonObject(currentIcon) &&
      currentIcon.fileStatus !== 'PendingUpload' &&
      currentIcon.fileStatus !== 'PendingDelete' &&
      contentHashOfFileName(currentIcon.fileName) === contentHash(icon)
    ) {
      result.imagesKept.push(`${key}/icon/${String(currentIcon.fileName)}`);
      continue;
    }
    listing.icon = { fileName: icon.zipName, fileStatus: 'PendingUpload' };
    result.uploads.set(icon.zipName, icon.path);
  }
  if (problems.length > 0) throw new ListingsError(problems);
  return result;
}

/** Languages to visit: the submission's (matched to folders ignoring case), then new folders. */
function visits(
  listings: JsonObject,
  folder: ListingsFolder,
): { key: string; own: LanguageFolder | undefined; isNew: boolean }[] {
  const byName = new Map(folder.languages.map((language) => [language.language.toLowerCase(), language]));
  const found: { key: string; own: LanguageFolder | undefined; isNew: boolean }[] = [];
  for (const key of Object.keys(listings)) {
    const own = byName.get(key.toLowerCase());
    byName.delete(key.toLowerCase());
    if (own || folder.defaults) found.push({ key, own, isNew: false });
  }
  for (const own of byName.values()) found.push({ key: own.language, own, isNew: true });
  return found;
}

function newAppListing(): JsonObject {
  return {
    baseListing: {
      copyrightAndTrademarkInfo: '',
      keywords: [],
      licenseTerms: '',
      description: '',
      features: [],
      releaseNotes: '',
      images: [],
      recommendedHardware: [],
      minimumHardware: [],
      title: '',
      shortDescription: '',
      shortTitle: '',
      sortTitle: '',
      voiceTitle: '',
      devStudio: '',
    },
    platformOverrides: {},
  };
}

function contentHash(image: ImageFile): string {
  return image.sha256.slice(0, CONTENT_HASH_LENGTH);
}

function applyImageType(
  base: JsonObject,
  language: string,
  imageType: string,
  files: readonly ImageFile[],
  result: AppliedListings,
): void {
  const images = Array.isArray(base.images) ? base.images : [];
  const ofType = (entry: JsonValue): entry is JsonObject => isJsonObject(entry) && entry.imageType === imageType;
  const firstOfType = images.findIndex(ofType);
  const others = images.filter((entry) => !ofType(entry));
  const typed = images.filter(ofType);

  const dropped = typed.filter((entry) => entry.fileStatus === 'PendingUpload');
  for (const entry of dropped) {
    result.warnings.push(
      `listings: ${language}/images/${imageType}/ replaces the ${imageType} image ${String(entry.fileName)} that submission-json added for ${language}`,
    );
  }
  const alreadyDeleted = typed.filter((entry) => entry.fileStatus === 'PendingDelete');
  const live = typed.filter((entry) => entry.fileStatus !== 'PendingUpload' && entry.fileStatus !== 'PendingDelete');

  const claimed = new Set<JsonObject>();
  const block: JsonObject[] = files.map((file) => {
    const hash = contentHash(file);
    const description = file.description?.value ?? '';
    const match = live.find((entry) => !claimed.has(entry) && contentHashOfFileName(entry.fileName) === hash);
    if (match) {
      claimed.add(match);
      match.description = description;
      result.imagesKept.push(`${language}/${imageType}/${String(match.fileName)}`);
      return match;
    }
    result.uploads.set(file.zipName, file.path);
    return { fileName: file.zipName, fileStatus: 'PendingUpload', imageType, description };
  });
  const replaced = live.filter((entry) => !claimed.has(entry));
  for (const entry of replaced) entry.fileStatus = 'PendingDelete';

  // The type's block takes the place of its first entry among the other types' entries.
  const insertAt =
    firstOfType < 0 ? others.length : images.slice(0, firstOfType).filter((entry) => !ofType(entry)).length;
  base.images = [...others.slice(0, insertAt), ...block, ...others.slice(insertAt), ...alreadyDeleted, ...replaced];
}
