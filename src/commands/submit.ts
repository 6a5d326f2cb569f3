/**
 * `command: submit`, one flow for apps, package flights and add-ons: read the product -> build and
 * check everything that will be sent -> (dry run stops here) -> settle an existing rollout and a
 * pending submission -> create -> update -> upload -> commit -> wait.
 */
import path from 'node:path';
import { InputError, StoreApiError } from '../errors.js';
import { formatSize } from '../format.js';
import { readRolloutPercentage, readTarget } from '../inputs/common.js';
import type { InputReader, JsonInput } from '../inputs/reader.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { backoffDelayMs } from '../retry.js';
import { secrets, urlWithoutQuery } from '../redact.js';
import { submissionRef } from '../store/client.js';
import { KINDS, describeTarget, type KindDescriptor, type Target } from '../store/kinds.js';
import { rolloutOfSubmission, type RolloutState } from '../store/rollout.js';
import {
  PUBLISH_MODES,
  buildSubmission,
  checkChanges,
  type PublishMode,
  type SubmissionChanges,
} from '../submission/build.js';
import { diffSubmissions } from '../submission/diff.js';
import { withoutServiceFields } from '../submission/merge.js';
import { uploadEntries, uploadZipFile, type UploadResult } from '../upload/upload.js';
import { zipSize } from '../upload/zip.js';
import { ANY_PRODUCT, PACKAGED_PRODUCTS, type Command } from './command.js';
import type { RunContext } from './context.js';
import {
  checkNewPackages,
  contentChanges,
  prepareContent,
  readContentInputs,
  recordBuilt,
  type ContentInputs,
} from './content.js';
import { checkReadyZip, filesToUpload, findPackages, type FileToUpload } from './files.js';
import { decidePending, submissionStatus, type PendingDecision } from './pending.js';
import { commitAndWait, readWaitSettings, type WaitSettings } from './wait.js';

export interface SubmitInputs extends WaitSettings, ContentInputs {
  target: Target;
  /** `submission-json`, merged onto the copy as a JSON merge patch. */
  submissionJson: JsonInput | undefined;
  /** Absolute folder where file names of the submission are looked up. */
  contentRoot: string;
  /** The workspace, against which the package globs are matched. */
  workspace: string;
  /** Glob patterns of package files, one per line of `packages`. */
  packages: string[];
  /** A ready-made zip to upload as it is. */
  zipPath: string | undefined;
  replacePackages: boolean;
  releaseNotes: string | undefined;
  notesForCertification: string | undefined;
  targetPublishMode: PublishMode | undefined;
  targetPublishDate: string | undefined;
  rolloutPercentage: number | undefined;
  mandatoryUpdate: boolean | undefined;
  mandatoryUpdateDate: string | undefined;
  onPending: 'fail' | 'delete';
  existingRollout: 'fail' | 'finalize' | 'halt';
  dryRun: boolean;
  /** `commit: false` stages: created, updated and uploaded, not committed. */
  commit: boolean;
  /** What to do when the submission would be the same as the last published one. */
  ifUnchanged: 'fail' | 'skip' | 'submit';
}

function readSubmitInputs(read: InputReader): SubmitInputs {
  const submissionJson = read.json('submission-json');
  const contentRoot =
    read.existing('content-root', 'folder') ??
    (submissionJson?.file ? path.dirname(submissionJson.file) : read.workspace);
  const zipPath = read.existing('zip-path', 'file');
  const packages = read.list('packages', /\r?\n/);
  if (zipPath && packages.length > 0) {
    throw new InputError(
      'packages',
      "cannot be combined with 'zip-path': a ready-made zip is uploaded as it is; name its packages in 'submission-json' instead.",
    );
  }
  return {
    target: readTarget(read, 'submit'),
    submissionJson,
    contentRoot,
    workspace: read.workspace,
    packages,
    zipPath,
    replacePackages: read.bool('replace-packages') ?? false,
    releaseNotes: read.prose('release-notes'),
    notesForCertification: read.prose('notes-for-certification'),
    targetPublishMode: read.optionalChoice('target-publish-mode', PUBLISH_MODES),
    targetPublishDate: read.dateTime('target-publish-date'),
    rolloutPercentage: readRolloutPercentage(read),
    mandatoryUpdate: read.bool('mandatory-update'),
    mandatoryUpdateDate: read.dateTime('mandatory-update-date'),
    onPending: read.choice('on-pending', ['fail', 'delete'] as const, 'fail'),
    existingRollout: read.choice('existing-rollout', ['fail', 'finalize', 'halt'] as const, 'fail'),
    ...readWaitSettings(read),
    dryRun: read.bool('dry-run') ?? false,
    commit: read.bool('commit') ?? true,
    ifUnchanged: read.choice('if-unchanged', ['fail', 'skip', 'submit'] as const, 'fail'),
    ...readContentInputs(read),
  };
}

export const submit: Command<SubmitInputs> = {
  name: 'submit',
  inputs: {
    'app-id': ANY_PRODUCT,
    'flight-id': ANY_PRODUCT,
    'add-on-id': ANY_PRODUCT,
    'submission-json': ANY_PRODUCT,
    'content-root': ANY_PRODUCT,
    packages: PACKAGED_PRODUCTS,
    'replace-packages': PACKAGED_PRODUCTS,
    'keep-package-versions': PACKAGED_PRODUCTS,
    listings: ['app', 'add-on'],
    'zip-path': ANY_PRODUCT,
    'release-notes': ['app'],
    'notes-for-certification': PACKAGED_PRODUCTS,
    'target-publish-mode': ANY_PRODUCT,
    'target-publish-date': ANY_PRODUCT,
    'rollout-percentage': PACKAGED_PRODUCTS,
    'mandatory-update': PACKAGED_PRODUCTS,
    'mandatory-update-date': PACKAGED_PRODUCTS,
    'on-pending': ANY_PRODUCT,
    'existing-rollout': PACKAGED_PRODUCTS,
    'dry-run': ANY_PRODUCT,
    commit: ANY_PRODUCT,
    'if-unchanged': ANY_PRODUCT,
  },
  parse: readSubmitInputs,
  run: runSubmit,
};

function changesFrom(inputs: SubmitInputs, packages: FileToUpload[]): SubmissionChanges {
  return {
    overlay: inputs.submissionJson?.value,
    newPackages: packages.map((p) => p.name),
    replacePackages: inputs.replacePackages,
    releaseNotes: inputs.releaseNotes,
    notesForCertification: inputs.notesForCertification,
    targetPublishMode: inputs.targetPublishMode,
    targetPublishDate: inputs.targetPublishDate,
    rolloutPercentage: inputs.rolloutPercentage,
    mandatoryUpdate: inputs.mandatoryUpdate,
    mandatoryUpdateDate: inputs.mandatoryUpdateDate,
  };
}

/** What the record and the artifact keep of a submission: everything but the upload URL. */
function sanitized(submission: JsonObject): JsonObject {
  const copy: JsonObject = { ...submission };
  if (typeof copy.fileUploadUrl === 'string') copy.fileUploadUrl = urlWithoutQuery(copy.fileUploadUrl);
  return JSON.parse(secrets.redact(JSON.stringify(copy))) as JsonObject;
}

async function runSubmit(ctx: RunContext, inputs: SubmitInputs): Promise<void> {
  const { store, logger, record } = ctx;
  const { target } = inputs;
  const kind = KINDS[target.kind];
  record.setTarget(target);
  if (inputs.dryRun) logger.info('Dry run: the action signs in and reads, and changes nothing in the Store.');

  const packages = await findPackages(inputs.packages, inputs.workspace);
  const content = await prepareContent(ctx, inputs, target, packages);
  const changes = { ...changesFrom(inputs, packages), ...contentChanges(inputs, content) };
  checkChanges(kind, changes);
  const { product, published, rollout, pending } = await ctx.phase(`Read the ${describeTarget(target)}`, async () => {
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
  const decision = decidePending(kind, pending, changes.newPackages, inputs.onPending, describeTarget(target));

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
  const preview = buildSubmission(kind, withoutServiceFields(base ?? {}), changes);
  recordBuilt(ctx, preview);
  const files = inputs.zipPath
    ? []
    : filesToUpload(kind, preview.submission, packages, inputs.contentRoot, preview.uploads);
  if (inputs.zipPath) await checkReadyZip(kind, preview.submission, inputs.zipPath);
  const unchanged =
    decision.action === 'create' &&
    published !== undefined &&
    isUnchanged(kind, published, preview.submission, changes, files, inputs);

  if (inputs.dryRun) {
    planDryRun(ctx, inputs, published ?? {}, rollout, preview.submission, files, preview.warnings, decision, unchanged);
    return;
  }
  if (unchanged && inputs.ifUnchanged !== 'submit') {
    if (inputs.ifUnchanged === 'fail') {
      throw new InputError(
        'if-unchanged',
        `nothing would change: the submission would be the same as the last published one (${String(published?.id)}). ` +
          "Give what should change ('packages', 'release-notes', 'submission-json', ...), or set 'if-unchanged: skip' to succeed without submitting, or 'if-unchanged: submit' to certify the same content again.",
      );
    }
    record.submissionId = String(published?.id);
    record.observeStatus(submissionStatus(published ?? {}), ctx.clock.now(), ctx.clock.now());
    logger.info(
      `Nothing would change against the last published submission ${String(published?.id)}; nothing was submitted ('if-unchanged: skip')`,
    );
    return;
  }

  let submission: JsonObject;
  let alreadyCommitted = false;
  switch (decision.action) {
    case 'stop':
      throw new Error(decision.message);
    case 'continue':
    case 'wait':
      submission = decision.submission;
      record.submissionId = String(submission.id);
      alreadyCommitted = decision.action === 'wait';
      record.continued = { submissionId: record.submissionId, from: alreadyCommitted ? 'wait' : 'update' };
      logger.info(
        `Continuing submission ${record.submissionId}: created through the API and already listing this run's packages, it is this work from an earlier attempt; ` +
          (alreadyCommitted
            ? `it is already committed (${submissionStatus(submission)}), so the run only waits for it`
            : 'the run updates, uploads and commits it again'),
      );
      break;
    case 'delete':
    case 'create':
      if (published) await settleExistingRollout(ctx, inputs, published, rollout);
      if (decision.action === 'delete') {
        const pendingId = decision.submissionId;
        await ctx.phase(`Delete pending submission ${pendingId}`, async () => {
          await store.deleteSubmission(target, pendingId);
          logger.info(`Deleted pending submission ${pendingId} ('on-pending: delete')`);
        });
      }
      submission = await ctx.phase('Create the submission', () => createAfterRollout(ctx, inputs));
      break;
  }

  if (!alreadyCommitted) {
    const sent = await update(ctx, inputs, submission, changes, packages);
    if (inputs.zipPath || sent.uploadFiles.length > 0) {
      await ctx.phase('Upload', () => upload(ctx, inputs, submission, sent.uploadFiles));
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
  if (processed) reportProcessedSubmission(ctx, kind, submissionId, processed);
}

/**
 * Whether the submission this run would send is the same as the last published one: no field
 * changed and no file to upload. A carried-over rollout that the run switches off does not count.
 */
function isUnchanged(
  kind: KindDescriptor,
  published: JsonObject,
  submission: JsonObject,
  changes: SubmissionChanges,
  files: FileToUpload[],
  inputs: SubmitInputs,
): boolean {
  if (inputs.zipPath || files.length > 0) return false;
  const diff = diffSubmissions(kind, withoutServiceFields(published), withoutServiceFields(submission));
  const asked = changes.rolloutPercentage !== undefined;
  const changed = diff.changes.filter((c) => asked || !c.path.startsWith('packageDeliveryOptions.packageRollout'));
  return changed.length === 0 && diff.packagesAdded.length === 0 && diff.packagesMarkedForDeletion.length === 0;
}

/**
 * Creates the submission. Right after the action itself finalized or halted a rollout, the Store
 * can refuse a new submission for a while (400 "The size of Listings must be 1 or more", or 409) as
 * it republishes the app: that is waited out within `timeout-minutes`, retrying with backoff.
 */
async function createAfterRollout(ctx: RunContext, inputs: SubmitInputs): Promise<JsonObject> {
  const { store, logger, record } = ctx;
  const settledRollout = record.rolloutBefore !== undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const created = await store.createSubmission(inputs.target);
      record.submissionId = String(created.id);
      record.createdSubmission = true;
      logger.info(`Created submission ${record.submissionId} (a copy of the last published one)`);
      return created;
    } catch (error) {
      const republishing =
        settledRollout &&
        error instanceof StoreApiError &&
        (error.httpStatus === 409 || (error.httpStatus === 400 && /size of Listings/i.test(error.storeMessage ?? '')));
      if (!republishing) throw error;
      const delay = backoffDelayMs(attempt, { baseDelayMs: 5000, maxDelayMs: 60_000, random: Math.random });
      logger.info(
        `The Store refuses a new submission while it republishes the app after the rollout change (${error.message}); trying again in ${(delay / 1000).toFixed(1)} s`,
      );
      await ctx.clock.sleep(delay);
    }
  }
}

/**
 * PUTs this run's changes onto `current` (the created copy, or the continued submission). When the
 * Store refuses the update of a draft this run created, before anything was uploaded, the draft is
 * deleted again so the next run is not blocked by it, and the error says so.
 */
async function update(
  ctx: RunContext,
  inputs: SubmitInputs,
  current: JsonObject,
  changes: SubmissionChanges,
  packages: FileToUpload[],
): Promise<{ submission: JsonObject; uploadFiles: FileToUpload[] }> {
  const { store, logger, record } = ctx;
  const { target } = inputs;
  const kind = KINDS[target.kind];
  const submissionId = String(current.id);
  return ctx.phase('Update the submission', async () => {
    const built = buildSubmission(kind, withoutServiceFields(current), changes);
    const { submission, warnings } = built;
    recordBuilt(ctx, built);
    // The files come from what is really sent: the new copy could differ from the published one.
    const uploadFiles = inputs.zipPath
      ? []
      : filesToUpload(kind, submission, packages, inputs.contentRoot, built.uploads);
    for (const warning of warnings) {
      logger.warning(warning);
      record.warnings.push(warning);
    }
    record.submissionSent = sanitized(submission);
    try {
      record.submissionReturned = sanitized(await store.updateSubmission(target, submissionId, submission));
    } catch (error) {
      if (!(record.createdSubmission && error instanceof StoreApiError && error.httpStatus === 400)) throw error;
      await store.deleteSubmission(target, submissionId);
      record.createdSubmission = false;
      record.submissionId = undefined;
      throw new Error(
        `${error.message}. The draft submission ${submissionId} this run created was deleted again, so the next run is not blocked by it.`,
        { cause: error },
      );
    }
    logger.info(`Updated submission ${submissionId}: ${describeChanges(kind, changes)}`);
    return { submission, uploadFiles };
  });
}

function describeProduct(product: JsonObject): string {
  const name = product.primaryName ?? product.friendlyName ?? product.productId;
  return typeof name === 'string' ? `'${name}'` : 'found';
}

function describeChanges(kind: KindDescriptor, changes: SubmissionChanges): string {
  const parts: string[] = [];
  if (changes.overlay) parts.push('merged submission-json');
  if (changes.newPackages.length)
    parts.push(
      `${changes.newPackages.length} new package(s)${changes.replacePackages ? ', old packages PendingDelete' : ''}`,
    );
  if (changes.releaseNotes !== undefined && kind.hasReleaseNotes) parts.push('release notes');
  if (changes.notesForCertification !== undefined) parts.push('notes for certification');
  if (changes.targetPublishMode) parts.push(`publish mode ${changes.targetPublishMode}`);
  if (changes.rolloutPercentage !== undefined) parts.push(`gradual rollout at ${changes.rolloutPercentage}%`);
  if (changes.mandatoryUpdate !== undefined) parts.push(`mandatory update ${changes.mandatoryUpdate}`);
  return parts.length ? parts.join(', ') : 'no changes (the copy is submitted as it is)';
}

async function settleExistingRollout(
  ctx: RunContext,
  inputs: SubmitInputs,
  published: JsonObject,
  rollout: RolloutState,
): Promise<void> {
  const { store, logger, record } = ctx;
  if (rollout.status !== 'PackageRolloutInProgress') return;
  const publishedId = String(published.id);
  if (inputs.existingRollout === 'fail') {
    throw new Error(
      `The last published submission ${publishedId} still has a gradual rollout in progress at ${rollout.percentage ?? '?'}%. ` +
        "The Store cannot take a new submission until it is finalized or halted: set 'existing-rollout: finalize' (or 'halt'), or run 'command: rollout'.",
    );
  }
  await ctx.phase(
    `${inputs.existingRollout === 'finalize' ? 'Finalize' : 'Halt'} the rollout of submission ${publishedId}`,
    async () => {
      record.rolloutBefore = rollout;
      await store.changeRollout(
        inputs.target,
        publishedId,
        inputs.existingRollout === 'finalize' ? 'finalize' : 'halt',
      );
      record.rolloutAfter = await store.getRolloutState(inputs.target, publishedId);
      logger.info(
        `Rollout of submission ${publishedId}: ${record.rolloutAfter.status} at ${record.rolloutAfter.percentage}%`,
      );
    },
  );
}

async function upload(
  ctx: RunContext,
  inputs: SubmitInputs,
  created: JsonObject,
  files: FileToUpload[],
): Promise<void> {
  const { logger, record } = ctx;
  const uploadUrl = created.fileUploadUrl;
  if (typeof uploadUrl !== 'string' || !uploadUrl) {
    throw new Error(
      `Submission ${String(created.id)} has no upload URL (fileUploadUrl). Submissions created in Partner Center cannot take uploads; ` +
        "delete it there, or set 'on-pending: delete', and run again.",
    );
  }
  let result: UploadResult;
  if (inputs.zipPath) {
    result = await uploadZipFile(uploadUrl, inputs.zipPath, { logger, signal: ctx.signal });
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

/**
 * After processing the Store fills in each package's version and architecture: show them, and the
 * submission's gradual rollout where it has one (log, summary and outputs). `submission`: the
 * resource as the wait last read it.
 */
function reportProcessedSubmission(
  ctx: RunContext,
  kind: KindDescriptor,
  submissionId: string,
  submission: JsonObject,
): void {
  const { record, logger } = ctx;
  if (!kind.packagesField) return;
  const entries = submission[kind.packagesField];
  for (const file of record.files) {
    const entry = Array.isArray(entries) ? entries.find((e) => isJsonObject(e) && e.fileName === file.name) : undefined;
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

function planDryRun(
  ctx: RunContext,
  inputs: SubmitInputs,
  published: JsonObject,
  rollout: RolloutState,
  submission: JsonObject,
  files: FileToUpload[],
  warnings: string[],
  decision: PendingDecision,
  unchanged: boolean,
): void {
  const { logger, record } = ctx;
  const { target } = inputs;
  const kind = KINDS[target.kind];
  const steps: string[] = [];
  const creates = decision.action === 'create' || decision.action === 'delete';
  if (creates && rollout.status === 'PackageRolloutInProgress') {
    steps.push(
      inputs.existingRollout === 'fail'
        ? `stop: the last published submission ${String(published.id)} has a rollout in progress (existing-rollout: fail)`
        : `${inputs.existingRollout} the rollout of submission ${String(published.id)} (${rollout.percentage}%)`,
    );
  }
  if (decision.action === 'stop') steps.push(`stop: ${decision.message}`);
  if (decision.action === 'delete') steps.push(`delete pending submission ${decision.submissionId}`);
  if (unchanged && inputs.ifUnchanged !== 'submit') {
    steps.push(
      inputs.ifUnchanged === 'skip'
        ? 'submit nothing: nothing would change (if-unchanged: skip)'
        : 'stop: nothing would change (if-unchanged: fail)',
    );
  }
  const zipBytes = inputs.zipPath ? 0 : zipSize(files.map((f) => ({ name: f.name, size: f.size })));
  if (decision.action === 'continue' || decision.action === 'wait')
    steps.push(`continue pending submission ${String(decision.submission.id)}, this work from an earlier attempt`);
  if (creates) steps.push(`create a submission for the ${describeTarget(target)} (a copy of the last published one)`);
  if (decision.action !== 'wait') {
    steps.push('update it with the JSON below');
    steps.push(
      inputs.zipPath
        ? `upload ${inputs.zipPath} as it is`
        : files.length
          ? `upload one zip of ${files.length} file(s), ${formatSize(zipBytes)}: ${files.map((f) => f.name).join(', ')}`
          : 'upload nothing (no new files)',
    );
  }
  steps.push(
    inputs.commit || decision.action === 'wait'
      ? `${decision.action === 'wait' ? 'it is already committed: ' : ''}commit, then wait for: ${inputs.waitFor}`
      : "stop before the commit ('commit: false'): the submission is staged",
  );
  const body = withoutServiceFields(submission);
  const diff = diffSubmissions(kind, withoutServiceFields(published), body);
  record.plan = { steps, diff, submission: sanitized(body), zipBytes };
  record.warnings.push(...warnings);
  record.files.push(...files.map((f) => ({ name: f.name, size: f.size })));
  logger.info('Dry run: nothing was created, changed or uploaded. The plan:');
  steps.forEach((step, i) => logger.info(`  ${i + 1}. ${step}`));
  if (diff.packagesAdded.length) logger.info(`Packages added: ${diff.packagesAdded.join(', ')}`);
  if (diff.packagesMarkedForDeletion.length)
    logger.info(`Packages marked PendingDelete: ${diff.packagesMarkedForDeletion.join(', ')}`);
  if (diff.listingsTouched.length) logger.info(`Listings touched: ${diff.listingsTouched.join(', ')}`);
  for (const change of diff.changes) {
    logger.info(
      `  ${change.path}: ${JSON.stringify(change.before) ?? '(absent)'} -> ${JSON.stringify(change.after) ?? '(absent)'}`,
    );
  }
  for (const warning of warnings) logger.warning(warning);
  logger.info(`The submission JSON that would be sent:\n${JSON.stringify(record.plan.submission, null, 2)}`);
  for (const stop of steps.filter((s) => s.startsWith('stop:'))) {
    const warning = `A real run would ${stop}`;
    logger.warning(warning);
    record.warnings.push(warning);
  }
}
