/** The upload of a run's files: one zip built from them, or the ready-made `zip-path`, to the submission's SAS URL. */
import { formatSize } from '../../format.js';
import type { JsonObject } from '../../json.js';
import { uploadEntries, uploadZipFile, type UploadResult } from '../../upload/upload.js';
import type { RunContext } from '../context.js';
import type { FileToUpload } from '../files.js';

/**
 * Uploads `files` as one zip (or `zipPath` as it is) to `submission.fileUploadUrl`, and records
 * each entry and the throughput. Throws an Error when the submission has no upload URL (one made in
 * Partner Center), and whatever the upload throws (see upload/upload.ts).
 */
export async function uploadFiles(
  ctx: RunContext,
  submission: JsonObject,
  files: readonly FileToUpload[],
  zipPath: string | undefined,
): Promise<void> {
  const { logger, record } = ctx;
  const uploadUrl = submission.fileUploadUrl;
  if (typeof uploadUrl !== 'string' || !uploadUrl) {
    throw new Error(
      `Submission ${String(submission.id)} has no upload URL (fileUploadUrl). Submissions created in Partner Center cannot take uploads; ` +
        "delete it there, or set 'on-pending: delete', and run again.",
    );
  }
  let result: UploadResult;
  if (zipPath) {
    result = await uploadZipFile(uploadUrl, zipPath, { logger, signal: ctx.signal });
  } else {
    for (const file of files) logger.info(`  ${file.name} (${formatSize(file.size)})`);
    result = await uploadEntries(
      uploadUrl,
      files.map((f) => ({ name: f.name, path: f.path })),
      { logger, signal: ctx.signal },
    );
  }
  record.files.push(...result.entries.map((e) => ({ name: e.name, size: e.size })));
  record.upload = { bytes: result.bytes, seconds: result.seconds, mbPerSecond: result.mbPerSecond };
}
