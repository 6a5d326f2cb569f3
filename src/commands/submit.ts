/**
 * `command: submit`, one flow for apps, package flights and add-ons: read the product -> build and
 * check everything that will be sent -> (dry run stops here) -> open a submission (continue this
 * work, or settle a rollout, delete another pending one and create) -> update -> upload -> commit
 * -> wait. What differs between the three kinds is their KindDescriptor (store/kinds.ts); each step
 * lives in commands/submit/.
 */
import { InputError } from '../errors.js';
import type { JsonObject } from '../json.js';
import { submissionRef } from '../store/client.js';
import { KINDS, describeTarget, type KindDescriptor, type Target } from '../store/kinds.js';
import type { RolloutState } from '../store/rollout.js';
import { buildSubmission, checkChanges } from '../submission/build.js';
import { diffSubmissions, isUnchanged } from '../submission/diff.js';
import { pendingUploads } from '../submission/files.js';
import { withoutServiceFields } from '../submission/merge.js';
import type { Command } from './command.js';
import { checkNewPackages, contentChanges, prepareContent, recordBuilt } from './content.js';
import type { RunContext } from './context.js';
import { checkReadyZip, filesToUpload, findPackages } from './files.js';
import { decidePending, submissionStatus } from './pending.js';
import { planDryRun } from './submit/dry-run.js';
import { SUBMIT_INPUTS, changesFrom, readSubmitInputs, type SubmitInputs } from './submit/inputs.js';
import { openSubmission } from './submit/open.js';
import { checkProcessedSubmission } from './submit/processed.js';
import { updateSubmission } from './submit/update.js';
import { uploadFiles } from './submit/upload.js';
import { commitAndWait } from './wait.js';

export type { SubmitInputs } from './submit/inputs.js';

export const submit: Command<SubmitInputs> = {
  name: 'submit',
  inputs: SUBMIT_INPUTS,
  parse: readSubmitInputs,
  run: runSubmit,
};

async function runSubmit(ctx: RunContext, inputs: SubmitInputs): Promise<void> {
  const { logger, record } = ctx;
  const { target } = inputs;
  const kind = KINDS[target.kind];
  record.setTarget(target);
  if (inputs.dryRun) logger.info('Dry run: the action signs in and reads, and changes nothing in the Store.');

  // Local files first, before signing in: a wrong path fails at once.
  const packages = await findPackages(inputs.packages, inputs.workspace);
  const content = await prepareContent(ctx, inputs, target, packages);
  const changes = { ...changesFrom(inputs, packages), ...contentChanges(inputs, content) };
  checkChanges(kind, changes);
  const { product, published, rollout, pending } = await readProduct(ctx, kind, target);
  // The files this run adds are those it marks for upload on the last published submission: they
  // tell its own pending work from an earlier attempt (images included, by their content hash).
  const onPublished = buildSubmission(kind, withoutServiceFields(published ?? {}), changes);
  const added = pendingUploads(kind, onPublished.submission);
  const decision = decidePending(kind, pending, added, inputs.onPending, describeTarget(target));
  if (decision.action === 'stop' && pending) {
    // The pending submission that stops the run is named in the outputs and the summary, not only in the error.
    record.submissionId = String(pending.id);
    record.blockedBy = record.submissionId;
    record.observeStatus(submissionStatus(pending), ctx.clock.now(), ctx.clock.now());
  }

  // Everything that can be checked is checked against what the run will build on, before any change;
  // a continued submission's own entries for this run's packages are not duplicates.
  const base = decision.action === 'continue' || decision.action === 'wait' ? decision.submission : published;
  await checkNewPackages(
    ctx,
    target,
    kind,
    content,
    product,
    base,
    base === published ? {} : { ignoreFileNames: changes.newPackages },
  );
  const preview = base === published ? onPublished : buildSubmission(kind, withoutServiceFields(base ?? {}), changes);
  recordBuilt(ctx, preview);
  const files = inputs.zipPath
    ? []
    : filesToUpload(kind, preview.submission, packages, inputs.contentRoot, preview.uploads);
  if (inputs.zipPath) await checkReadyZip(kind, preview.submission, inputs.zipPath);
  const unchanged =
    decision.action === 'create' &&
    published !== undefined &&
    !inputs.zipPath &&
    files.length === 0 &&
    isUnchanged(
      diffSubmissions(kind, withoutServiceFields(published), withoutServiceFields(preview.submission)),
      changes.rolloutPercentage !== undefined,
    );

  if (inputs.dryRun) {
    const { submission, warnings } = preview;
    planDryRun(ctx, kind, inputs, {
      published: published ?? {},
      rollout,
      submission,
      warnings,
      files,
      decision,
      unchanged,
    });
    return;
  }
  if (unchanged && inputs.ifUnchanged !== 'submit') {
    skipUnchanged(ctx, inputs, published ?? {});
    return;
  }

  const opened = await openSubmission(ctx, inputs, decision, published, rollout);
  const { alreadyCommitted } = opened;
  let submission = opened.submission;
  if (!alreadyCommitted) {
    const sent = await updateSubmission(ctx, kind, inputs, submission, changes, packages);
    if (inputs.zipPath || sent.uploadFiles.length > 0) {
      await ctx.phase('Upload', () => uploadFiles(ctx, submission, sent.uploadFiles, inputs.zipPath));
    } else {
      logger.info('Nothing to upload: the submission names no new file');
    }
    submission = sent.submission;
  }
  if (!inputs.commit && !alreadyCommitted) {
    record.staged = true;
    record.stagedDiff = diffSubmissions(kind, withoutServiceFields(published ?? {}), withoutServiceFields(submission));
    record.observeStatus('PendingCommit', ctx.clock.now(), ctx.clock.now());
    logger.info(
      `Staged submission ${record.submissionId}: updated and uploaded, not committed ('commit: false'). Commit it with 'command: commit' and 'submission-id: ${record.submissionId}'.`,
    );
    return;
  }
  const submissionId = String(record.submissionId);
  const publishMode = typeof submission.targetPublishMode === 'string' ? submission.targetPublishMode : undefined;
  const processed = await commitAndWait(ctx, target, submissionId, publishMode, inputs, alreadyCommitted);
  await checkProcessedSubmission(ctx, kind, target, submissionId, processed, submission);
}

/** The product, its last published and pending submissions, and the published one's rollout. */
async function readProduct(
  ctx: RunContext,
  kind: KindDescriptor,
  target: Target,
): Promise<{
  product: JsonObject;
  published: JsonObject | undefined;
  rollout: RolloutState;
  pending: JsonObject | undefined;
}> {
  const { store, logger } = ctx;
  return ctx.phase(`Read the ${describeTarget(target)}`, async () => {
    const product = await store.getProduct(target);
    const publishedId = submissionRef(product, kind.lastPublishedField);
    const pendingId = submissionRef(product, kind.pendingField);
    const published = publishedId ? await store.getSubmission(target, publishedId) : undefined;
    const pending = pendingId ? await store.getSubmission(target, pendingId) : undefined;
    logger.info(
      `${describeTarget(target)}: ${describeProduct(product)}; last published submission ${publishedId ?? 'none'}; pending submission ${pendingId ?? 'none'}`,
    );
    const rollout = kind.hasPackageDelivery && published ? await store.publishedRolloutState(target, published) : {};
    return { product, published, rollout, pending };
  });
}

function describeProduct(product: JsonObject): string {
  const name = product.primaryName ?? product.friendlyName ?? product.productId;
  return typeof name === 'string' ? `'${name}'` : 'found';
}

/**
 * `if-unchanged` when nothing would change: `fail` throws InputError naming the inputs that change
 * something; `skip` records the last published submission as the outcome.
 */
function skipUnchanged(ctx: RunContext, inputs: SubmitInputs, published: JsonObject): void {
  const { logger, record } = ctx;
  if (inputs.ifUnchanged === 'fail') {
    throw new InputError(
      'if-unchanged',
      `nothing would change: the submission would be the same as the last published one (${String(published.id)}). ` +
        "Give what should change ('packages', 'release-notes', 'submission-json', ...), or set 'if-unchanged: skip' to succeed without submitting, or 'if-unchanged: submit' to certify the same content again.",
    );
  }
  record.submissionId = String(published.id);
  record.observeStatus(submissionStatus(published), ctx.clock.now(), ctx.clock.now());
  logger.info(
    `Nothing would change against the last published submission ${String(published.id)}; nothing was submitted ('if-unchanged: skip')`,
  );
}
