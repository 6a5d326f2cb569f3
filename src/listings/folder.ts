/**
 * What a `listings` folder is (docs/contract.md "Listings folder"): its layout, the Store field each
 * file sets, and the typed structure reader.ts reads it into.
 *
 * Layout (app submissions; the Listing, BaseListing and Image resources of docs/store-api.md):
 *   <root>/default/            values for every listing language that lacks the file
 *   <root>/<language>/         one folder per listing language, lower case (en-us, de-de, ...)
 *     title.txt short-title.txt sort-title.txt voice-title.txt dev-studio.txt
 *     short-description.txt description.txt release-notes.txt copyright.txt license-terms.txt
 *     features.txt keywords.txt recommended-hardware.txt minimum-hardware.txt  (one item per line)
 *     images/<ImageType>/<name>.png   and optionally <name>.txt, that image's description
 * Add-on submissions (the add-on listing of docs/store-api.md): title.txt, description.txt and
 * icon.png per language.
 */

export type ListingKind = 'app' | 'add-on';

/** Text files of an app listing and the BaseListing field each sets. */
export const TEXT_FILES = {
  'title.txt': 'title',
  'short-title.txt': 'shortTitle',
  'sort-title.txt': 'sortTitle',
  'voice-title.txt': 'voiceTitle',
  'dev-studio.txt': 'devStudio',
  'short-description.txt': 'shortDescription',
  'description.txt': 'description',
  'release-notes.txt': 'releaseNotes',
  'copyright.txt': 'copyrightAndTrademarkInfo',
  'license-terms.txt': 'licenseTerms',
} as const;

/** List files of an app listing (one item per line) and the BaseListing field each sets. */
export const LIST_FILES = {
  'features.txt': 'features',
  'keywords.txt': 'keywords',
  'recommended-hardware.txt': 'recommendedHardware',
  'minimum-hardware.txt': 'minimumHardware',
} as const;

/** Text files of an add-on listing and the listing field each sets. */
export const ADD_ON_TEXT_FILES = { 'title.txt': 'title', 'description.txt': 'description' } as const;

export type TextField = (typeof TEXT_FILES)[keyof typeof TEXT_FILES];
export type ListField = (typeof LIST_FILES)[keyof typeof LIST_FILES];

/** `imageType` values as the API names them (docs/store-api.md), the names of `images/` subfolders. */
export const IMAGE_TYPES: readonly string[] = [
  'Screenshot',
  'MobileScreenshot',
  'XboxScreenshot',
  'SurfaceHubScreenshot',
  'HoloLensScreenshot',
  'StoreLogo9x16',
  'StoreLogoSquare',
  'Icon',
  'PromotionalArt16x9',
  'PromotionalArtwork2400X1200',
  'XboxBrandedKeyArt',
  'XboxTitledHeroArt',
  'XboxFeaturedPromotionalArt',
  'SquareIcon358X358',
  'BackgroundImage1000X800',
  'PromotionalArtwork414X180',
];

/** The folder with values for every language. */
export const DEFAULT_FOLDER = 'default';

/** A value and the file it came from (its path as the user gave the listings folder, for messages). */
export interface SourcedText {
  value: string;
  file: string;
}

export interface SourcedList {
  items: string[];
  file: string;
}

/** A PNG file of the folder. */
export interface ImageFile {
  /** File name, e.g. `01-library.png`. */
  name: string;
  /** For messages: the path under the listings folder as given, e.g. `store/listings/en-us/images/Screenshot/01-library.png`. */
  file: string;
  /** Absolute real path, inside the listings folder: what the zip builder reads. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
  /** The entry name the action gives it in the upload zip; see contentHashOfFileName (apply.ts). */
  zipName: string;
  /** From the `.txt` of the same name, when there is one. */
  description?: SourcedText;
  /** From the PNG header. */
  width: number;
  height: number;
}

/** One language folder (or `default/`). */
export interface LanguageFolder {
  /** The folder name: a language code such as `en-us`, or `default`. */
  language: string;
  /** For messages: the folder's path as given. */
  folder: string;
  texts: Partial<Record<TextField, SourcedText>>;
  lists: Partial<Record<ListField, SourcedList>>;
  /** Image types that have a folder, each with its images in file-name order (possibly none). */
  images: Map<string, ImageFile[]>;
  /** Add-ons: icon.png. */
  icon?: ImageFile;
}

export interface ListingsFolder {
  kind: ListingKind;
  /** The folder's path as given (for messages). */
  root: string;
  /** Its real path. */
  realRoot: string;
  defaults?: LanguageFolder;
  /** Language folders in name order. */
  languages: LanguageFolder[];
}

/** Something wrong with one file or folder of the listings folder. */
export interface ListingProblem {
  /** The file or folder, as a path under the listings folder as given. */
  file: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export interface ReadListingsResult {
  folder: ListingsFolder;
  problems: ListingProblem[];
  warnings: ListingProblem[];
}

/** Hex characters of the content hash in an image's zip name. */
export const CONTENT_HASH_LENGTH = 12;
