import { isDeepStrictEqual } from 'node:util';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { KindDescriptor } from '../store/kinds.js';
import { READ_ONLY_FIELDS, ownValue } from './merge.js';
import { childPath } from './path.js';

/** What a dry run shows: how the submission to send differs from the last published one. */
export interface SubmissionDiff {
  /** File names of package entries that would be uploaded (PendingUpload). */
  packagesAdded: string[];
  /** File names of package entries newly marked PendingDelete. */
  packagesMarkedForDeletion: string[];
  /** Keys of `listings` (languages) that were added, removed or changed. */
  listingsTouched: string[];
  /** Every changed leaf; arrays other than the packages are compared, and reported, whole. */
  changes: { path: string; before: JsonValue | undefined; after: JsonValue | undefined }[];
}

/**
 * A field-level diff between the last published submission and the one that would be sent, with
 * paths like `listings.en-us.baseListing.releaseNotes` or `targetPublishMode`. The package array is
 * summarised in packagesAdded / packagesMarkedForDeletion instead of element by element.
 */
export function diffSubmissions(kind: KindDescriptor, before: JsonObject, after: JsonObject): SubmissionDiff {
  const changes: SubmissionDiff['changes'] = [];
  for (const key of unionKeys(before, after)) {
    if (READ_ONLY_FIELDS.includes(key) || key === kind.packagesField) continue;
    diffValue(ownValue(before, key), ownValue(after, key), childPath('', key), changes);
  }
  const packages = kind.packagesField
    ? summarisePackages(before[kind.packagesField], after[kind.packagesField])
    : { packagesAdded: [], packagesMarkedForDeletion: [] };
  return { ...packages, listingsTouched: touchedKeys(before.listings, after.listings), changes };
}

/**
 * Whether a diff shows nothing sent that the last published submission lacks: no field changed, no
 * package added or marked PendingDelete. A carried-over gradual rollout that the run switches off
 * does not count unless `rolloutAsked` (the run set a rollout itself).
 */
export function isUnchanged(diff: SubmissionDiff, rolloutAsked: boolean): boolean {
  const changed = diff.changes.filter(
    (change) => rolloutAsked || !change.path.startsWith('packageDeliveryOptions.packageRollout'),
  );
  return changed.length === 0 && diff.packagesAdded.length === 0 && diff.packagesMarkedForDeletion.length === 0;
}

function diffValue(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  path: string,
  changes: SubmissionDiff['changes'],
): void {
  if (isDeepStrictEqual(before, after)) return;
  const beforeIsObjectOrAbsent = before === undefined || isJsonObject(before);
  const afterIsObjectOrAbsent = after === undefined || isJsonObject(after);
  if (beforeIsObjectOrAbsent && afterIsObjectOrAbsent) {
    // Recursing into an added or removed object reports its leaves, so a created
    // packageDeliveryOptions shows up as packageDeliveryOptions.packageRollout.packageRolloutPercentage.
    const beforeObject = before ?? {};
    const afterObject = after ?? {};
    const changesBefore = changes.length;
    for (const key of unionKeys(beforeObject, afterObject)) {
      diffValue(ownValue(beforeObject, key), ownValue(afterObject, key), childPath(path, key), changes);
    }
    // An empty object added or removed has no leaves to report, so it is reported itself.
    if (changes.length > changesBefore) return;
  }
  changes.push({ path, before: copy(before), after: copy(after) });
}

function summarisePackages(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): Pick<SubmissionDiff, 'packagesAdded' | 'packagesMarkedForDeletion'> {
  const beforeEntries = objectsOf(before);
  const statusBefore = (entry: JsonObject): JsonValue | undefined =>
    beforeEntries.find((old) =>
      typeof entry.id === 'string' ? old.id === entry.id : old.id === undefined && old.fileName === entry.fileName,
    )?.fileStatus;
  const packagesAdded: string[] = [];
  const packagesMarkedForDeletion: string[] = [];
  for (const entry of objectsOf(after)) {
    const name = String(entry.fileName);
    if (entry.fileStatus === 'PendingUpload') packagesAdded.push(name);
    if (entry.fileStatus === 'PendingDelete' && statusBefore(entry) !== 'PendingDelete')
      packagesMarkedForDeletion.push(name);
  }
  return { packagesAdded, packagesMarkedForDeletion };
}

function touchedKeys(before: JsonValue | undefined, after: JsonValue | undefined): string[] {
  const beforeMap = isJsonObject(before) ? before : {};
  const afterMap = isJsonObject(after) ? after : {};
  return unionKeys(beforeMap, afterMap).filter(
    (key) => !isDeepStrictEqual(ownValue(beforeMap, key), ownValue(afterMap, key)),
  );
}

function objectsOf(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** Keys of `first` in order, then the keys only `second` has. */
function unionKeys(first: JsonObject, second: JsonObject): string[] {
  return [...new Set([...Object.keys(first), ...Object.keys(second)])];
}

function copy(value: JsonValue | undefined): JsonValue | undefined {
  return value === undefined ? undefined : cloneJson(value);
}
