/**
 * The error funnel's one `::error::` line: what failed, or where a stopped run was and what it leaves
 * in the Store, with no secret in it.
 */
import * as core from '@actions/core';
import { INPUT_ERROR_TITLE, logError } from '../actions-log.js';
import { InputError, TitledError, errorMessage } from '../errors.js';
import { formatDuration } from '../format.js';
import { JsonSyntaxError } from '../inputs/json.js';
import { secrets } from '../redact.js';
import { RunStopped } from '../stop.js';
import type { RunRecord } from './record.js';

/** What a stopped run says: why, where it was, and the submission it leaves behind with its last status. */
function stoppedMessage(stopped: RunStopped, record: RunRecord): string {
  const head =
    stopped.kind === 'timeout'
      ? `Timed out after ${formatDuration(Number(stopped.detail) * 60)} ('timeout-minutes: ${stopped.detail}')`
      : `The run was ${stopped.message}`;
  // The Store's last words on the call that kept failing, where one did.
  const last = stopped.lastFailure ? ` ${stopped.lastFailure}` : '';
  if (!record.submissionId)
    return `${head}${record.phase ? ` during '${record.phase}'` : ''}; no submission was created.${last}`;
  const raise = stopped.kind === 'timeout' ? ", and raise 'timeout-minutes' for longer waits" : '';
  const where = record.status ? `is still in ${record.status}` : 'is left as it was';
  const created = record.createdSubmission ? ' (this run created it)' : '';
  return (
    `${head}: submission ${record.submissionId} ${where}${record.phase ? ` (the run was in '${record.phase}')` : ''}. ` +
    `It stays in the Store${created}; follow it in Partner Center or with 'command: status'${raise}.${last}`
  );
}

/**
 * The longest `::error` message: room for any message of the action's own, so only text from the
 * Store or a server is ever cut (docs/contract.md, "Limits").
 */
const MAX_ERROR_CHARS = 16_000;

/** `message`, cut to MAX_ERROR_CHARS with the count of characters left out. */
function cutMessage(message: string): string {
  if (message.length <= MAX_ERROR_CHARS) return message;
  return `${message.slice(0, MAX_ERROR_CHARS)}… (${(message.length - MAX_ERROR_CHARS).toLocaleString('en-US')} more characters)`;
}

function failureMessage(error: unknown, record: RunRecord): string {
  let message = secrets.redact(error instanceof RunStopped ? stoppedMessage(error, record) : errorMessage(error));
  // A stopped run's message already says where the submission is.
  if (record.createdSubmission && record.submissionId && !(error instanceof RunStopped)) {
    message += ` (this run created submission ${record.submissionId}, which is still in the Store)`;
  }
  return message;
}

/**
 * One `::error::` line; a JSON syntax error points at its file, line and column. The message of an
 * input error names the input once ("Input 'x': ..."); the annotation's title does not repeat it.
 */
export function reportFailure(error: unknown, record: RunRecord): void {
  const message = cutMessage(failureMessage(error, record));
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
        : error instanceof TitledError
          ? { title: error.title }
          : undefined;
  logError(message, annotation);
  process.exitCode = core.ExitCode.Failure;
}
