/** What the Store filled in once it processed the submission: each package's version and architecture, and the rollout. */
import { isJsonObject, type JsonObject } from '../../json.js';
import { packageKey } from '../../packages/names.js';
import type { KindDescriptor } from '../../store/kinds.js';
import { rolloutOfSubmission } from '../../store/rollout.js';
import type { RunContext } from '../context.js';

/**
 * Shows, in the log, summary and outputs, the version and architecture the Store reports for each
 * uploaded package, and the submission's gradual rollout where it has one. `submission`: the
 * resource as the wait last read it. Nothing for a kind without packages.
 */
export function reportProcessedSubmission(
  ctx: RunContext,
  kind: KindDescriptor,
  submissionId: string,
  submission: JsonObject,
): void {
  const { record, logger } = ctx;
  if (!kind.packagesField) return;
  const entries = submission[kind.packagesField];
  for (const file of record.files) {
    const key = packageKey(file.name);
    const entry = Array.isArray(entries)
      ? entries.find((e) => isJsonObject(e) && typeof e.fileName === 'string' && packageKey(e.fileName) === key)
      : undefined;
    if (!isJsonObject(entry)) continue;
    if (typeof entry.version === 'string') file.version = entry.version;
    if (typeof entry.architecture === 'string') file.architecture = entry.architecture;
  }
  const rollout = rolloutOfSubmission(submission);
  if (rollout.status || rollout.percentage !== undefined) {
    record.rolloutAfter = rollout;
    logger.info(
      `Gradual rollout of submission ${submissionId}: ${rollout.status ?? 'set'} at ${rollout.percentage ?? 0}%`,
    );
  }
}
