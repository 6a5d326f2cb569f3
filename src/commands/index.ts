/**
 * The commands and how a run's inputs reach one: `command` picks the module, the inputs it does not
 * declare are refused, and it parses the rest. Adding an input to a command touches that command's
 * module (plus `action.yml`, the input table and the README), nothing here. MSI/EXE products (a
 * product ID GUID in `app-id`) have modules of their own for the commands they take.
 */
import { InputError } from '../errors.js';
import { readAppId, readCommonInputs, type CommonInputs } from '../inputs/common.js';
import { InputReader, type InputSource } from '../inputs/reader.js';
import { rejectInapplicable, type Command } from './command.js';
import { commit, type CommitInputs } from './commit.js';
import type { RunContext } from './context.js';
import { createAddOn, type CreateAddOnInputs } from './create-add-on.js';
import { createFlight, type CreateFlightInputs } from './create-flight.js';
import { installerCommit, type InstallerCommitInputs } from './installer-commit.js';
import { installerStatusCommand, type InstallerStatusInputs } from './installer-status.js';
import { installerSubmit, type InstallerSubmitInputs } from './installer-submit.js';
import { rollout, type RolloutInputs } from './rollout.js';
import { status, type StatusInputs } from './status.js';
import { submit, type SubmitInputs } from './submit.js';

interface CommandInputs {
  submit: SubmitInputs;
  commit: CommitInputs;
  'create-flight': CreateFlightInputs;
  'create-add-on': CreateAddOnInputs;
  rollout: RolloutInputs;
  status: StatusInputs;
}

/** The commands of MSI/EXE products (a product ID GUID in `app-id`): modules of their own, on the MSI/EXE API. */
interface InstallerCommandInputs {
  submit: InstallerSubmitInputs;
  commit: InstallerCommitInputs;
  status: InstallerStatusInputs;
}

type MsixCommandName = keyof CommandInputs;
type InstallerCommandName = keyof InstallerCommandInputs;
type CommandName = MsixCommandName | InstallerCommandName;

const COMMANDS: { [C in MsixCommandName]: Command<CommandInputs[C]> } = {
  submit,
  commit,
  'create-flight': createFlight,
  'create-add-on': createAddOn,
  rollout,
  status,
};

const INSTALLER_COMMANDS: { [C in InstallerCommandName]: Command<InstallerCommandInputs[C]> } = {
  submit: installerSubmit,
  commit: installerCommit,
  status: installerStatusCommand,
};

const ALL_COMMANDS: readonly Command<unknown>[] = [
  ...Object.values(COMMANDS),
  ...Object.values(INSTALLER_COMMANDS),
] as Command<unknown>[];

const COMMAND_NAMES = [...new Set([...Object.keys(COMMANDS), ...Object.keys(INSTALLER_COMMANDS)])] as CommandName[];

/** A run's inputs, parsed: a union by API and command, each with the inputs its module declares. */
export type Inputs =
  | {
      [C in MsixCommandName]: { api: 'msix'; command: C; common: CommonInputs; inputs: CommandInputs[C] };
    }[MsixCommandName]
  | {
      [C in InstallerCommandName]: {
        api: 'installer';
        command: C;
        common: CommonInputs;
        inputs: InstallerCommandInputs[C];
      };
    }[InstallerCommandName];

/** A parsed run, ready to go: its inputs and the command bound to them. */
export type PreparedRun = Inputs & { run(ctx: RunContext): Promise<void> };

async function prepare<T>(
  api: Inputs['api'],
  module: Command<T>,
  common: CommonInputs,
  read: InputReader,
): Promise<PreparedRun> {
  rejectInapplicable(read, module as Command<unknown>, ALL_COMMANDS);
  const inputs = await module.parse(read);
  return {
    api,
    command: module.name,
    common,
    inputs,
    run: (ctx: RunContext) => module.run(ctx, inputs),
  } as PreparedRun;
}

function isIn<T extends object>(table: T, name: string): name is Extract<keyof T, string> {
  return Object.hasOwn(table, name);
}

/**
 * Parses and checks every input before anything is sent; rejects with InputError (or JsonSyntaxError)
 * naming the first bad input. `env` supplies GITHUB_WORKSPACE. A product ID GUID in `app-id`
 * routes `command` to the MSI/EXE modules; any other product to the MSIX ones.
 */
export async function readInputs(source: InputSource, env: NodeJS.ProcessEnv = process.env): Promise<PreparedRun> {
  const read = new InputReader(source, env);
  const command = read.choice('command', COMMAND_NAMES, 'submit');
  const common = readCommonInputs(read);
  // Checked first: which modules (and so which inputs) apply follows from its form.
  const app = readAppId(read);
  if (app && 'productId' in app) {
    if (!isIn(INSTALLER_COMMANDS, command)) {
      throw new InputError(
        'command',
        `'${command}' does not apply to MSI/EXE products (a product ID GUID in 'app-id'); they take ${Object.keys(
          INSTALLER_COMMANDS,
        )
          .map((c) => `'${c}'`)
          .join(', ')}.`,
      );
    }
    return prepare('installer', INSTALLER_COMMANDS[command] as Command<unknown>, common, read);
  }
  if (!isIn(COMMANDS, command)) {
    throw new InputError(
      'command',
      `'${command}' applies to MSI/EXE products only (a product ID GUID in 'app-id'), not to MSIX apps, flights or add-ons.`,
    );
  }
  return prepare('msix', COMMANDS[command] as Command<unknown>, common, read);
}
