/**
 * Finds every file the submission will upload, before anything is changed in the Store: the
 * package globs, and each file the submission JSON marks PendingUpload, looked up under
 * `content-root`. A missing or empty file, an unsafe or duplicate zip name, a glob that matches
 * nothing, or a file whose real path (symbolic links followed) leaves the folder the input points
 * at fails here, naming the input: files are read only where the user pointed.
 */
import { statSync } from 'node:fs';
import { glob } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { hashFile } from '../listings/png.js';
import type { JsonObject } from '../json.js';
import { PACKAGE_EXTENSIONS, packageFormat, packageKey } from '../packages/names.js';
import { isInside, realPath, realPlace } from '../paths.js';
import type { KindDescriptor } from '../store/kinds.js';
import { pendingUploads, zipNameProblems } from '../submission/files.js';
import { toZipName, zipEntryNameProblem } from '../zip-name.js';

export interface FileToUpload {
  /** Path inside the zip (forward slashes). */
  name: string;
  /** Absolute path on disk. */
  path: string;
  size: number;
}

/** Whether `file` (a link followed) is a file; false for a broken link. */
function isFileAt(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The folder part of an absolute glob pattern before its first wildcard segment: where it points. */
function literalBase(absolutePattern: string): string {
  // The glob takes '\' as a folder separator on every platform, so both separate segments here.
  const segments = absolutePattern.split(/[\\/]/);
  const firstWild = segments.findIndex((segment) => /[*?[{]/.test(segment));
  const kept = firstWild === -1 ? segments.slice(0, -1) : segments.slice(0, firstWild);
  return path.resolve(kept.join('/') || '/');
}

/** The most patterns one glob may expand to: far more than any build's output needs. */
const MAX_GLOB_PATTERNS = 1000;

/** Nesting of braces deeper than any glob needs: counted as too many rather than followed. */
const MAX_BRACE_DEPTH = 50;

const NUMERIC_RANGE = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/;
const LETTER_RANGE = /^([a-zA-Z])\.\.([a-zA-Z])(?:\.\.(-?\d+))?$/;

/**
 * How many patterns the glob's brace expansion makes of `pattern` (at least as many, never fewer):
 * `{a,b}` is 2, `{1..10}` 10, groups side by side multiply, nested lists add up; `{a}` and an
 * unmatched brace are literal. Infinity for braces nested past MAX_BRACE_DEPTH. Counted without
 * expanding, in time linear in the pattern's length times its nesting: `fs.glob` expands braces
 * synchronously, so a short pattern could hold the run past its deadline before the glob started.
 */
export function globPatternCount(pattern: string): number {
  // The closing brace of each opening one that has one, matched as the expansion matches them.
  const closeOf = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '{') open.push(i);
    else if (pattern[i] === '}' && open.length > 0) closeOf.set(open.pop() as number, i);
  }
  // The patterns of pattern[start, end): the product of its brace groups' counts.
  const count = (start: number, end: number, depth: number): number => {
    if (depth > MAX_BRACE_DEPTH) return Infinity;
    let total = 1;
    for (let i = start; i < end; i++) {
      const close = closeOf.get(i);
      if (close === undefined || close >= end) continue;
      total *= group(i + 1, close, depth + 1);
      i = close;
    }
    return total;
  };
  // The patterns of one group's body pattern[start, end): its alternatives added up, or a range's length.
  const group = (start: number, end: number, depth: number): number => {
    const commas: number[] = [];
    for (let i = start; i < end; i++) {
      const close = closeOf.get(i);
      if (close !== undefined) i = close;
      else if (pattern[i] === ',') commas.push(i);
    }
    if (commas.length > 0) {
      const bounds = [start - 1, ...commas, end];
      let sum = 0;
      for (let k = 0; k + 1 < bounds.length; k++)
        sum += count((bounds[k] as number) + 1, bounds[k + 1] as number, depth);
      return sum;
    }
    const body = pattern.slice(start, end);
    const numeric = NUMERIC_RANGE.exec(body);
    const letters = numeric ? undefined : LETTER_RANGE.exec(body);
    const range = numeric
      ? [Number(numeric[1]), Number(numeric[2]), numeric[3]]
      : letters
        ? [letters[1]!.charCodeAt(0), letters[2]!.charCodeAt(0), letters[3]]
        : undefined;
    if (range) {
      const step = Math.abs(Number(range[2] ?? 1)) || 1;
      return Math.floor(Math.abs((range[1] as number) - (range[0] as number)) / step) + 1;
    }
    return count(start, end, depth);
  };
  return count(0, pattern.length, 0);
}

/** Throws InputError('packages') when `pattern` (as given; `absolute`, as globbed) expands to more than MAX_GLOB_PATTERNS patterns. */
function checkGlobCost(pattern: string, absolute: string): void {
  const patterns = globPatternCount(absolute);
  if (patterns <= MAX_GLOB_PATTERNS) return;
  const howMany = Number.isFinite(patterns) ? patterns.toLocaleString('en-US') : 'too many';
  throw new InputError(
    'packages',
    `'${pattern}' expands to ${howMany} patterns ({a,b} lists and {1..9} ranges multiply); at most ${MAX_GLOB_PATTERNS.toLocaleString('en-US')} are read. Name the files with '*' instead, e.g. out/*.msixupload.`,
  );
}

/**
 * The files (and links to files) an absolute glob pattern matches, sorted; none under a path
 * `excluded` matches. Node's own `fs.glob`: `*`, `?`, `[...]`, `{a,b}` and `**`; '/' and '\'
 * both separate folders; `*` and `**` skip names that start with '.' (name such a folder
 * literally). Not `@actions/glob`: that pulls `@actions/core` and a second undici into the run,
 * 22 MB of peak memory (bench: 157 MB against 135 MB for a 256 MiB upload).
 */
async function globFiles(absolutePattern: string, excluded: readonly string[]): Promise<string[]> {
  const matches: string[] = [];
  for await (const entry of glob(absolutePattern, { withFileTypes: true, exclude: [...excluded] })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile() || (entry.isSymbolicLink() && isFileAt(full))) matches.push(full);
  }
  return matches.sort();
}

/** The `packages` patterns made absolute (relative ones to `workspace`): those that match, and the '!' ones that leave out. */
function absolutePatterns(
  patterns: readonly string[],
  workspace: string,
): { included: { pattern: string; absolute: string }[]; excluded: string[] } {
  const absolute = (pattern: string): string => (path.isAbsolute(pattern) ? pattern : path.join(workspace, pattern));
  // Every glob is bounded before it runs: brace expansion in fs.glob is synchronous.
  for (const pattern of patterns) checkGlobCost(pattern, absolute(pattern.replace(/^!/, '')));
  return {
    included: patterns.filter((p) => !p.startsWith('!')).map((pattern) => ({ pattern, absolute: absolute(pattern) })),
    excluded: patterns.filter((p) => p.startsWith('!')).map((p) => absolute(p.slice(1))),
  };
}

/**
 * The file names of the package files the `packages` globs (relative to `workspace`) match here,
 * '!' patterns leaving theirs out, sorted; none when they match nothing. Unlike findPackages this
 * refuses nothing: `command: commit` only compares the names with the staged submission's.
 */
export async function packageNamesOnRunner(patterns: readonly string[], workspace: string): Promise<string[]> {
  const { included, excluded } = absolutePatterns(patterns, workspace);
  const names = new Set<string>();
  for (const { absolute } of included) {
    for (const match of await globFiles(absolute, excluded)) {
      if (packageFormat(path.basename(match)) !== undefined) names.add(path.basename(match));
    }
  }
  return [...names].sort();
}

/**
 * The package files the `packages` globs (relative to `workspace`) match, each named in the zip by
 * its file name, `size` in bytes; a pattern that starts with '!' leaves out what it matches. Throws
 * InputError('packages') for a pattern whose braces expand to more than MAX_GLOB_PATTERNS patterns
 * (checked before any glob runs), a pattern that matches nothing, a match that is not a package, is
 * empty, has a backslash in its name, or whose real path leaves the workspace (or, for a pattern
 * that points outside the workspace, the folder it points at), and for two matches with one file
 * name (saying so when they are copies with the same bytes).
 */
export async function findPackages(patterns: string[], workspace: string): Promise<FileToUpload[]> {
  const { included, excluded } = absolutePatterns(patterns, workspace);
  const found: FileToUpload[] = [];
  const realWorkspace = realPath(workspace);
  for (const { pattern, absolute } of included) {
    const matches = await globFiles(absolute, excluded);
    if (matches.length === 0) {
      const left = excluded.length > 0 ? " once the '!' patterns have left theirs out" : '';
      throw new InputError(
        'packages',
        `'${pattern}' matches no file under ${workspace}${left}; check the build output path.`,
      );
    }
    const base = literalBase(absolute);
    const root = isInside(path.resolve(base), { within: workspace }) ? realWorkspace : realPath(base);
    for (const match of matches) {
      const shown = path.relative(workspace, match);
      if (packageFormat(path.basename(match)) === undefined) {
        throw new InputError(
          'packages',
          `'${pattern}' matches ${shown}, which is not a package (${PACKAGE_EXTENSIONS.join(' ')}); narrow the pattern.`,
        );
      }
      if (path.basename(match).includes('\\')) {
        throw new InputError(
          'packages',
          `'${pattern}' matches ${shown}, whose file name contains '\\', a Windows path separator (a zip made on Windows and unpacked here can leave such names); rename the file or unpack it with a tool that makes folders.`,
        );
      }
      const real = realPath(match);
      if (!isInside(real, { within: root })) {
        throw new InputError(
          'packages',
          `'${pattern}' matches ${shown}, a symbolic link to ${real}, outside ${root === realWorkspace ? `the workspace (${workspace})` : root}. Packages are read only where 'packages' points: copy the file there instead of linking it.`,
        );
      }
      if (found.some((f) => f.path === match)) continue;
      const size = statSync(match).size;
      if (size === 0) {
        throw new InputError(
          'packages',
          `${shown} is empty (0 bytes): the build did not finish writing it, or wrote it elsewhere. Check the packaging step's output.`,
        );
      }
      found.push({ name: path.basename(match), path: match, size });
    }
  }
  const byName = new Map<string, FileToUpload[]>();
  for (const file of found) byName.set(packageKey(file.name), [...(byName.get(packageKey(file.name)) ?? []), file]);
  const clashes = [...byName.values()].filter((group) => group.length > 1);
  if (clashes.length > 0) {
    const groups = await Promise.all(clashes.map(async (group) => ({ group, copies: await sameBytes(group) })));
    const paths = (group: FileToUpload[]): string => group.map((f) => path.relative(workspace, f.path)).join(' and ');
    const described = groups.map(({ group, copies }) =>
      copies
        ? `${paths(group)} are copies of one file (the same name and the same bytes)`
        : `${paths(group)} have the same file name '${group[0]?.name}'`,
    );
    // Copies of one artifact need a narrower pattern, not new names: the Store would refuse the same version twice.
    const fixes = [
      ...(groups.some((g) => g.copies)
        ? [
            "One build arrives twice (e.g. an artifact downloaded into two folders): make the patterns match one copy only, e.g. name the folder instead of '**', or leave a copy out with a '!' pattern",
          ]
        : []),
      ...(groups.some((g) => !g.copies)
        ? [
            'Packages go into the zip by file name (compared without regard to case); give each a unique name (e.g. include the architecture), or narrow the pattern',
          ]
        : []),
    ];
    throw new InputError('packages', `${described.join('; ')}. ${fixes.join('. ')}.`);
  }
  const problems = zipNameProblems(found.map((f) => f.name));
  if (problems.length > 0) {
    throw new InputError(
      'packages',
      `${problems.join('; ')}. Packages go into the zip by file name; give each a unique name (e.g. include the architecture).`,
    );
  }
  return found;
}

/** Whether the files hold the same bytes: the same size, then the same SHA-256. */
async function sameBytes(files: readonly FileToUpload[]): Promise<boolean> {
  if (new Set(files.map((f) => f.size)).size > 1) return false;
  const digests = await Promise.all(files.map((file) => hashFile(file.path)));
  return new Set(digests).size === 1;
}

/**
 * Every file the built submission will need in the zip: the new packages as found, the images the
 * listings folder adds (`fromListings`: zip entry name -> absolute path inside the folder, as
 * buildSubmission returns them in `uploads`), and each other PendingUpload file (listing images,
 * trailers, add-on icons named by submission-json) under `content-root`. Throws
 * InputError('submission-json') for a file that is missing, or whose real path (symbolic links
 * followed) lies outside `content-root`.
 */
export function filesToUpload(
  kind: KindDescriptor,
  submission: JsonObject,
  packages: FileToUpload[],
  contentRoot: string,
  fromListings: ReadonlyMap<string, string> = new Map(),
): FileToUpload[] {
  const packagesByKey = new Map(packages.map((p) => [packageKey(p.name), p]));
  const files: FileToUpload[] = [];
  for (const pending of pendingUploads(kind, submission)) {
    const named = toZipName(pending.fileName);
    if ('problem' in named) throw new InputError('submission-json', `${pending.field}: ${named.problem}`);
    // Two listings may name one shared image: it goes into the zip once.
    if (files.some((f) => f.name === named.zipName)) continue;
    // A package entry is this run's package file when its file name is one's, whatever folder the
    // entry names: the file goes into the zip under the entry's name.
    const known = pending.isPackage ? packagesByKey.get(packageKey(named.zipName)) : undefined;
    if (known) {
      files.push({ ...known, name: named.zipName });
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
    const { real, inside } = realPlace(onDisk, contentRoot);
    if (!inside) {
      throw new InputError(
        'submission-json',
        `${pending.field} names '${pending.fileName}', which is a symbolic link to ${real}, outside content-root (${contentRoot}). Files are read only from content-root: copy the file there instead of linking it.`,
      );
    }
    files.push({ name: named.zipName, path: onDisk, size });
  }
  const problems = zipNameProblems(files.map((f) => f.name));
  if (problems.length > 0) throw new InputError('submission-json', `${problems.join('; ')}.`);
  return files;
}

/** Problems shown in one error at most; the count says how many there are in all. */
const MAX_LISTED = 5;

/**
 * A ready-made zip (`zip-path`) is uploaded as it is, so its entries must follow the rules of the
 * zips the action builds (zipEntryNameProblem: relative, '/' separators, no '..'; a directory
 * entry's one trailing '/' aside), no two may differ only in case, and it must already hold every
 * file the submission marks PendingUpload, under the same path. Checked here, before anything is
 * created, rather than by the Store's CommitFailed or MissingFiles after the commit. Throws
 * InputError('zip-path').
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
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const name = entry.name.endsWith('/') ? entry.name.slice(0, -1) : entry.name;
    const problem = zipEntryNameProblem(name);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const folded = name.toLowerCase();
    const earlier = seen.get(folded);
    if (earlier !== undefined)
      problems.push(
        `${JSON.stringify(earlier)} and ${JSON.stringify(name)} name the same file (Windows compares names case-insensitively)`,
      );
    else seen.set(folded, name);
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).join('; ');
    const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : '';
    throw new InputError(
      'zip-path',
      `${zipPath} has ${problems.length === 1 ? 'an entry' : `${problems.length} entries`} the Store cannot take: ${listed}${more}. ` +
        "Entry names must be relative paths with '/' between folders; re-create the zip, or let the action build it from 'packages' and 'content-root'.",
    );
  }
  const names = new Set(entries.map((e) => e.name));
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
