import { InputError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
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

/**
 * Every file the submission marks PendingUpload: packages (applicationPackages / flightPackages),
 * listing images (listings.*.baseListing.images and platformOverrides.*.images), trailers
 * (videoFileName, trailerAssets.*.imageList[].fileName), add-on listing icons (listings.*.icon).
 *
 * Trailers carry no `fileStatus`: a trailer without a service-assigned `id` is new, so its video is
 * pending, and so is every thumbnail without an `id` (an entry may also say `fileStatus:
 * PendingUpload` explicitly). The same file may be named by several fields (one screenshot used by
 * two listings); each field is listed, so a zip builder adds each distinct `zipName` once.
 *
 * Throws InputError('submission-json') for a pending entry without a usable file name: pending
 * entries only come from the user's JSON or from `packages`, which buildSubmission checks first.
 */
export function pendingUploads(kind: KindDescriptor, submission: JsonObject): PendingFile[] {
  const found: PendingFile[] = [];
  const add = (fileName: JsonValue | undefined, field: string, isPackage = false): void => {
    if (typeof fileName !== 'string') {
      throw new InputError('submission-json', `${field} is marked for upload but has no fileName`);
    }
    const zip = toZipName(fileName);
    if ('problem' in zip) throw new InputError('submission-json', `${field}: ${zip.problem}`);
    found.push({ fileName, zipName: zip.zipName, field, isPackage });
  };

  if (kind.packagesField) {
    forEachObject(submission[kind.packagesField], kind.packagesField, (entry, field) => {
      if (entry.fileStatus === 'PendingUpload') add(entry.fileName, field, true);
    });
  }

  forEachEntry(submission.listings, 'listings', (listing, listingField) => {
    const baseListing = listing.baseListing;
    if (isJsonObject(baseListing)) {
      addPendingImages(baseListing.images, childPath(childPath(listingField, 'baseListing'), 'images'), add);
    }
    const overridesField = childPath(listingField, 'platformOverrides');
    forEachEntry(listing.platformOverrides, overridesField, (override, overrideField) => {
      addPendingImages(override.images, childPath(overrideField, 'images'), add);
    });
    const icon = listing.icon;
    if (isJsonObject(icon) && icon.fileStatus === 'PendingUpload') add(icon.fileName, childPath(listingField, 'icon'));
  });

  forEachObject(submission.trailers, 'trailers', (trailer, trailerField) => {
    if (isNewTrailerFile(trailer)) add(trailer.videoFileName, childPath(trailerField, 'videoFileName'));
    const assetsField = childPath(trailerField, 'trailerAssets');
    forEachEntry(trailer.trailerAssets, assetsField, (assets, languageField) => {
      forEachObject(assets.imageList, childPath(languageField, 'imageList'), (image, imageField) => {
        if (isNewTrailerFile(image)) add(image.fileName, imageField);
      });
    });
  });

  return found;
}

function addPendingImages(
  images: JsonValue | undefined,
  field: string,
  add: (fileName: JsonValue | undefined, field: string) => void,
): void {
  forEachObject(images, field, (image, imageField) => {
    if (image.fileStatus === 'PendingUpload') add(image.fileName, imageField);
  });
}

function isNewTrailerFile(entry: JsonObject): boolean {
  if (entry.fileStatus !== undefined) return entry.fileStatus === 'PendingUpload';
  return entry.id === undefined || entry.id === null || entry.id === '';
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
