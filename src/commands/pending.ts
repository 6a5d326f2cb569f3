/**
 * What a run does about the product's pending submission (the Store allows one at a time), decided
 * from what the Store shows, so it works without any record of earlier runs (docs/contract.md "Across
 * runs"). Pure: the submit command acts on the decision.
 */
import { isJsonObject, type JsonObject } from '../json.js';
import type { KindDescriptor } from '../store/kinds.js';
import { fileEntryKey, liveFiles } from '../submission/files.js';

/** Statuses in which a submission can still be changed and committed by the API. */
const NOT_YET_COMMITTED = new Set(['PendingCommit', 'CommitFailed']);

export type PendingDecision =
  /** No pending submission: create one. */
  | { action: 'create' }
  /** The same work from an earlier attempt: update, upload and commit it again. */
  | { action: 'continue'; submission: JsonObject }
  /** The same work, already committed: only wait for it. */
  | { action: 'wait'; submission: JsonObject }
  /** Another piece of work, and `on-pending: delete` may delete it. */
  | { action: 'delete'; submissionId: string }
  /** Another piece of work that this run must not touch: `message` says why and what to do. */
  | { action: 'stop'; message: string };

/** A submission created through the API carries an upload URL; one made in Partner Center has none (docs/store-api.md, the zip upload). */
export function createdThroughApi(submission: JsonObject): boolean {
  return typeof submission.fileUploadUrl === 'string' && submission.fileUploadUrl !== '';
}

export function submissionStatus(submission: JsonObject): string {
  return typeof submission.status === 'string' ? submission.status : 'Unknown';
}

/** The file names of a submission's package entries that are not marked PendingDelete. */
export function livePackageNames(kind: KindDescriptor, submission: JsonObject): string[] {
  const entries = kind.packagesField ? submission[kind.packagesField] : undefined;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry) =>
    isJsonObject(entry) && typeof entry.fileName === 'string' && entry.fileStatus !== 'PendingDelete'
      ? [entry.fileName]
      : [],
  );
}

/** A file this run adds: its zip entry name, and whether it is a package. */
export interface AddedFile {
  zipName: string;
  isPackage: boolean;
}

/** Files shown in a reason at most; the count says how many there are in all. */
const MAX_NAMED = 3;

/**
 * Why `pending` is not this run's work, or undefined when it is: created through the API and
 * already listing every file this run adds (`added`: packages, listing images with their content
 * hash in the name, trailers, icons; at least one, since a run that adds no file cannot tell its
 * work from another's), in any state but PendingDelete.
 */
function notThisWork(kind: KindDescriptor, pending: JsonObject, added: readonly AddedFile[]): string | undefined {
  if (!createdThroughApi(pending))
    return 'it was made in Partner Center, and this run makes its submissions through the API';
  if (added.length === 0)
    return 'this run adds no file (no package, image or trailer), so nothing shows the submission is its work';
  const listed = new Set(liveFiles(kind, pending).map((file) => fileEntryKey(file.fileName, file.isPackage)));
  const missing = added
    .filter((file) => !listed.has(fileEntryKey(file.zipName, file.isPackage)))
    .map((file) => file.zipName);
  if (missing.length === 0) return undefined;
  const more = missing.length > MAX_NAMED ? ` and ${missing.length - MAX_NAMED} more` : '';
  return `it does not list ${missing.slice(0, MAX_NAMED).join(', ')}${more} of the ${added.length} file(s) this run adds`;
}

/**
 * The decision for a pending submission, given the files this run adds (what it marks
 * PendingUpload on the last published submission) and `on-pending`. It is this run's own work
 * from an earlier attempt when notThisWork finds no reason against it; otherwise the message
 * gives the reason that applies.
 */
export function decidePending(
  kind: KindDescriptor,
  pending: JsonObject | undefined,
  added: readonly AddedFile[],
  onPending: 'fail' | 'delete',
  product: string,
): PendingDecision {
  if (!pending) return { action: 'create' };
  const id = String(pending.id);
  const status = submissionStatus(pending);
  const byApi = createdThroughApi(pending);
  const reason = notThisWork(kind, pending, added);
  if (reason === undefined) {
    return NOT_YET_COMMITTED.has(status)
      ? { action: 'continue', submission: pending }
      : { action: 'wait', submission: pending };
  }
  const what = `The ${product} already has a pending submission ${id} (${status}, created ${byApi ? 'through the API' : 'in Partner Center'}), and it is not this run's work (${reason}). The Store allows one pending submission at a time`;
  if (!NOT_YET_COMMITTED.has(status)) {
    return {
      action: 'stop',
      message: `${what}. It is already committed and being processed, which the API cannot undo or delete: wait for it to finish (follow it with 'command: status' or in Partner Center), or cancel it in Partner Center, then run again.`,
    };
  }
  if (!byApi) {
    return {
      action: 'stop',
      message: `${what}. The API can only delete submissions it created, so ${onPending === 'delete' ? "'on-pending: delete' cannot remove it" : "'on-pending: delete' would not help"}: delete it in Partner Center, then run again.`,
    };
  }
  if (onPending === 'fail') {
    return {
      action: 'stop',
      message: `${what}: delete it in Partner Center, or set 'on-pending: delete' to have the action delete it.`,
    };
  }
  return { action: 'delete', submissionId: id };
}
