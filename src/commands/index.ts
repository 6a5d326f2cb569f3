/**
 * The commands and how a run's inputs reach one: `command` picks the module, the inputs it does not
 * declare are refused, and it parses the rest. Adding an input to a command touches that command's
 * module (plus `action.yml`, the input table and the README), nothing here.
 */
import { readCommonInputs, type CommonInputs } from '../inputs/common.js';
import { InputReader, type InputSource } from '../inputs/reader.js';
import { rejectInapplicable, type Command } from './command.js';
import { commit, type CommitInputs } from './commit.js';
import type { RunContext } from './context.js';
import { createAddOn, type CreateAddOnInputs } from './create-add-on.js';
import { createFlight, type CreateFlightInputs } from './create-flight.js';
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

export type CommandName = keyof CommandInputs;

const COMMANDS: { [C in CommandName]: Command<CommandInputs[C]> } = {
  submit,
  commit,
  'create-flight': createFlight,
  'create-add-on': createAddOn,
  rollout,
  status,
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** A run's inputs, parsed: a union by command, each with the inputs its module declares. */
export type Inputs = { [C in CommandName]: { command: C; common: CommonInputs; inputs: CommandInputs[C] } }[CommandName];

/** A parsed run, ready to go: its inputs and the command bound to them. */
export type PreparedRun = Inputs & { run(ctx: RunContext): Promise<void> };

function prepare<C extends CommandName>(command: C, common: CommonInputs, read: InputReader): PreparedRun {
  const module = COMMANDS[command] as Command<CommandInputs[C]>;
  rejectInapplicable(read, module, Object.values(COMMANDS));
  const inputs = module.parse(read);
  return { command, common, inputs, run: (ctx) => module.run(ctx, inputs) } as PreparedRun;
}

/**
 * Parses and checks every input before anything is sent; throws InputError (or JsonSyntaxError)
 * naming the first bad input. `env` supplies GITHUB_WORKSPACE.
 */
export function readInputs(source: InputSource, env: NodeJS.ProcessEnv = process.env): PreparedRun {
  const read = new InputReader(source, env);
  const command = read.choice('command', COMMAND_NAMES, 'submit');
  const common = readCommonInputs(read);
  return prepare(command, common, read);
}
