/**
 * The `listings` input: a folder of listing content per language (docs/contract.md "Listings
 * folder"). Read and check it with loadListings before anything is created, then apply it to the
 * cloned submission with applyAppListings / applyAddOnListings; the returned `uploads` go into the
 * zip. How unchanged images are recognised is written in ./apply.ts.
 */
import { ListingsError } from './error.js';
import type { ListingKind, ListingProblem, ListingsFolder } from './folder.js';
import { readListingsFolder } from './reader.js';
import { checkListingLimits } from './limits.js';

export { applyAddOnListings, applyAppListings, contentHashOfFileName, type AppliedListings } from './apply.js';
export { LISTING_LIMITS_TITLE, ListingLimitsError, ListingsError } from './error.js';
export {
  ADD_ON_TEXT_FILES,
  CONTENT_HASH_LENGTH,
  DEFAULT_FOLDER,
  IMAGE_TYPES,
  LIST_FILES,
  TEXT_FILES,
  type ImageFile,
  type LanguageFolder,
  type ListField,
  type ListingKind,
  type ListingProblem,
  type ListingsFolder,
  type ReadListingsResult,
  type SourcedList,
  type SourcedText,
  type TextField,
} from './folder.js';
export { readListingsFolder } from './reader.js';
export {
  ADD_ON_KEYWORDS,
  KEYWORD_WORDS,
  LIST_LIMITS,
  TEXT_LIMITS,
  checkListingLimits,
  submissionListingProblems,
  type ListingLimitProblem,
} from './limits.js';

/**
 * Reads the listings folder at `root` and checks it: structure, readable UTF-8 text, PNG images,
 * files inside the folder, and (apps) every Store limit. `within` (the workspace) must contain
 * the folder when given.
 *
 * Returns the folder and the warnings (ignored files). Throws ListingsError (an InputError of the
 * `listings` input) listing every problem with its file, or when the folder itself is missing or
 * outside `within`.
 */
export async function loadListings(
  root: string,
  kind: ListingKind,
  options: { within?: string } = {},
): Promise<{ folder: ListingsFolder; warnings: ListingProblem[] }> {
  let read;
  try {
    read = await readListingsFolder(root, kind, options);
  } catch (error) {
    throw new ListingsError([{ file: root, message: error instanceof Error ? error.message : String(error) }]);
  }
  const problems = [...read.problems, ...checkListingLimits(read.folder)];
  if (problems.length > 0) throw new ListingsError(problems);
  return { folder: read.folder, warnings: read.warnings };
}
