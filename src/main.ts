/**
 * Wires the action's inputs to a command and the run record to outputs, job summary and artifact.
 * One error funnel: whatever fails is reported once, as one `::error::` line, with no secret in it.
 */
import * as core from '@actions/core';
import { readInputs } from './commands/index.js';
import type { RunContext } from './commands/context.js';
import { InputError, errorMessage } from './errors.js';
import type { CommonInputs } from './inputs/common.js';
import { JsonSyntaxError } from './inputs/json.js';
import type { Logger } from './log.js';
import { secrets } from './redact.js';
import { uploadRecord } from './report/artifact.js';
import { runOrigin } from './report/origin.js';
import { RunRecord } from './report/record.js';
import { outputsOf, renderSummary } from './report/summary.js';
import { realSleep } from './retry.js';
import { EntraTokenSource } from './store/auth.js';
import { StoreClient } from './store/client.js';
import { Transport } from './store/http.js';
import { INSTALLER_API_RESOURCE, InstallerClient } from './store/installer-client.js';

/** Every line goes through redaction on its way to the log. */
const actionsLogger: Logger = {
  info: (message) => core.info(secrets.redact(message)),
  warning: (message) => core.warning(secrets.redact(message)),
  debug: (message) => core.debug(secrets.redact(message)),
};

/** What `run` can be given instead of the runner's own: tests run it in-process with these. */
export interface RunOptions {
  logger?: Logger;
}

function buildContext(common: CommonInputs, record: RunRecord, logger: Logger): RunContext {
  const transport = new Transport({ logger, onCall: (call) => record.calls.push(call) });
  /** One sign-in per API: the same credentials, the API's own resource. */
  const signIn = (resource?: string): EntraTokenSource =>
    new EntraTokenSource({
      authorityUrl: common.authorityUrl,
      tenantId: common.tenantId,
      clientId: common.clientId,
      clientSecret: common.clientSecret || undefined,
      getIdToken: (audience) => core.getIDToken(audience),
      transport,
      logger,
      ...(resource ? { resource } : {}),
    });
  return {
    store: new StoreClient({ apiUrl: common.apiUrl, tokens: signIn(), transport, logger }),
    installerClient: (target) => new InstallerClient({ ...target, tokens: signIn(INSTALLER_API_RESOURCE), transport, logger }),
    transport,
    logger,
    record,
    clock: { now: () => new Date(), sleep: realSleep },
    deadline: new Date(record.startedAt.getTime() + common.timeoutMinutes * 60_000),
    timeoutMinutes: common.timeoutMinutes,
    phase: (title, work) => core.group(secrets.redact(title), work),
  };
}

function failureMessage(error: unknown, record: RunRecord): string {
  let message = secrets.redact(errorMessage(error));
  if (record.createdSubmission && record.submissionId) {
    message += ` (this run created submission ${record.submissionId}, which is still in the Store)`;
  }
  return message;
}

/** One `::error::` line; a JSON syntax error points at its file, line and column. */
function reportFailure(error: unknown, record: RunRecord): void {
  const message = failureMessage(error, record);
  record.errors.push(message);
  const annotation =
    error instanceof JsonSyntaxError && error.file && error.position
      ? { file: error.file, startLine: error.position.line, startColumn: error.position.column, title: `Input '${error.input}'` }
      : error instanceof InputError
        ? { title: `Input '${error.input}'` }
        : undefined;
  core.error(message, annotation);
  process.exitCode = core.ExitCode.Failure;
}

export async function run(options: RunOptions = {}): Promise<void> {
  const logger = options.logger ?? actionsLogger;
  secrets.onSecret((value) => core.setSecret(value));
  secrets.add(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  secrets.add(process.env.ACTIONS_RUNTIME_TOKEN);
  const record = new RunRecord();
  record.command = core.getInput('command') || 'submit';
  let artifactName = core.getInput('artifact-name');
  try {
    // Mask the secret before anything could print it, even a failing validation.
    secrets.add(core.getInput('client-secret'));
    const prepared = readInputs((name) => core.getInput(name));
    record.command = prepared.command;
    artifactName = prepared.common.artifactName;
    await prepared.run(buildContext(prepared.common, record, logger));
    record.succeeded = true;
  } catch (error) {
    reportFailure(error, record);
  }
  try {
    record.origin = await runOrigin();
  } catch (error) {
    core.debug(`The workflow run could not be read: ${secrets.redact(errorMessage(error))}`);
  }
  for (const [name, value] of Object.entries(outputsOf(record))) core.setOutput(name, value);
  try {
    await core.summary.addRaw(renderSummary(record)).write();
  } catch (error) {
    core.debug(`No job summary written: ${secrets.redact(errorMessage(error))}`);
  }
  await uploadRecord(record, artifactName, logger);
}
