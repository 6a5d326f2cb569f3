/** The update (PUT) of the submission a run works on, and what the record keeps of what was sent. */
import { StoreApiError } from '../../errors.js';
import { isJsonObject, type JsonObject } from '../../json.js';
import { secrets, urlWithoutQuery } from '../../redact.js';
import type { KindDescriptor } from '../../store/kinds.js';
import { buildSubmission, type SubmissionChanges } from '../../submission/build.js';
import { withoutServiceFields } from '../../submission/merge.js';
import { recordBuilt } from '../content.js';
import type { RunContext } from '../context.js';
import { filesToUpload, type FileToUpload } from '../files.js';
import type { SubmitInputs } from './inputs.js';

/** What the record and the artifact keep of a submission: everything but the upload URL's query, secrets redacted. */
export function sanitized(submission: JsonObject): JsonObject {
  const copy: JsonObject = { ...submission };
  if (typeof copy.fileUploadUrl === 'string') copy.fileUploadUrl = urlWithoutQuery(copy.fileUploadUrl);
  return JSON.parse(secrets.redact(JSON.stringify(copy))) as JsonObject;
}

/**
 * PUTs this run's changes onto `current` (the created copy, or the continued submission) and
 * returns what was sent with the files the zip must hold, found from what is really sent (the new
 * copy could differ from the published one). When the Store refuses the update of a draft this run
 * created, before anything was uploaded, the draft is deleted again so the next run is not blocked
 * by it, and the error says so. Throws InputError for a change that does not fit the copy.
 */
export async function updateSubmission(
  ctx: RunContext,
  kind: KindDescriptor,
  inputs: SubmitInputs,
  current: JsonObject,
  changes: SubmissionChanges,
  packages: FileToUpload[],
): Promise<{ submission: JsonObject; uploadFiles: FileToUpload[] }> {
  const { store, logger, record } = ctx;
  const submissionId = String(current.id);
  return ctx.phase('Update the submission', async () => {
    const built = buildSubmission(kind, withoutServiceFields(current), changes);
    const { submission, warnings } = built;
    recordBuilt(ctx, built);
    const uploadFiles = inputs.zipPath
      ? []
      : filesToUpload(kind, submission, packages, inputs.contentRoot, built.uploads);
    for (const warning of warnings) {
      logger.warning(warning);
      record.warnings.push(warning);
    }
    record.submissionSent = sanitized(submission);
    try {
      record.submissionReturned = sanitized(await store.updateSubmission(inputs.target, submissionId, submission));
    } catch (error) {
      if (!(record.createdSubmission && error instanceof StoreApiError && error.httpStatus === 400)) throw error;
      await store.deleteSubmission(inputs.target, submissionId);
      record.createdSubmission = false;
      record.submissionId = undefined;
      throw new Error(
        `${error.message}. The draft submission ${submissionId} this run created was deleted again, so the next run is not blocked by it.`,
        { cause: error },
      );
    }
    logger.info(`Updated submission ${submissionId}: ${describeChanges(kind, changes, submission)}`);
    return { submission, uploadFiles };
  });
}

/** The changes, as a log line; a date is shown as it was sent (UTC, as the Store reads it). */
function describeChanges(kind: KindDescriptor, changes: SubmissionChanges, sent: JsonObject): string {
  const parts: string[] = [];
  if (changes.overlay) parts.push('merged submission-json');
  if (changes.newPackages.length)
    parts.push(
      `${changes.newPackages.length} new package(s)${changes.replacePackages ? ', old packages PendingDelete' : ''}`,
    );
  if (changes.releaseNotes !== undefined && kind.hasReleaseNotes) parts.push('release notes');
  if (changes.notesForCertification !== undefined) parts.push('notes for certification');
  if (changes.targetPublishMode) parts.push(`publish mode ${changes.targetPublishMode}`);
  if (changes.targetPublishDate !== undefined) parts.push(`publish date ${String(sent.targetPublishDate)}`);
  if (changes.rolloutPercentage !== undefined) parts.push(`gradual rollout at ${changes.rolloutPercentage}%`);
  if (changes.mandatoryUpdate !== undefined) parts.push(`mandatory update ${changes.mandatoryUpdate}`);
  if (changes.mandatoryUpdateDate !== undefined) {
    const delivery = isJsonObject(sent.packageDeliveryOptions) ? sent.packageDeliveryOptions : {};
    parts.push(`mandatory from ${String(delivery.mandatoryUpdateEffectiveDate)}`);
  }
  return parts.length ? parts.join(', ') : 'no changes (the copy is submitted as it is)';
}
