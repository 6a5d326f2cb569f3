import { InputError } from '../errors.js';
import type { ListingProblem } from './folder.js';

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
