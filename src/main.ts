/**
 * Wires the action's inputs to a command and the run record to outputs, job summary and artifact.
 * One error funnel: whatever fails is reported once, as one `::error::` line, with no secret in it.
 */
import * as core from '@actions/core';
import { INPUT_ERROR_TITLE, logError, logGroup, runLogger } from './actions-log.js';
import { readInputs } from './commands/index.js';
import type { RunContext } from './commands/context.js';
import { InputError, errorMessage } from './errors.js';
import { formatDuration } from './format.js';
import type { CommonInputs } from './inputs/common.js';
import { JsonSyntaxError } from './inputs/json.js';
import type { Logger } from './log.js';
import { secrets } from './redact.js';
import { uploadRecord } from './report/artifact.js';
import { runOrigin } from './report/origin.js';
import { RunRecord } from './report/record.js';
import { writeOutputs } from './report/outputs.js';
import { writeSummary } from './report/summary.js';
import { pause, realSleep } from './retry.js';
import { RunStopped, runStop, type RunStop } from './stop.js';
import { EntraTokenSource, requestGitHubIdToken } from './store/auth.js';
import { StoreClient } from './store/client.js';
import { Transport } from './store/http.js';
import { INSTALLER_API_RESOURCE, InstallerClient } from './store/installer-client.js';
import { proxyCredentials } from './store/proxy.js';

/** What `run` can be given instead of the runner's own: tests run it in-process with these. */
export interface RunOptions {
  /** Where log lines go instead of the runner's log; they are masked and neutralised first either way. */
  logger?: Logger;
}

/** How long a stopped run's work may take to notice the stop before the run reports and ends anyway. */
const STOP_GRACE_MS = 20_000;

function buildContext(
  common: CommonInputs,
  record: RunRecord,
  logger: Logger,
  stop: RunStop,
  deadline: Date,
): RunContext {
  const { signal } = stop;
  const transport = new Transport({ logger, signal, onCall: (call) => record.calls.push(call) });
  /** One sign-in per API: the same credentials, the API's own resource. */
  const signIn = (resource?: string): EntraTokenSource =>
    new EntraTokenSource({
      authorityUrl: common.authorityUrl,
      tenantId: common.tenantId,
      clientId: common.clientId,
      clientSecret: common.clientSecret || undefined,
      // Not `core.getIDToken`: ours goes through the transport, so it has the run's deadline and retries.
      getIdToken: (audience) => requestGitHubIdToken(transport, audience),
      transport,
      logger,
      ...(resource ? { resource } : {}),
    });
  return {
    store: new StoreClient({ apiUrl: common.apiUrl, tokens: signIn(), transport, logger }),
    installerClient: (target) =>
      new InstallerClient({ ...target, tokens: signIn(INSTALLER_API_RESOURCE), transport, logger }),
    transport,
    logger,
    record,
    clock: { now: () => new Date(), sleep: (ms) => pause({ sleep: realSleep, signal }, ms) },
    deadline,
    timeoutMinutes: common.timeoutMinutes,
    signal,
    phase: (title, work) => {
      record.phase = title;
      return logGroup(title, work);
    },
  };
}

/** What a stopped run says: why, where it was, and the submission it leaves behind with its last status. */
function stoppedMessage(stopped: RunStopped, record: RunRecord): string {
  const head =
    stopped.kind === 'timeout'
      ? `Timed out after ${formatDuration(Number(stopped.detail) * 60)} ('timeout-minutes: ${stopped.detail}')`
      : `The run was ${stopped.message}`;
  if (!record.submissionId)
    return `${head}${record.phase ? ` during '${record.phase}'` : ''}; no submission was created.`;
  const raise = stopped.kind === 'timeout' ? ", and raise 'timeout-minutes' for longer waits" : '';
  return (
    `${head}: submission ${record.submissionId} is still in ${record.status ?? 'the Store'}${record.phase ? ` (the run was in '${record.phase}')` : ''}. ` +
    `It stays in the Store; follow it in Partner Center or with 'command: status'${raise}.`
  );
}

/** Runs the command, or gives up STOP_GRACE_MS after the run was stopped if the command has not noticed. */
function bounded(work: Promise<void>, stop: RunStop): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<never>((_, reject) => {
    const giveUp = () => {
      timer = setTimeout(() => reject(stop.signal.reason), STOP_GRACE_MS);
      timer.unref();
    };
    if (stop.signal.aborted) giveUp();
    else stop.signal.addEventListener('abort', giveUp, { once: true });
  });
  return Promise.race([work, givenUp]).finally(() => clearTimeout(timer));
}

function failureMessage(error: unknown, record: RunRecord): string {
  let message = secrets.redact(error instanceof RunStopped ? stoppedMessage(error, record) : errorMessage(error));
  if (record.createdSubmission && record.submissionId) {
    message += ` (this run created submission ${record.submissionId}, which is still in the Store)`;
  }
  return message;
}

/**
 * One `::error::` line; a JSON syntax error points at its file, line and column. The message of an
 * input error names the input once ("Input 'x': ..."); the annotation's title does not repeat it.
 */
function reportFailure(error: unknown, record: RunRecord): void {
  const message = failureMessage(error, record);
  record.errors.push(message);
  const annotation =
    error instanceof JsonSyntaxError && error.file && error.position
      ? {
          file: error.file,
          startLine: error.position.line,
          startColumn: error.position.column,
          title: INPUT_ERROR_TITLE,
        }
      : error instanceof InputError
        ? { title: INPUT_ERROR_TITLE }
        : undefined;
  logError(message, annotation);
  process.exitCode = core.ExitCode.Failure;
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
    await bounded(prepared.run(buildContext(prepared.common, record, logger, stop, deadline)), stop);
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
