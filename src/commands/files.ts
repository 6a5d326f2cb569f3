/**
 * Finds every file the submission will upload, before anything is changed in the Store: the
 * package globs, and each file the submission JSON marks PendingUpload, looked up under
 * `content-root`. A missing file, an unsafe or duplicate zip name, or a glob that matches nothing
 * fails here, naming the input.
 */
import * as glob from '@actions/glob';
import { statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { KindDescriptor } from '../store/kinds.js';
import { pendingUploads, zipNameProblems } from '../submission/files.js';
import { toZipName } from '../zip-name.js';

/** The file types the `packages` input takes. */
export const PACKAGE_EXTENSIONS = ['.msixupload', '.appxupload', '.msix', '.msixbundle', '.appx', '.appxbundle', '.xap'];

export interface FileToUpload {
  /** Path inside the zip (forward slashes). */
  name: string;
  /** Absolute path on disk. */
  path: string;
  size: number;
}

/** The package files the `packages` globs (relative to `workspace`) match, each named in the zip by its file name. */
export async function findPackages(patterns: string[], workspace: string): Promise<FileToUpload[]> {
  if (patterns.length === 0) return [];
  const found: FileToUpload[] = [];
  for (const pattern of patterns) {
    const absolute = path.isAbsolute(pattern) || pattern.startsWith('!') ? pattern : path.join(workspace, pattern);
    const globber = await glob.create(absolute, { matchDirectories: false, implicitDescendants: false });
    const matches = (await globber.glob()).sort();
    if (matches.length === 0 && !pattern.startsWith('!')) {
      throw new InputError('packages', `'${pattern}' matches no file under ${workspace}; check the build output path.`);
    }
    for (const match of matches) {
      if (!PACKAGE_EXTENSIONS.includes(path.extname(match).toLowerCase())) {
        throw new InputError('packages', `'${pattern}' matches ${path.relative(workspace, match)}, which is not a package (${PACKAGE_EXTENSIONS.join(' ')}); narrow the pattern.`);
      }
      if (!found.some((f) => f.path === match)) {
        found.push({ name: path.basename(match), path: match, size: statSync(match).size });
      }
    }
  }
  const problems = zipNameProblems(found.map((f) => f.name));
  if (problems.length > 0) {
    throw new InputError('packages', `${problems.join('; ')}. Packages go into the zip by file name; give each a unique name (e.g. include the architecture).`);
  }
  return found;
}

/**
 * Every file the built submission will need in the zip: the new packages as found, the images the
 * listings folder adds (`fromListings`: zip entry name -> absolute path inside the folder, as
 * buildSubmission returns them in `uploads`), and each other PendingUpload file (listing images,
 * trailers, add-on icons named by submission-json) under `content-root`.
 */
export function filesToUpload(
  kind: KindDescriptor,
  submission: JsonObject,
  packages: FileToUpload[],
  contentRoot: string,
  fromListings: ReadonlyMap<string, string> = new Map(),
): FileToUpload[] {
  const byName = new Map(packages.map((p) => [p.name.toLowerCase(), p]));
  const files: FileToUpload[] = [];
  for (const pending of pendingUploads(kind, submission)) {
    const named = toZipName(pending.fileName);
    if ('problem' in named) throw new InputError('submission-json', `${pending.field}: ${named.problem}`);
    // Two listings may name one shared image: it goes into the zip once.
    if (files.some((f) => f.name === named.zipName)) continue;
    const known = byName.get(named.zipName.toLowerCase());
    if (known) {
      files.push(known);
      continue;
    }
    const listingImage = fromListings.get(named.zipName);
    if (listingImage !== undefined) {
      files.push({ name: named.zipName, path: listingImage, size: statSync(listingImage).size });
      continue;
    }
    const onDisk = path.join(contentRoot, ...named.zipName.split('/'));
    let size: number;
    try {
      const stat = statSync(onDisk);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      throw new InputError(
        'submission-json',
        `${pending.field} names '${pending.fileName}' with fileStatus PendingUpload, but ${onDisk} does not exist. Put the file there, or set 'content-root' to the folder file names are relative to.`,
      );
    }
    files.push({ name: named.zipName, path: onDisk, size });
  }
  const problems = zipNameProblems(files.map((f) => f.name));
  if (problems.length > 0) throw new InputError('submission-json', `${problems.join('; ')}.`);
  return files;
}

/**
 * A ready-made zip (`zip-path`) is uploaded as it is, so it must already hold every file the
 * submission marks PendingUpload, under the same path: checked here rather than by the Store's
 * MissingFiles after the commit.
 */
export async function checkReadyZip(kind: KindDescriptor, submission: JsonObject, zipPath: string): Promise<void> {
  let entries: { name: string }[];
  try {
    // The zip reader loads only when a ready-made zip is checked, not on the action's cold start.
    const { listZipEntries } = await import('../upload/zipinfo.js');
    entries = await listZipEntries(zipPath);
  } catch (error) {
    throw new InputError('zip-path', `${zipPath} cannot be read as a zip (${(error as Error).message}).`);
  }
  const names = new Set(entries.map((e) => e.name.replace(/\\/g, '/')));
  const missing = pendingUploads(kind, submission).filter((pending) => {
    const named = toZipName(pending.fileName);
    return !('zipName' in named) || !names.has(named.zipName);
  });
  if (missing.length > 0) {
    throw new InputError(
      'zip-path',
      `${zipPath} has no entry for ${missing.map((m) => `'${m.fileName}' (${m.field})`).join(', ')}, marked PendingUpload in the submission. ` +
        'Every fileName must be the path of a file inside the zip.',
    );
  }
}
