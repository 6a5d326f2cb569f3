/** The InputError a piece of work throws or rejects with, for tests of refused inputs. */
import { InputError } from '../../src/errors.js';

/** Resolves with the InputError `work` fails with; rejects when it succeeds or fails otherwise. */
export async function inputErrorOf(work: () => unknown): Promise<InputError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}
