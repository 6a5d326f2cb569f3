import { InputError } from '../errors.js';
import type { ListingProblem } from './folder.js';

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
