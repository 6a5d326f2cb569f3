/**
 * Wires the action's inputs to a command and the run record to outputs, job summary and artifact.
 * One error funnel: whatever fails is reported once, as one `::error::` line, with no secret in it.
 */
import * as core from '@actions/core';
import { runLogger } from './actions-log.js';
import { readInputs } from './commands/index.js';
import { errorMessage } from './errors.js';
import type { Logger } from './log.js';
import { secrets } from './redact.js';
import { uploadRecord } from './report/artifact.js';
import { reportFailure } from './report/failure.js';
import { runOrigin } from './report/origin.js';
import { RunRecord } from './report/record.js';
import { writeOutputs } from './report/outputs.js';
import { writeSummary } from './report/summary.js';
import { buildContext } from './run-context.js';
import { RunStopped, boundedByStop, runStop, type RunStop } from './stop.js';
import { proxyCredentials } from './store/proxy.js';

/** What `run` can be given instead of the runner's own: tests run it in-process with these. */
export interface RunOptions {
  /** Where log lines go instead of the runner's log; they are masked and neutralised first either way. */
  logger?: Logger;
}

/** Sets the outputs and appends the job summary, both from the record; a runner without a summary file gets none. */
async function writeReport(record: RunRecord, logger: Logger): Promise<void> {
  try {
    writeOutputs(record);
  } catch (error) {
    // An output file the runner gave but that cannot be written fails the step: later steps would miss the outputs.
    reportFailure(new Error(`The step's outputs could not be written: ${errorMessage(error)}`), record);
  }
  try {
    await writeSummary(record);
  } catch (error) {
    logger.debug(`No job summary written: ${errorMessage(error)}`);
  }
}

/**
 * Runs the action: reads the inputs, runs the command, then writes outputs, job summary and run
 * record whatever happened. Never throws: a failure is one `::error::` line and exit code 1.
 */
export async function run(options: RunOptions = {}): Promise<void> {
  const logger = runLogger(options.logger);
  secrets.onSecret((value) => core.setSecret(value));
  secrets.add(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  secrets.add(process.env.ACTIONS_RUNTIME_TOKEN);
  for (const password of proxyCredentials()) secrets.add(password);
  const record = new RunRecord();
  record.command = core.getInput('command') || 'submit';
  let artifactName = core.getInput('artifact-name');
  let stop: RunStop | undefined;
  let deadline: Date | undefined;
  const cancel = (signalName: NodeJS.Signals) => stop?.stop(new RunStopped('cancelled', signalName));
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  try {
    // Mask the secret before anything could print it, even a failing validation.
    secrets.add(core.getInput('client-secret'));
    const prepared = await readInputs((name) => core.getInput(name));
    record.command = prepared.command;
    artifactName = prepared.common.artifactName;
    deadline = new Date(record.startedAt.getTime() + prepared.common.timeoutMinutes * 60_000);
    stop = runStop(deadline, prepared.common.timeoutMinutes);
    await boundedByStop(prepared.run(buildContext(prepared.common, record, logger, stop, deadline)), stop);
    record.succeeded = true;
  } catch (error) {
    reportFailure(error, record);
  } finally {
    stop?.dispose();
  }
  try {
    record.origin = await runOrigin();
  } catch (error) {
    logger.debug(`The workflow run could not be read: ${errorMessage(error)}`);
  }
  await writeReport(record, logger);
  const abandoned = await uploadRecord(record, artifactName, logger, { deadline, signal: stop?.signal });
  process.off('SIGINT', cancel);
  process.off('SIGTERM', cancel);
  // A stopped run may leave work behind that never noticed the stop, and an upload given up may
  // still hold a connection: end now that all is reported.
  if (stop?.signal.aborted) process.exit(process.exitCode ?? core.ExitCode.Failure);
  if (abandoned) process.exit();
}
