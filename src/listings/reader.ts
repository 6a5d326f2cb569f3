/**
 * Reads the `listings` folder (layout in ./folder.ts) into a ListingsFolder, with every problem
 * found. Nothing here talks to the Store.
 *
 * Names starting with '.' (.DS_Store, .gitkeep) are skipped. Other unknown files are reported as
 * warnings (more than five as one that counts them); unreadable files, non-PNG images, unknown
 * image types and anything resolving outside the folder are problems.
 *
 * Files are read only inside the folder: every entry's real path (symlinks followed) must lie
 * inside the folder's real path, and the folder itself inside `within` when given.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../errors.js';
import { isInside } from '../paths.js';
import { toZipName } from '../zip-name.js';
import {
  ADD_ON_TEXT_FILES,
  CONTENT_HASH_LENGTH,
  DEFAULT_FOLDER,
  IMAGE_TYPES,
  LIST_FILES,
  TEXT_FILES,
  type ImageFile,
  type LanguageFolder,
  type ListingKind,
  type ListingsFolder,
  type ListingProblem,
  type ReadListingsResult,
} from './folder.js';
import { readPng } from './png.js';
import { listItems, readText } from './text.js';

const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/;

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
    throw new Error(`cannot be read (${errorMessage(error)}); give a folder relative to the workspace`, {
      cause: error,
    });
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
  return { folder, problems: reader.problems, warnings: countedWarnings(reader.warnings, root) };
}

/** Ignored files warned about one by one; more than this are one warning that counts them. */
const MAX_SEPARATE_WARNINGS = 5;

/** Ignored files a counting warning names: the first with its reason, the next by name. */
const NAMED_IN_COUNT = 3;

/**
 * `warnings` as they are when there are a few, else one warning on `root` that counts them and
 * names the first NAMED_IN_COUNT: a folder of thousands of stray files must not flood the log.
 */
function countedWarnings(warnings: ListingProblem[], root: string): ListingProblem[] {
  if (warnings.length <= MAX_SEPARATE_WARNINGS) return warnings;
  const [first, ...next] = warnings.slice(0, NAMED_IN_COUNT).map((warning) => path.relative(root, warning.file));
  const more = warnings.length - NAMED_IN_COUNT;
  return [
    {
      file: root,
      message: `${warnings.length.toLocaleString('en-US')} files and folders are ignored: ${first} (${warnings[0]?.message}), ${next.join(', ')} and ${more.toLocaleString('en-US')} more`,
    },
  ];
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
      this.problem(shownDir, `cannot be listed (${errorMessage(error)})`);
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
        this.problem(shown, `cannot be resolved (${errorMessage(error)}); is it a broken link?`);
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
        this.problem(shown, `cannot be read (${errorMessage(error)})`);
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

  /** Reads an image: a .png, PNG by its signature, named in the zip by `zipBase` and its content hash. */
  private async image(entry: Listed, zipBase: string): Promise<ImageFile | undefined> {
    if (!/\.png$/i.test(entry.name)) {
      this.problem(entry.shown, 'is not a .png file; the Store takes PNG images (description files end with .txt)');
      return undefined;
    }
    const png = await readPng(entry.real);
    if ('problem' in png) {
      this.problem(entry.shown, png.problem);
      return undefined;
    }
    const zipName = `${zipBase}.${png.sha256.slice(0, CONTENT_HASH_LENGTH)}.png`;
    const zip = toZipName(zipName);
    if ('problem' in zip) {
      this.problem(entry.shown, `its name cannot be used in the upload: ${zip.problem}`);
      return undefined;
    }
    return { name: entry.name, file: entry.shown, path: entry.real, size: entry.size, zipName, ...png };
  }

  /** A text file's content (see readText), or undefined after recording its problem. */
  private async text(entry: Listed): Promise<string | undefined> {
    const read = await readText(entry.real, entry.size);
    if ('problem' in read) {
      this.problem(entry.shown, read.problem);
      return undefined;
    }
    return read.text;
  }
}

/** File-name order: by UTF-16 code units, as JavaScript compares strings (`01-a.png` < `02-b.png` < `10-c.png`). */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isTxt(name: string): boolean {
  return /\.txt$/i.test(name);
}

function baseName(name: string): string {
  return name.replace(/\.[^.]*$/, '');
}
