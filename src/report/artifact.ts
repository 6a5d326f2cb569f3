/**
 * The sanitized record of the run, uploaded as a workflow artifact: the submission as sent and as
 * returned (no upload URL), the status history and every call with its correlation ID. Skipped
 * quietly where there is no artifact service (local runs, tests). `@actions/artifact` (about
 * 0.25 s and 45 MB at start-up) is loaded only when there is a record to upload.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../log.js';
import { secrets } from '../redact.js';
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
    flightId: record.flightId,
    addOnId: record.addOnId,
    errors: record.errors,
    warnings: record.warnings,
    plan: record.plan,
    submissionSent: record.submissionSent,
    submissionReturned: record.submissionReturned,
    calls: record.calls,
  };
  return secrets.redact(JSON.stringify(document, null, 2));
}

/**
 * Uploads the record as the artifact `name` (a no-op for an empty name, or off a GitHub runner:
 * no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL). Never throws: a failure is a warning.
 */
export async function uploadRecord(
  record: RunRecord,
  name: string,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (!name) return;
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    logger.debug('No artifact service here (not on a GitHub runner); the run record is not uploaded');
    return;
  }
  const folder = await mkdtemp(path.join(env.RUNNER_TEMP || os.tmpdir(), 'store-submit-record-'));
  try {
    const file = path.join(folder, 'store-submission-record.json');
    await writeFile(file, recordDocument(record));
    // Loaded only here: the artifact client is heavy and most runs' start-up should not pay for it.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    await new DefaultArtifactClient().uploadArtifact(name, [file], folder, { retentionDays: 90 });
    logger.info(`Uploaded the run record as artifact '${name}'`);
  } catch (error) {
    logger.warning(`Could not upload the run record artifact '${name}': ${secrets.redact(String(error))}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
