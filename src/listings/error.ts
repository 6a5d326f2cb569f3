import { InputError, TitledError } from '../errors.js';
import type { ListingProblem } from './folder.js';
import type { ListingLimitProblem } from './limits.js';

/** Every problem found in the `listings` folder, each naming its file; an InputError of the `listings` input. */
export class ListingsError extends InputError {
  constructor(readonly problems: readonly ListingProblem[]) {
    super(
      'listings',
      `${problems.length === 1 ? 'one problem' : `${problems.length} problems`} in the listings folder:\n` +
        problems.map((problem) => `- ${problem.file}: ${problem.message}`).join('\n'),
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
