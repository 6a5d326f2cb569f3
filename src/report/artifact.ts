/**
 * The sanitized record of the run, uploaded as a workflow artifact: the submission as sent and as
 * returned (no upload URL), the status history and every call with its correlation ID. Skipped
 * quietly where there is no artifact service (local runs, tests). `@actions/artifact` (about
 * 0.25 s and 45 MB at start-up) is loaded only when there is a record to upload. The upload comes
 * last, after outputs and job summary, and is bounded: a stuck artifact service cannot hold the run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../log.js';
import { secrets } from '../redact.js';
import { linksOf } from './links.js';
import type { RunRecord } from './record.js';

/** The record as the artifact holds it; every string passed through redaction. */
export function recordDocument(record: RunRecord): string {
  const document = {
    command: record.command,
    target: record.target,
    startedAt: record.startedAt.toISOString(),
    origin: record.origin,
    succeeded: record.succeeded,
    submissionId: record.submissionId,
    status: record.status,
    statusDetails: record.statusDetails,
    timeline: record.timeline,
    files: record.files,
    installers: record.installers,
    upload: record.upload,
    rolloutBefore: record.rolloutBefore,
    rolloutAfter: record.rolloutAfter,
    verification: record.verification,
    flightId: record.flightId,
    addOnId: record.addOnId,
    ...linksOf(record),
    errors: record.errors,
    warnings: record.warnings,
    plan: record.plan,
    submissionSent: record.submissionSent,
    submissionReturned: record.submissionReturned,
    calls: record.calls,
  };
  return secrets.redact(JSON.stringify(document, null, 2));
}

/** How long the record's upload may take at most, on top of the run's deadline: it must not hold a finished run. */
export const RECORD_UPLOAD_LIMIT_MS = 30_000;

/** What bounds the record's upload: the run's deadline and its stop signal (both absent when the inputs failed). */
export interface UploadBounds {
  deadline?: Date | undefined;
  /** Aborted: the run was stopped (a cancel, a time-out), and the upload is skipped or given up. */
  signal?: AbortSignal | undefined;
  /** The upload's own limit in milliseconds; default RECORD_UPLOAD_LIMIT_MS. */
  limitMs?: number;
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * Uploads the record as the artifact `name` (a no-op for an empty name, or off a GitHub runner:
 * no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL), within the earlier of the run's deadline and
 * `limitMs` from now; skipped when the run was stopped. Never throws: a failure is a warning.
 * Returns true when the upload was given up while still running: `@actions/artifact` takes no
 * abort signal, so its requests may still hold the process open.
 */
export async function uploadRecord(
  record: RunRecord,
  name: string,
  logger: Logger,
  bounds: UploadBounds = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  if (!name) return false;
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    logger.debug('No artifact service here (not on a GitHub runner); the run record is not uploaded');
    return false;
  }
  const limitMs = Math.min(
    bounds.limitMs ?? RECORD_UPLOAD_LIMIT_MS,
    bounds.deadline ? bounds.deadline.getTime() - Date.now() : Infinity,
  );
  if (bounds.signal?.aborted || limitMs <= 0) {
    const why = bounds.signal?.aborted ? 'The run was stopped' : "The run's deadline has passed";
    logger.info(`${why}: the run record is not uploaded as artifact '${name}'`);
    return false;
  }
  const giveUp = AbortSignal.any([AbortSignal.timeout(limitMs), ...(bounds.signal ? [bounds.signal] : [])]);
  const folder = await mkdtemp(path.join(env.RUNNER_TEMP || os.tmpdir(), 'store-submit-record-'));
  try {
    const file = path.join(folder, 'store-submission-record.json');
    await writeFile(file, recordDocument(record));
    // Loaded only here: the artifact client is heavy and most runs' start-up should not pay for it.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const upload = new DefaultArtifactClient().uploadArtifact(name, [file], folder, { retentionDays: 90 });
    const finished = await Promise.race([upload.then(() => true), aborted(giveUp).then(() => false)]);
    if (finished) {
      logger.info(`Uploaded the run record as artifact '${name}'`);
      return false;
    }
    // Its outcome no longer matters, and must not surface as an unhandled rejection.
    upload.catch(() => undefined);
    const why = bounds.signal?.aborted
      ? 'the run was stopped'
      : `the artifact service did not answer within ${Math.ceil(limitMs / 1000)} s`;
    logger.warning(`Gave up uploading the run record artifact '${name}': ${why}`);
    return true;
  } catch (error) {
    logger.warning(`Could not upload the run record artifact '${name}': ${secrets.redact(String(error))}`);
    return false;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
