/**
 * Reading the `listings` folder (interface.md "Listings folder") into a typed structure, and
 * checking it against the Store's limits. Nothing here talks to the Store.
 *
 * Layout (app submissions; store-api.md §3 BaseListing and Image):
 *   <root>/default/            values for every listing language that lacks the file
 *   <root>/<language>/         one folder per listing language, lower case (en-us, de-de, ...)
 *     title.txt short-title.txt sort-title.txt voice-title.txt dev-studio.txt
 *     short-description.txt description.txt release-notes.txt copyright.txt license-terms.txt
 *     features.txt keywords.txt recommended-hardware.txt minimum-hardware.txt  (one item per line)
 *     images/<ImageType>/<name>.png   and optionally <name>.txt, that image's description
 * Add-on submissions (store-api.md §6.4): title.txt, description.txt and icon.png per language.
 *
 * Text files are UTF-8 (a BOM is dropped), CRLF or LF, trimmed; list files give one item per
 * non-blank line, each trimmed. Names starting with '.' (.DS_Store, .gitkeep) are skipped. Other
 * unknown files are reported as warnings; unreadable files, non-PNG images, unknown image types and
 * anything resolving outside the folder are problems.
 *
 * Files are read only inside the folder: every entry's real path (symlinks followed) must lie
 * inside the folder's real path, and the folder itself inside `within` when given.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../paths.js';
import { toZipName } from '../zip-name.js';

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

/** `imageType` values of store-api.md §3 (as the API names them), the names of `images/` subfolders. */
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

/** Text files larger than this are refused unread: no Store field holds that much. */
export const MAX_TEXT_FILE_BYTES = 256 * 1024;

const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads the listings folder at `root` (a path as the user gave it, resolved against the current
 * directory) for an app or add-on submission.
 * - `within`: when given, the folder's real path must lie inside this folder's real path (the
 *   workspace or content root).
 *
 * Returns the parsed folder with every problem and warning found (each naming its file); reading
 * goes on after a problem so all of them are reported at once. Throws only when the folder itself
 * is missing, is not a folder, or lies outside `within` (an Error saying which).
 */
export async function readListingsFolder(
  root: string,
  kind: ListingKind,
  options: { within?: string } = {},
): Promise<ReadListingsResult> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    throw new Error(`cannot be read (${messageOf(error)}); give a folder relative to the workspace`, { cause: error });
  }
  if (!(await stat(realRoot)).isDirectory()) throw new Error('is a file, not a folder of listing language folders');
  if (options.within !== undefined) {
    const realWithin = await realpath(options.within);
    if (!isInside(realRoot, { within: realWithin })) {
      throw new Error(`resolves to ${realRoot}, outside ${realWithin}; keep the listings folder inside the workspace`);
    }
  }

  const reader = new FolderReader(root, realRoot, kind);
  const folder: ListingsFolder = { kind, root, realRoot, languages: [] };
  for (const entry of await reader.list(realRoot, root)) {
    if (entry.kind !== 'directory') continue; // A README beside the language folders is fine.
    if (entry.name === DEFAULT_FOLDER) {
      folder.defaults = await reader.language(entry);
    } else if (LANGUAGE.test(entry.name)) {
      folder.languages.push(await reader.language(entry));
    } else {
      const lower = entry.name.toLowerCase();
      reader.problem(
        entry.shown,
        LANGUAGE.test(lower)
          ? `language folders are lower case: rename it to ${lower}`
          : `is not a language code such as en-us or de-de (or ${DEFAULT_FOLDER})`,
      );
    }
  }
  return { folder, problems: reader.problems, warnings: reader.warnings };
}

interface Listed {
  name: string;
  kind: 'file' | 'directory';
  /** Real path, inside the root. */
  real: string;
  /** Path for messages. */
  shown: string;
  size: number;
}

class FolderReader {
  readonly problems: ListingProblem[] = [];
  readonly warnings: ListingProblem[] = [];

  constructor(
    private readonly root: string,
    private readonly realRoot: string,
    private readonly kind: ListingKind,
  ) {}

  problem(file: string, message: string): void {
    this.problems.push({ file, message });
  }

  warning(file: string, message: string): void {
    this.warnings.push({ file, message });
  }

  /** Entries of a folder in name order, symlinks resolved; anything outside the root is a problem. */
  async list(realDir: string, shownDir: string): Promise<Listed[]> {
    let names: string[];
    try {
      names = await readdir(realDir);
    } catch (error) {
      this.problem(shownDir, `cannot be listed (${messageOf(error)})`);
      return [];
    }
    const listed: Listed[] = [];
    for (const name of names.sort(compareNames)) {
      if (name.startsWith('.')) continue;
      const shown = path.join(shownDir, name);
      let real: string;
      try {
        real = await realpath(path.join(realDir, name));
      } catch (error) {
        this.problem(shown, `cannot be resolved (${messageOf(error)}); is it a broken link?`);
        continue;
      }
      if (!isInside(real, { within: this.realRoot })) {
        this.problem(
          shown,
          `resolves to ${real}, outside the listings folder ${this.root}; only files inside it are read`,
        );
        continue;
      }
      if (real === this.realRoot) {
        this.problem(shown, `is a link to the listings folder ${this.root} itself; link a folder inside it instead`);
        continue;
      }
      let info;
      try {
        info = await stat(real);
      } catch (error) {
        this.problem(shown, `cannot be read (${messageOf(error)})`);
        continue;
      }
      if (info.isDirectory()) listed.push({ name, kind: 'directory', real, shown, size: 0 });
      else if (info.isFile()) listed.push({ name, kind: 'file', real, shown, size: info.size });
      else this.problem(shown, 'is neither a file nor a folder');
    }
    return listed;
  }

  async language(folder: Listed): Promise<LanguageFolder> {
    const language: LanguageFolder = {
      language: folder.name,
      folder: folder.shown,
      texts: {},
      lists: {},
      images: new Map(),
    };
    for (const entry of await this.list(folder.real, folder.shown)) {
      if (this.kind === 'add-on') await this.addOnEntry(language, entry);
      else await this.appEntry(language, entry);
    }
    return language;
  }

  private async appEntry(language: LanguageFolder, entry: Listed): Promise<void> {
    if (entry.kind === 'directory' && entry.name === 'images') {
      await this.images(language, entry);
      return;
    }
    if (entry.kind === 'file' && Object.hasOwn(TEXT_FILES, entry.name)) {
      const text = await this.text(entry);
      if (text !== undefined)
        language.texts[TEXT_FILES[entry.name as keyof typeof TEXT_FILES]] = { value: text, file: entry.shown };
      return;
    }
    if (entry.kind === 'file' && Object.hasOwn(LIST_FILES, entry.name)) {
      const text = await this.text(entry);
      if (text !== undefined)
        language.lists[LIST_FILES[entry.name as keyof typeof LIST_FILES]] = {
          items: listItems(text),
          file: entry.shown,
        };
      return;
    }
    this.warning(
      entry.shown,
      `ignored: a listing folder holds ${[...Object.keys(TEXT_FILES), ...Object.keys(LIST_FILES)].join(', ')} and images/`,
    );
  }

  private async addOnEntry(language: LanguageFolder, entry: Listed): Promise<void> {
    if (entry.kind === 'file' && Object.hasOwn(ADD_ON_TEXT_FILES, entry.name)) {
      const text = await this.text(entry);
      const field = ADD_ON_TEXT_FILES[entry.name as keyof typeof ADD_ON_TEXT_FILES];
      if (text !== undefined) language.texts[field] = { value: text, file: entry.shown };
      return;
    }
    if (entry.kind === 'file' && entry.name === 'icon.png') {
      const icon = await this.image(entry, `listings/${language.language}/icon`);
      if (!icon) return;
      if (icon.width !== 300 || icon.height !== 300) {
        this.problem(entry.shown, `is ${icon.width}x${icon.height} pixels; an add-on icon must be exactly 300x300`);
      }
      language.icon = icon;
      return;
    }
    this.warning(entry.shown, 'ignored: an add-on listing folder holds title.txt, description.txt and icon.png');
  }

  private async images(language: LanguageFolder, folder: Listed): Promise<void> {
    for (const typeFolder of await this.list(folder.real, folder.shown)) {
      if (typeFolder.kind !== 'directory') {
        this.warning(typeFolder.shown, 'ignored: images/ holds one folder per image type, e.g. images/Screenshot/');
        continue;
      }
      const imageType = IMAGE_TYPES.find((type) => type === typeFolder.name);
      if (!imageType) {
        const meant = IMAGE_TYPES.find((type) => type.toLowerCase() === typeFolder.name.toLowerCase());
        this.problem(
          typeFolder.shown,
          meant
            ? `image type names are case-sensitive: rename it to ${meant}`
            : `is not an image type; use one of ${IMAGE_TYPES.join(', ')}`,
        );
        continue;
      }
      const entries = await this.list(typeFolder.real, typeFolder.shown);
      const files = entries.filter((entry) => entry.kind === 'file');
      for (const entry of entries)
        if (entry.kind === 'directory') this.warning(entry.shown, 'ignored: image folders hold files only');
      const descriptions = new Map(files.filter((file) => isTxt(file.name)).map((file) => [baseName(file.name), file]));
      const images: ImageFile[] = [];
      for (const file of files.filter((entry) => !isTxt(entry.name))) {
        const base = baseName(file.name);
        const image = await this.image(file, `listings/${language.language}/${imageType}/${base}`);
        const describing = descriptions.get(base);
        descriptions.delete(base);
        if (!image) continue;
        if (describing) {
          const text = await this.text(describing);
          if (text !== undefined) image.description = { value: text, file: describing.shown };
        }
        images.push(image);
      }
      for (const orphan of descriptions.values()) {
        this.problem(orphan.shown, `describes no image: name it after its image (${baseName(orphan.name)}.png)`);
      }
      language.images.set(imageType, images);
    }
  }

  /** Reads an image: PNG by its signature, its size from the header, its SHA-256 streamed. */
  private async image(entry: Listed, zipBase: string): Promise<ImageFile | undefined> {
    if (!/\.png$/i.test(entry.name)) {
      this.problem(entry.shown, 'is not a .png file; the Store takes PNG images (description files end with .txt)');
      return undefined;
    }
    let header: Buffer;
    try {
      const handle = await open(entry.real, 'r');
      try {
        header = Buffer.alloc(24);
        const { bytesRead } = await handle.read(header, 0, 24, 0);
        header = header.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (error) {
      this.problem(entry.shown, `cannot be read (${messageOf(error)})`);
      return undefined;
    }
    // The signature, then the IHDR chunk: length 13, type, width and height (big-endian).
    if (
      header.length < 24 ||
      !header.subarray(0, 8).equals(PNG_SIGNATURE) ||
      header.toString('latin1', 12, 16) !== 'IHDR'
    ) {
      this.problem(entry.shown, 'is not a PNG image (its first bytes are not the PNG signature); export it as PNG');
      return undefined;
    }
    let sha256: string;
    try {
      sha256 = await hashFile(entry.real);
    } catch (error) {
      this.problem(entry.shown, `cannot be read (${messageOf(error)})`);
      return undefined;
    }
    const zipName = `${zipBase}.${sha256.slice(0, CONTENT_HASH_LENGTH)}.png`;
    const zipProblem = zipNameProblem(zipName);
    if (zipProblem) {
      this.problem(entry.shown, `its name cannot be used in the upload: ${zipProblem}`);
      return undefined;
    }
    return {
      name: entry.name,
      file: entry.shown,
      path: entry.real,
      size: entry.size,
      sha256,
      zipName,
      width: header.readUInt32BE(16),
      height: header.readUInt32BE(20),
    };
  }

  /** A text file's content: UTF-8 without BOM, LF line ends, trimmed. */
  private async text(entry: Listed): Promise<string | undefined> {
    if (entry.size > MAX_TEXT_FILE_BYTES) {
      this.problem(entry.shown, `is ${entry.size} bytes; no Store field holds more than ${MAX_TEXT_FILE_BYTES} bytes`);
      return undefined;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(entry.real);
    } catch (error) {
      this.problem(entry.shown, `cannot be read (${messageOf(error)})`);
      return undefined;
    }
    try {
      return decodeText(bytes);
    } catch {
      this.problem(entry.shown, 'is not UTF-8 text; save it as UTF-8');
      return undefined;
    }
  }
}

/** Hex characters of the content hash in an image's zip name. */
export const CONTENT_HASH_LENGTH = 12;

/** UTF-8 (strict) without BOM, CRLF and CR turned into LF, surrounding white space trimmed. Throws TypeError on invalid UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n?/g, '\n').trim();
}

/** Items of a list file: each non-blank line, trimmed. */
export function listItems(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** File-name order: by UTF-16 code units, as JavaScript compares strings (`01-a.png` < `02-b.png` < `10-c.png`). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function zipNameProblem(name: string): string | undefined {
  const zip = toZipName(name);
  return 'problem' in zip ? zip.problem : undefined;
}

function isTxt(name: string): boolean {
  return /\.txt$/i.test(name);
}

function baseName(name: string): string {
  return name.replace(/\.[^.]*$/, '');
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** An error's message; also for errors from another realm (Node's fs errors under a VM), which fail instanceof. */
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
