import { InputError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { packageKey } from '../packages/names.js';
import type { KindDescriptor } from '../store/kinds.js';
import { toZipName } from '../zip-name.js';
import { childPath, indexPath } from './path.js';

/** A file the submission expects in the uploaded zip. */
export interface PendingFile {
  /** The name exactly as the submission JSON gives it (it may use backslashes). */
  fileName: string;
  /** The entry name inside the zip: forward slashes, no leading `./`. */
  zipName: string;
  /** Where the JSON names it, for messages, e.g. `listings.en-us.baseListing.images[2]`. */
  field: string;
  /** Whether it is an entry of the package array (applicationPackages / flightPackages). */
  isPackage: boolean;
}

/** Where a file entry stands: still to upload, already with the Store, or marked for removal. */
export type FileState = 'pending' | 'kept' | 'deleted';

/** The state of an entry by its `fileStatus`. */
function stateOf(entry: JsonObject): FileState {
  if (entry.fileStatus === 'PendingUpload') return 'pending';
  return entry.fileStatus === 'PendingDelete' ? 'deleted' : 'kept';
}

/** A trailer file carries no `fileStatus`: without a service-assigned `id` it is new, so pending. */
function trailerStateOf(entry: JsonObject): FileState {
  if (entry.fileStatus !== undefined) return stateOf(entry);
  return entry.id === undefined || entry.id === null || entry.id === '' ? 'pending' : 'kept';
}

/**
 * Calls `visit` for every file entry of a submission: packages (applicationPackages /
 * flightPackages), listing images (listings.*.baseListing.images and platformOverrides.*.images),
 * trailers (videoFileName, trailerAssets.*.imageList[].fileName), add-on listing icons
 * (listings.*.icon), with its file name as given, where the JSON names it, and its state.
 */
export function visitFiles(
  kind: KindDescriptor,
  submission: JsonObject,
  visit: (fileName: JsonValue | undefined, field: string, isPackage: boolean, state: FileState) => void,
): void {
  if (kind.packagesField) {
    forEachObject(submission[kind.packagesField], kind.packagesField, (entry, field) =>
      visit(entry.fileName, field, true, stateOf(entry)),
    );
  }
  const images = (value: JsonValue | undefined, field: string): void =>
    forEachObject(value, field, (image, imageField) => visit(image.fileName, imageField, false, stateOf(image)));
  forEachEntry(submission.listings, 'listings', (listing, listingField) => {
    const baseListing = listing.baseListing;
    if (isJsonObject(baseListing))
      images(baseListing.images, childPath(childPath(listingField, 'baseListing'), 'images'));
    const overridesField = childPath(listingField, 'platformOverrides');
    forEachEntry(listing.platformOverrides, overridesField, (override, overrideField) =>
      images(override.images, childPath(overrideField, 'images')),
    );
    const icon = listing.icon;
    if (isJsonObject(icon)) visit(icon.fileName, childPath(listingField, 'icon'), false, stateOf(icon));
  });
  forEachObject(submission.trailers, 'trailers', (trailer, trailerField) => {
    visit(trailer.videoFileName, childPath(trailerField, 'videoFileName'), false, trailerStateOf(trailer));
    const assetsField = childPath(trailerField, 'trailerAssets');
    forEachEntry(trailer.trailerAssets, assetsField, (assets, languageField) => {
      forEachObject(assets.imageList, childPath(languageField, 'imageList'), (image, imageField) =>
        visit(image.fileName, imageField, false, trailerStateOf(image)),
      );
    });
  });
}

/**
 * Every file the submission marks PendingUpload (the entries visitFiles walks). Trailers carry no
 * `fileStatus`: a trailer without a service-assigned `id` is new, so its video is pending, and so
 * is every thumbnail without an `id` (an entry may also say `fileStatus: PendingUpload`
 * explicitly). The same file may be named by several fields (one screenshot used by two
 * listings); each field is listed, so a zip builder adds each distinct `zipName` once.
 *
 * Throws InputError('submission-json') for a pending entry without a usable file name: pending
 * entries only come from the user's JSON or from `packages`, which buildSubmission checks first.
 */
export function pendingUploads(kind: KindDescriptor, submission: JsonObject): PendingFile[] {
  const found: PendingFile[] = [];
  visitFiles(kind, submission, (fileName, field, isPackage, state) => {
    if (state !== 'pending') return;
    if (typeof fileName !== 'string') {
      throw new InputError('submission-json', `${field} is marked for upload but has no fileName`);
    }
    const zip = toZipName(fileName);
    if ('problem' in zip) throw new InputError('submission-json', `${field}: ${zip.problem}`);
    found.push({ fileName, zipName: zip.zipName, field, isPackage });
  });
  return found;
}

/**
 * The file names of every file entry a submission names that is not marked PendingDelete, pending
 * or already with the Store (the entries visitFiles walks), each with whether it is a package entry.
 */
export function liveFiles(kind: KindDescriptor, submission: JsonObject): { fileName: string; isPackage: boolean }[] {
  const found: { fileName: string; isPackage: boolean }[] = [];
  visitFiles(kind, submission, (fileName, _field, isPackage, state) => {
    if (state !== 'deleted' && typeof fileName === 'string') found.push({ fileName, isPackage });
  });
  return found;
}

/**
 * How a file entry is told apart from the others: a package by packageKey (its folder may
 * differ), any other file by its whole zip name, ignoring case.
 */
export function fileEntryKey(fileName: string, isPackage: boolean): string {
  if (isPackage) return `package:${packageKey(fileName)}`;
  const named = toZipName(fileName);
  return `file:${('zipName' in named ? named.zipName : fileName).toLowerCase()}`;
}

/** Calls `visit` for every object element of an array (anything else is not the shape we look for). */
function forEachObject(
  value: JsonValue | undefined,
  field: string,
  visit: (entry: JsonObject, field: string) => void,
): void {
  if (!Array.isArray(value)) return;
  value.forEach((entry, index) => {
    if (isJsonObject(entry)) visit(entry, indexPath(field, index));
  });
}

/** Calls `visit` for every object value of a map such as `listings` (language -> listing). */
function forEachEntry(
  value: JsonValue | undefined,
  field: string,
  visit: (entry: JsonObject, field: string) => void,
): void {
  if (!isJsonObject(value)) return;
  for (const [key, entry] of Object.entries(value)) {
    if (isJsonObject(entry)) visit(entry, childPath(field, key));
  }
}

/**
 * Problems with a set of zip names: unsafe names (see toZipName), and names that collide, compared
 * case-insensitively as Windows tooling compares them. Pass each distinct file once: a name listed
 * twice is reported as a collision too.
 */
export function zipNameProblems(names: string[]): string[] {
  const problems: string[] = [];
  const byFoldedName = new Map<string, string[]>();
  for (const name of names) {
    const zip = toZipName(name);
    if ('problem' in zip) {
      problems.push(zip.problem);
      continue;
    }
    const folded = zip.zipName.toLowerCase();
    byFoldedName.set(folded, [...(byFoldedName.get(folded) ?? []), name]);
  }
  for (const group of byFoldedName.values()) {
    if (group.length < 2) continue;
    const distinct = [...new Set(group)];
    problems.push(
      distinct.length === 1
        ? `${JSON.stringify(distinct[0])} is listed ${group.length} times`
        : `${distinct.map((name) => JSON.stringify(name)).join(', ')} name the same zip entry (Windows compares names case-insensitively)`,
    );
  }
  return problems;
}
