import { InputError, TitledError } from '../errors.js';
import type { ListingProblem } from './folder.js';
import type { ListingLimitProblem } from './limits.js';

/** Problems the error lists; the rest are counted, so a folder of thousands of bad files gives a short error. */
const MAX_LISTED_PROBLEMS = 20;

/** The problems found in the `listings` folder, each naming its file (the first 20 listed, the rest counted); an InputError of the `listings` input. */
export class ListingsError extends InputError {
  constructor(readonly problems: readonly ListingProblem[]) {
    const more = problems.length - MAX_LISTED_PROBLEMS;
    super(
      'listings',
      `${problems.length === 1 ? 'one problem' : `${problems.length.toLocaleString('en-US')} problems`} in the listings folder:\n` +
        problems
          .slice(0, MAX_LISTED_PROBLEMS)
          .map((problem) => `- ${problem.file}: ${problem.message}`)
          .join('\n') +
        (more > 0 ? `\n… and ${more.toLocaleString('en-US')} more` : ''),
    );
    this.name = 'ListingsError';
  }
}

/** The annotation title of a ListingLimitsError. */
export const LISTING_LIMITS_TITLE = "Listing over the Store's limits";

/**
 * The listings as they would be sent (the Store's copy with this run's changes merged in) break
 * the Store's limits, which it would refuse at the update: refused before anything is created,
 * each problem with its language, field and value.
 */
export class ListingLimitsError extends TitledError {
  constructor(readonly problems: readonly ListingLimitProblem[]) {
    super(
      LISTING_LIMITS_TITLE,
      `The Store would refuse ${problems.length === 1 ? 'this listing value' : `these ${problems.length} listing values`}, so nothing was created:\n` +
        problems.map((p) => `- ${p.language ? `listing ${p.language}, ` : ''}${p.field}: ${p.message}`).join('\n') +
        "\nChange them with the listings folder or 'submission-json' (or in Partner Center): a value copied from the Store's current listing must fit too.",
    );
    this.name = 'ListingLimitsError';
  }
}
