/**
 * What the Store took once it processed the commit. The Store can drop a package in processing, or
 * leave a flight's packages as they were, while every status says success, so the submission is
 * read back and checked against what the run committed (docs/store-api.md#what-the-store-took-after-a-commit);
 * the versions, architectures and rollout the Store filled in are shown in the log and summary.
 */
import { TitledError } from '../../errors.js';
import { isJsonObject, type JsonObject } from '../../json.js';
import { packageKey } from '../../packages/names.js';
import type { VerificationRecord } from '../../report/record.js';
import type { KindDescriptor, Target } from '../../store/kinds.js';
import { rolloutOfSubmission } from '../../store/rollout.js';
import { checkTaken, describeTakenProblem } from '../../submission/readback.js';
import type { RunContext } from '../context.js';
import { submissionStatus } from '../pending.js';

/** The keys of a status answer (`GET .../status`); a read with any other key is the whole resource. */
const STATUS_KEYS = new Set(['status', 'statusDetails']);

/** Statuses in which a submission still lists what was committed: the Store has not pre-processed it yet. */
const UNPROCESSED = new Set(['PendingCommit', 'CommitStarted', 'PreProcessing']);

/** The title of the `::error::` when the read-back differs from the commit. */
const TITLE = 'The Store did not take what was committed';

/**
 * Checks what the Store took of `committed` (the submission as this run committed it, or found it
 * committed when it only waits) once the wait is over: `processed` is the wait's last read,
 * reused when it is the whole resource, else the submission is read once more (one GET);
 * undefined when the run did not wait (`wait-for: none`), which is recorded as not checked, as is a
 * `committed` found already past pre-processing (its read shows the Store's result, not the commit). Records
 * the outcome (outputs, summary, run record) and the versions and architectures the Store reports
 * for the uploaded files. Throws TitledError naming each file the Store dropped, removed, marked
 * PendingDelete or lists with another version than its manifest gives.
 */
export async function checkProcessedSubmission(
  ctx: RunContext,
  kind: KindDescriptor,
  target: Target,
  submissionId: string,
  processed: JsonObject | undefined,
  committed: JsonObject,
): Promise<void> {
  const { record, logger } = ctx;
  if (!processed) {
    record.verification = notChecked("'wait-for: none' returns before the Store processes the commit");
    logger.info(
      `What the Store took of submission ${submissionId} is not checked: ${record.verification.reason}; 'wait-for: commit' checks it`,
    );
    return;
  }
  // The submission this run sent has no status; one it found (command: commit, a continued run) has.
  const foundAt = typeof committed.status === 'string' ? committed.status : 'PendingCommit';
  if (!UNPROCESSED.has(foundAt)) {
    record.verification = notChecked(
      `the submission was already ${foundAt} when this run found it, so what was committed is no longer known`,
    );
    logger.info(`What the Store took of submission ${submissionId} is not checked: ${record.verification.reason}`);
    showFilledIn(ctx, kind, submissionId, processed);
    return;
  }
  const readBack = Object.keys(processed).some((key) => !STATUS_KEYS.has(key))
    ? processed
    : await ctx.store.getSubmission(target, submissionId);
  showFilledIn(ctx, kind, submissionId, readBack);

  const newPackages = new Map(record.packages.map((p) => [p.file, [p.version, ...(p.otherVersions ?? [])]]));
  const check = checkTaken(kind, committed, readBack, newPackages);
  const status = submissionStatus(readBack);
  const problems = check.problems.map(describeTakenProblem);
  record.verification = {
    outcome: problems.length ? 'failed' : check.versionNotReported.length ? 'unconfirmed' : 'passed',
    status,
    added: check.added,
    kept: check.kept,
    problems,
    versionNotReported: check.versionNotReported,
  };
  if (problems.length) {
    throw new TitledError(
      TITLE,
      `Submission ${submissionId} is ${status}, but the Store did not take what this run committed: ${problems.join('; ')}. ` +
        'No Store status reports this. Open the submission in Partner Center to see what it holds: an .msixupload or .appxupload ' +
        'that is not one package or bundle (plus symbol files) is dropped this way, and a fault on the Store side has lost flight packages before. ' +
        'Fix the cause and submit again; the API cannot cancel a submission in processing, Partner Center can.',
    );
  }
  logger.info(
    `What the Store took: submission ${submissionId} (${status}) lists the ${check.added.length} file(s) this run added and the ${check.kept.length} it kept`,
  );
  if (check.versionNotReported.length) {
    logger.info(
      `The Store reports no version yet for ${check.versionNotReported.join(', ')} (at ${status}): file names checked, versions not; 'wait-for: publish' checks them too`,
    );
  }
}

function notChecked(reason: string): VerificationRecord {
  return { outcome: 'not-checked', added: [], kept: [], problems: [], versionNotReported: [], reason };
}

/** Copies the version and architecture the Store reports for each uploaded package into the record, and records the rollout. */
function showFilledIn(ctx: RunContext, kind: KindDescriptor, submissionId: string, submission: JsonObject): void {
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
