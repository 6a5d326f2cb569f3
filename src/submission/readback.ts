/**
 * What the Store took of a commit: the submission as read back once processing is done, compared
 * with the submission as the run committed it. The Store can drop a package in processing or leave
 * a flight's packages as they were while every status says success
 * (docs/store-api.md#what-the-store-took-after-a-commit), so the run checks the files by name, and
 * the new packages' versions where the Store reports them. Pure.
 */
import { isJsonObject, type JsonObject } from '../json.js';
import { isOlderVersion, sameVersion } from '../packages/identity.js';
import { packageKey } from '../packages/names.js';
import type { KindDescriptor } from '../store/kinds.js';
import { fileEntryKey, visitFiles, type FileState } from './files.js';

/** What the Store did wrong with one file the run added or kept. */
export type TakenProblem =
  /**
   * The run added it; the submission no longer lists it. `oldKept`: packages the run marked
   * PendingDelete that the submission lists as live again (the Store kept the old packages).
   */
  | { what: 'dropped'; fileName: string; isPackage: boolean; oldKept: readonly string[] }
  /** The run kept it; the submission no longer lists it. */
  | { what: 'removed'; fileName: string; isPackage: boolean }
  /** The submission lists it as PendingDelete, though the run added or kept it. */
  | { what: 'marked-deleted'; fileName: string; isPackage: boolean; added: boolean }
  /**
   * A new package the Store lists with another version than its manifest gives (`expected`: the
   * versions that count, e.g. a bundle's and its packages'); `older` when the reported one is older
   * than each of them: the Store kept the old package under the new name.
   */
  | {
      what: 'other-version';
      fileName: string;
      isPackage: true;
      reported: string;
      expected: readonly string[];
      older: boolean;
    };

/** The outcome of checkTaken. */
export interface TakenCheck {
  /** File names the run added (PendingUpload when committed, or this run's new packages), each once. */
  added: string[];
  /** File names the run kept (committed neither PendingUpload nor PendingDelete), each once. */
  kept: string[];
  problems: TakenProblem[];
  /** New packages the Store lists without a version yet (not read yet, or a type it reports none for). */
  versionNotReported: string[];
}

interface CommittedFile {
  fileName: string;
  isPackage: boolean;
  added: boolean;
}

/**
 * Compares `taken` (the submission read back after processing) with `committed` (the submission as
 * the run committed it, or found it committed when it continues an earlier attempt). Every file of
 * `committed` not marked PendingDelete (packages, listing images, trailers, add-on icons) must be
 * listed in `taken`, not as PendingDelete; files are told apart as fileEntryKey does. `newPackages`:
 * this run's new packages by file name (any folder, any case), each with the versions its manifest
 * gives (empty when it was not read); they count as added even where `committed` misses them, and
 * where `taken` reports a version it must be one of them. Never throws.
 */
export function checkTaken(
  kind: KindDescriptor,
  committed: JsonObject,
  taken: JsonObject,
  newPackages: ReadonlyMap<string, readonly string[]>,
): TakenCheck {
  const versionsOf = new Map([...newPackages].map(([name, versions]) => [packageKey(name), versions]));
  const expected = new Map<string, CommittedFile>();
  const markedDeleted = new Map<string, string>();
  visitFiles(kind, committed, (fileName, _field, isPackage, state) => {
    if (typeof fileName !== 'string') return;
    if (state === 'deleted') {
      if (isPackage) markedDeleted.set(fileEntryKey(fileName, true), fileName);
      return;
    }
    const key = fileEntryKey(fileName, isPackage);
    const added = state === 'pending' || (isPackage && versionsOf.has(packageKey(fileName)));
    const known = expected.get(key);
    expected.set(key, { fileName: known?.fileName ?? fileName, isPackage, added: added || (known?.added ?? false) });
  });
  for (const name of newPackages.keys()) {
    const key = fileEntryKey(name, true);
    if (!expected.has(key)) expected.set(key, { fileName: name, isPackage: true, added: true });
  }

  const listed = new Map<string, FileState>();
  visitFiles(kind, taken, (fileName, _field, isPackage, state) => {
    if (typeof fileName !== 'string') return;
    const key = fileEntryKey(fileName, isPackage);
    // A live entry counts over a PendingDelete one of the same name (an old package the new one replaces).
    if (listed.get(key) === undefined || state !== 'deleted') listed.set(key, state);
  });
  const reported = reportedVersions(kind, taken);
  const oldKept = [...markedDeleted]
    .filter(([key]) => !expected.has(key) && listed.has(key) && listed.get(key) !== 'deleted')
    .map(([, fileName]) => fileName);

  const check: TakenCheck = { added: [], kept: [], problems: [], versionNotReported: [] };
  for (const [key, file] of expected) {
    const { fileName, isPackage, added } = file;
    (added ? check.added : check.kept).push(fileName);
    const state = listed.get(key);
    if (state === undefined) {
      check.problems.push(
        added
          ? { what: 'dropped', fileName, isPackage, oldKept: isPackage ? oldKept : [] }
          : { what: 'removed', fileName, isPackage },
      );
      continue;
    }
    if (state === 'deleted') {
      check.problems.push({ what: 'marked-deleted', fileName, isPackage, added });
      continue;
    }
    const versions = isPackage && added ? (versionsOf.get(packageKey(fileName)) ?? []) : [];
    if (versions.length === 0) continue;
    const version = reported.get(packageKey(fileName));
    if (version === undefined) {
      check.versionNotReported.push(fileName);
    } else if (!versions.some((one) => sameVersion(one, version))) {
      check.problems.push({
        what: 'other-version',
        fileName,
        isPackage: true,
        reported: version,
        expected: versions,
        older: versions.every((one) => isOlderVersion(version, one)),
      });
    }
  }
  return check;
}

/** The version the Store reports for each live package entry, by packageKey; entries without one are left out. */
function reportedVersions(kind: KindDescriptor, submission: JsonObject): Map<string, string> {
  const versions = new Map<string, string>();
  const entries = kind.packagesField ? submission[kind.packagesField] : undefined;
  if (!Array.isArray(entries)) return versions;
  for (const entry of entries) {
    if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete' || typeof entry.fileName !== 'string') continue;
    if (typeof entry.version === 'string' && entry.version.trim() !== '')
      versions.set(packageKey(entry.fileName), entry.version.trim());
  }
  return versions;
}

/** One problem as a sentence about its file, saying what the Store did, e.g. `App_2.0.0.0_x64.msixupload: the Store dropped it ...`. */
export function describeTakenProblem(problem: TakenProblem): string {
  const what = problem.isPackage ? 'package' : 'file';
  switch (problem.what) {
    case 'dropped':
      return (
        `${problem.fileName}: the Store dropped it in processing (the submission no longer lists this ${what}, which this run added)` +
        (problem.oldKept.length
          ? ` and kept the old package${problem.oldKept.length > 1 ? 's' : ''} ${problem.oldKept.join(', ')}, which this run marked PendingDelete`
          : '')
      );
    case 'removed':
      return `${problem.fileName}: the Store removed it (the submission no longer lists this ${what}, which this run kept)`;
    case 'marked-deleted':
      return `${problem.fileName}: the Store marked it PendingDelete, though this run ${problem.added ? 'added' : 'kept'} it`;
    case 'other-version':
      return problem.older
        ? `${problem.fileName}: the Store kept the old version: it lists ${problem.reported}, while the package's manifest gives ${problem.expected.join(' or ')}`
        : `${problem.fileName}: the Store lists version ${problem.reported}, while the package's manifest gives ${problem.expected.join(' or ')}`;
  }
}
