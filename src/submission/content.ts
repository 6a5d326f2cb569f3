/**
 * Store content as code, applied while the submission is built (buildSubmission calls these, so
 * the dry run shows the same result as the real run): the `listings` folder and
 * `keep-package-versions` retention. Pure: nothing is read from disk or sent; the folder and the
 * package manifests were read and checked before (src/commands/content.ts).
 */
import type { JsonObject } from '../json.js';
import { applyAddOnListings, applyAppListings, type ListingsFolder } from '../listings/index.js';
import { applyRetention, type DescribedPackage, type RetentionRemoval } from '../packages/retention.js';
import type { KindDescriptor } from '../store/kinds.js';

/** What applying the listings folder did, for the log, the summary and the dry run. */
export interface ListingsOutcome {
  /** Languages whose listing the folder added (e.g. `fr-fr`). */
  languagesAdded: string[];
  /** Images kept as they were because their content is unchanged, as `language/ImageType/fileName`. */
  imagesKept: string[];
  /** Zip entry names of the images the folder adds (PendingUpload), in the order they are named. */
  imagesUploaded: string[];
}

/** What `keep-package-versions` did. */
export interface RetentionOutcome {
  /** N. */
  keep: number;
  /** Entries retention marked PendingDelete, with their version, architectures and device families. */
  removed: RetentionRemoval[];
  /** File names of live entries it could not judge (no version or architecture known) and kept. */
  unjudged: string[];
}

/**
 * Applies the listings folder onto `submission` (apps: applyAppListings, add-ons:
 * applyAddOnListings; the folder's kind decides). Returns the new submission, the files the zip
 * must take from the folder (zip entry name -> absolute path inside the folder), the outcome and
 * warnings. Throws ListingsError (InputError of `listings`) when a new language lacks what it needs,
 * and InputError('listings') when the kind has no listings (flights).
 */
export function applyListingsFolder(
  kind: KindDescriptor,
  submission: JsonObject,
  folder: ListingsFolder,
): { submission: JsonObject; uploads: Map<string, string>; outcome: ListingsOutcome; warnings: string[] } {
  if (kind.kind === 'flight') throw new Error('package flights have no listings');
  const applied = folder.kind === 'app' ? applyAppListings(submission, folder) : applyAddOnListings(submission, folder);
  return {
    submission: applied.submission,
    uploads: applied.uploads,
    outcome: {
      languagesAdded: applied.languagesAdded,
      imagesKept: applied.imagesKept,
      imagesUploaded: [...applied.uploads.keys()],
    },
    warnings: applied.warnings,
  };
}

/**
 * Applies `keep-package-versions` to the package array of `submission` in place (it is the
 * builder's own copy): entries beyond the `keep` newest versions of each architecture and device
 * family group are marked PendingDelete (rule in src/packages/retention.ts). Apps group by
 * architecture and device family, flights by architecture only. `described` holds the new
 * packages' manifest facts keyed by packageKey of their zip names. No-op for add-ons.
 * Throws RangeError when `keep` is not an integer >= 1.
 */
export function applyKeepPackageVersions(
  kind: KindDescriptor,
  submission: JsonObject,
  keep: number,
  described: ReadonlyMap<string, DescribedPackage>,
): RetentionOutcome | undefined {
  const field = kind.packagesField;
  if (!field) return undefined;
  const entries = Array.isArray(submission[field]) ? submission[field] : [];
  const result = applyRetention(entries, keep, described, kind.kind === 'app');
  submission[field] = result.entries;
  return { keep, removed: result.removed, unjudged: result.unjudged };
}
