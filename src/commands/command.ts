/**
 * What a command is: the inputs it takes (beyond the common ones), for which product kinds, how it
 * parses them, and how it runs. Whether an input applies follows from these declarations: a value
 * given to an input the command does not take is an error, never silently ignored.
 */
import { InputError } from '../errors.js';
import { COMMON_INPUTS, productKindOf } from '../inputs/common.js';
import { INPUT_NAMES, type InputName } from '../inputs/names.js';
import type { InputReader } from '../inputs/reader.js';
import type { ProductKind } from '../inputs/common.js';
import type { RunContext } from './context.js';

export const ANY_PRODUCT: readonly ProductKind[] = ['app', 'flight', 'add-on'];
export const PACKAGED_PRODUCTS: readonly ProductKind[] = ['app', 'flight'];
/** MSI/EXE products (a product ID GUID in `app-id`); their commands are modules of their own. */
export const INSTALLER_PRODUCT: readonly ProductKind[] = ['installer'];

/** Each input a command takes, with the product kinds it applies to. */
export type InputDeclarations = Partial<Record<InputName, readonly ProductKind[]>>;

export interface Command<T> {
  readonly name: string;
  readonly inputs: InputDeclarations;
  /**
   * Parses and checks the command's inputs; throws (or rejects with) InputError. Reads no file but
   * those inputs name. May be async: a parser library is loaded only when its input is set.
   */
  parse(read: InputReader): T | Promise<T>;
  run(ctx: RunContext, inputs: T): Promise<void>;
}

const PLURAL: Record<ProductKind, string> = {
  app: 'apps',
  flight: 'package flights',
  'add-on': 'add-ons',
  installer: 'MSI/EXE products',
};

/**
 * Throws InputError for the first input given a value that the command does not take, or does not
 * take for the product kind the inputs name. `all` is every command (MSIX and MSI/EXE modules; a
 * name may be in both), to say which ones take it.
 */
export function rejectInapplicable(
  read: InputReader,
  command: Command<unknown>,
  all: readonly Command<unknown>[],
): void {
  const kind = productKindOf(read);
  for (const name of INPUT_NAMES) {
    if (COMMON_INPUTS.includes(name) || !read.isSet(name)) continue;
    if (command.inputs[name]?.includes(kind)) continue;
    // The kinds that take it with a command of this name, whichever module serves them.
    const kinds = [...new Set(all.filter((c) => c.name === command.name).flatMap((c) => c.inputs[name] ?? []))];
    if (kinds.length === 0) {
      const takers = [...new Set(all.filter((c) => c.inputs[name]).map((c) => `'command: ${c.name}'`))];
      throw new InputError(name, `applies to ${takers.join(' and ')} only, not '${command.name}'.`);
    }
    throw new InputError(
      name,
      `does not apply to ${PLURAL[kind]} with 'command: ${command.name}', only to ${kinds.map((k) => PLURAL[k]).join(' and ')}.`,
    );
  }
}
