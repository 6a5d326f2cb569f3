/**
 * Wires the action's inputs to a command and the run record to outputs, job summary and artifact.
 * One error funnel: whatever fails is reported once, as one `::error::` line, with no secret in it.
 */
import * as core from '@actions/core';
import { InputError, errorMessage } from './errors.js';
import { JsonSyntaxError, readInputs, type Command, type Inputs } from './inputs.js';
import type { Logger } from './log.js';
import { secrets } from './redact.js';
import { uploadRecord } from './report/artifact.js';
import { RunRecord } from './report/record.js';
import { outputsOf, renderSummary } from './report/summary.js';
import { EntraTokenSource } from './store/auth.js';
import { StoreClient } from './store/client.js';
import { Transport } from './store/http.js';
import { describeTarget } from './store/kinds.js';
import { realSleep } from './retry.js';
import type { RunContext } from './workflow/context.js';
import { createAddOn, createFlight } from './workflow/create-product.js';
import { rollout } from './workflow/rollout.js';
import { status } from './workflow/status.js';
import { submit } from './workflow/submit.js';

const COMMANDS: Record<Command, (ctx: RunContext) => Promise<void>> = {
  submit,
  'create-flight': createFlight,
  'create-add-on': createAddOn,
  rollout,
  status,
};

/** Every line goes through redaction on its way to the log. */
const actionsLogger: Logger = {
  info: (message) => core.info(secrets.redact(message)),
  warning: (message) => core.warning(secrets.redact(message)),
  debug: (message) => core.debug(secrets.redact(message)),
};

function buildContext(inputs: Inputs, record: RunRecord): RunContext {
  const transport = new Transport({ logger: actionsLogger, onCall: (call) => record.calls.push(call) });
  const tokens = new EntraTokenSource({
    authorityUrl: inputs.authorityUrl,
    tenantId: inputs.tenantId,
    clientId: inputs.clientId,
    clientSecret: inputs.clientSecret || undefined,
    getIdToken: (audience) => core.getIDToken(audience),
    transport,
    logger: actionsLogger,
  });
  return {
    inputs,
    store: new StoreClient({ apiUrl: inputs.apiUrl, tokens, transport, logger: actionsLogger }),
    logger: actionsLogger,
    record,
    clock: { now: () => new Date(), sleep: realSleep },
    phase: (title, work) => core.group(secrets.redact(title), work),
  };
}

function failureMessage(error: unknown, record: RunRecord): string {
  let message = secrets.redact(errorMessage(error));
  if (record.createdSubmission && record.submissionId && !record.succeeded) {
    message += ` (this run created submission ${record.submissionId}, which is still in the Store)`;
  }
  return message;
}

export async function run(): Promise<void> {
  secrets.onSecret((value) => core.setSecret(value));
  secrets.add(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  secrets.add(process.env.ACTIONS_RUNTIME_TOKEN);
  const record = new RunRecord();
  let inputs: Inputs | undefined;
  try {
    // Mask the secret before anything could print it, even a failing validation.
    secrets.add(core.getInput('client-secret'));
    inputs = readInputs((name) => core.getInput(name));
    record.command = inputs.command;
    record.target = inputs.target ? describeTarget(inputs.target) : '';
    if (inputs.dryRun) core.info('Dry run: the action signs in and reads, and changes nothing in the Store.');
    await COMMANDS[inputs.command](buildContext(inputs, record));
  } catch (error) {
    const message = failureMessage(error, record);
    record.succeeded = false;
    record.errors.push(message);
    // One ::error:: line; a JSON syntax error points at its file, line and column.
    const annotation =
      error instanceof JsonSyntaxError && error.file && error.position
        ? { file: error.file, startLine: error.position.line, startColumn: error.position.column, title: `Input '${error.input}'` }
        : error instanceof InputError
          ? { title: `Input '${error.input}'` }
          : undefined;
    core.error(message, annotation);
    process.exitCode = core.ExitCode.Failure;
  }
  for (const [name, value] of Object.entries(outputsOf(record))) core.setOutput(name, value);
  if (!record.command) record.command = core.getInput('command') || 'submit';
  try {
    await core.summary.addRaw(renderSummary(record)).write();
  } catch (error) {
    core.debug(`No job summary written: ${secrets.redact(errorMessage(error))}`);
  }
  await uploadRecord(record, inputs?.artifactName ?? core.getInput('artifact-name'), actionsLogger);
}
