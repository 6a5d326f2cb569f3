/**
 * What a command is: the inputs it takes (beyond the common ones), for which product kinds, how it
 * parses them, and how it runs. Whether an input applies follows from these declarations: a value
 * given to an input the command does not take is an error, never silently ignored.
 */
import { InputError } from '../errors.js';
import { COMMON_INPUTS, productKindOf } from '../inputs/common.js';
import { INPUT_NAMES, type InputName } from '../inputs/names.js';
import type { InputReader } from '../inputs/reader.js';
import type { TargetKind } from '../store/kinds.js';
import type { RunContext } from './context.js';

export const ANY_PRODUCT: readonly TargetKind[] = ['app', 'flight', 'add-on'];
export const PACKAGED_PRODUCTS: readonly TargetKind[] = ['app', 'flight'];

/** Each input a command takes, with the product kinds it applies to. */
export type InputDeclarations = Partial<Record<InputName, readonly TargetKind[]>>;

export interface Command<T> {
  readonly name: string;
  readonly inputs: InputDeclarations;
  /** Parses and checks the command's inputs; throws InputError. Reads no file but those inputs name. */
  parse(read: InputReader): T;
  run(ctx: RunContext, inputs: T): Promise<void>;
}

const PLURAL: Record<TargetKind, string> = { app: 'apps', flight: 'package flights', 'add-on': 'add-ons' };

/**
 * Throws InputError for the first input given a value that the command does not take, or does not
 * take for the product kind the inputs name. `all` is every command, to say which ones take it.
 */
export function rejectInapplicable(read: InputReader, command: Command<unknown>, all: readonly Command<unknown>[]): void {
  const kind = productKindOf(read);
  for (const name of INPUT_NAMES) {
    if (COMMON_INPUTS.includes(name) || !read.isSet(name)) continue;
    const kinds = command.inputs[name];
    if (!kinds) {
      const takers = all.filter((c) => c.inputs[name]).map((c) => `'command: ${c.name}'`);
      throw new InputError(name, `applies to ${takers.join(' and ')} only, not '${command.name}'.`);
    }
    if (!kinds.includes(kind)) {
      throw new InputError(name, `does not apply to ${PLURAL[kind]} with 'command: ${command.name}', only to ${kinds.map((k) => PLURAL[k]).join(' and ')}.`);
    }
  }
}
