/**
 * `command: submit`, one flow for apps, package flights and add-ons: read the product -> build and
 * check everything that will be sent -> (dry run stops here) -> settle an existing rollout and a
 * pending submission -> create -> update -> upload -> commit -> wait.
 */
import path from 'node:path';
import { InputError } from '../errors.js';
import { formatSize } from '../format.js';
import { readRolloutPercentage, readTarget } from '../inputs/common.js';
import type { InputReader, JsonInput } from '../inputs/reader.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { secrets, urlWithoutQuery } from '../redact.js';
import { submissionRef } from '../store/client.js';
import { KINDS, describeTarget, type KindDescriptor, type Target } from '../store/kinds.js';
import type { RolloutState } from '../store/rollout.js';
import { PUBLISH_MODES, buildSubmission, checkChanges, type PublishMode, type SubmissionChanges } from '../submission/build.js';
import { diffSubmissions } from '../submission/diff.js';
import { withoutServiceFields } from '../submission/merge.js';
import { uploadEntries, uploadZipFile, type UploadResult } from '../upload/upload.js';
import { zipSize } from '../upload/zip.js';
import { ANY_PRODUCT, PACKAGED_PRODUCTS, type Command } from './command.js';
import type { RunContext } from './context.js';
import { checkNewPackages, contentChanges, prepareContent, readContentInputs, recordBuilt, type ContentInputs } from './content.js';
import { checkReadyZip, filesToUpload, findPackages, type FileToUpload } from './files.js';
import { WAIT_FOR } from '../waiting.js';
import { waitForSubmission, type WaitSettings } from './wait.js';

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
}

function readSubmitInputs(read: InputReader): SubmitInputs {
  const submissionJson = read.json('submission-json');
  const contentRoot = read.existing('content-root', 'folder') ?? (submissionJson?.file ? path.dirname(submissionJson.file) : read.workspace);
  const zipPath = read.existing('zip-path', 'file');
  const packages = read.list('packages', /\r?\n/);
  if (zipPath && packages.length > 0) {
    throw new InputError('packages', "cannot be combined with 'zip-path': a ready-made zip is uploaded as it is; name its packages in 'submission-json' instead.");
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
    waitFor: read.choice('wait-for', WAIT_FOR, 'commit'),
    pollIntervalSeconds: read.number('poll-interval-seconds', 0.1, 3600, 'a number of seconds') ?? 30,
    dryRun: read.bool('dry-run') ?? false,
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
  const { store, logger, record, clock } = ctx;
  const { target } = inputs;
  const kind = KINDS[target.kind];
  record.target = describeTarget(target);
  if (inputs.dryRun) logger.info('Dry run: the action signs in and reads, and changes nothing in the Store.');

  const packages = await findPackages(inputs.packages, inputs.workspace);
  const content = await prepareContent(ctx, inputs, target, packages);
  const changes = { ...changesFrom(inputs, packages), ...contentChanges(inputs, content) };
  checkChanges(kind, changes);
  const { product, published, rollout } = await ctx.phase(`Read the ${describeTarget(target)}`, async () => {
    const product = await store.getProduct(target);
    const publishedId = submissionRef(product, kind.lastPublishedField);
    const published = publishedId ? await store.getSubmission(target, publishedId) : undefined;
    logger.info(
      `${describeTarget(target)}: ${describeProduct(product)}; last published submission ${publishedId ?? 'none'}; pending submission ${submissionRef(product, kind.pendingField) ?? 'none'}`,
    );
    const rollout = kind.hasPackageDelivery && published ? await store.publishedRolloutState(target, published) : {};
    return { product, published, rollout };
  });

  // Everything that can be checked is checked against the published submission, before any change.
  await checkNewPackages(ctx, target, kind, content, product, published);
  const preview = buildSubmission(kind, withoutServiceFields(published ?? {}), changes);
  recordBuilt(ctx, preview);
  const files = inputs.zipPath ? [] : filesToUpload(kind, preview.submission, packages, inputs.contentRoot, preview.uploads);
  if (inputs.zipPath) await checkReadyZip(kind, preview.submission, inputs.zipPath);

  if (inputs.dryRun) {
    planDryRun(ctx, inputs, published ?? {}, rollout, preview.submission, files, preview.warnings, product);
    return;
  }

  if (published) await settleExistingRollout(ctx, inputs, published, rollout);
  await settlePendingSubmission(ctx, inputs, product);

  const created = await ctx.phase('Create the submission', async () => {
    const created = await store.createSubmission(target);
    const id = String(created.id);
    record.submissionId = id;
    record.createdSubmission = true;
    logger.info(`Created submission ${id} (a copy of the last published one)`);
    return created;
  });
  const submissionId = String(created.id);

  const { sent, uploadFiles } = await ctx.phase('Update the submission', async () => {
    const built = buildSubmission(kind, created, changes);
    const { submission, warnings } = built;
    recordBuilt(ctx, built);
    // The files come from what is really sent: the new copy could differ from the published one.
    const uploadFiles = inputs.zipPath ? [] : filesToUpload(kind, submission, packages, inputs.contentRoot, built.uploads);
    for (const warning of warnings) {
      logger.warning(warning);
      record.warnings.push(warning);
    }
    const body = withoutServiceFields(submission);
    record.submissionSent = sanitized(body);
    const returned = await store.updateSubmission(target, submissionId, body);
    record.submissionReturned = sanitized(returned);
    logger.info(`Updated submission ${submissionId}: ${describeChanges(kind, changes)}`);
    return { sent: submission, uploadFiles };
  });

  if (inputs.zipPath || uploadFiles.length > 0) {
    await ctx.phase('Upload', () => upload(ctx, inputs, created, uploadFiles));
  } else {
    logger.info('Nothing to upload: the submission names no new file');
  }

  await ctx.phase('Commit', async () => {
    await store.commitSubmission(target, submissionId);
    record.observeStatus('CommitStarted', clock.now(), clock.now());
    logger.info(`Committed submission ${submissionId}`);
  });

  if (inputs.waitFor === 'none') {
    record.status = 'CommitStarted';
  } else {
    const publishMode = typeof sent.targetPublishMode === 'string' ? sent.targetPublishMode : undefined;
    await ctx.phase(`Wait for ${inputs.waitFor === 'commit' ? 'the commit to be processed' : 'publication'}`, () =>
      waitForSubmission(ctx, target, submissionId, publishMode, inputs),
    );
  }
  await reportProcessedPackages(ctx, target, kind, submissionId);
}

function describeProduct(product: JsonObject): string {
  const name = product.primaryName ?? product.friendlyName ?? product.productId;
  return typeof name === 'string' ? `'${name}'` : 'found';
}

function describeChanges(kind: KindDescriptor, changes: SubmissionChanges): string {
  const parts: string[] = [];
  if (changes.overlay) parts.push('merged submission-json');
  if (changes.newPackages.length) parts.push(`${changes.newPackages.length} new package(s)${changes.replacePackages ? ', old packages PendingDelete' : ''}`);
  if (changes.releaseNotes !== undefined && kind.hasReleaseNotes) parts.push('release notes');
  if (changes.notesForCertification !== undefined) parts.push('notes for certification');
  if (changes.targetPublishMode) parts.push(`publish mode ${changes.targetPublishMode}`);
  if (changes.rolloutPercentage !== undefined) parts.push(`gradual rollout at ${changes.rolloutPercentage}%`);
  if (changes.mandatoryUpdate !== undefined) parts.push(`mandatory update ${changes.mandatoryUpdate}`);
  return parts.length ? parts.join(', ') : 'no changes (the copy is submitted as it is)';
}

async function settleExistingRollout(ctx: RunContext, inputs: SubmitInputs, published: JsonObject, rollout: RolloutState): Promise<void> {
  const { store, logger, record } = ctx;
  if (rollout.status !== 'PackageRolloutInProgress') return;
  const publishedId = String(published.id);
  if (inputs.existingRollout === 'fail') {
    throw new Error(
      `The last published submission ${publishedId} still has a gradual rollout in progress at ${rollout.percentage ?? '?'}%. ` +
        "The Store cannot take a new submission until it is finalized or halted: set 'existing-rollout: finalize' (or 'halt'), or run 'command: rollout'.",
    );
  }
  await ctx.phase(`${inputs.existingRollout === 'finalize' ? 'Finalize' : 'Halt'} the rollout of submission ${publishedId}`, async () => {
    record.rolloutBefore = rollout;
    await store.changeRollout(inputs.target, publishedId, inputs.existingRollout === 'finalize' ? 'finalize' : 'halt');
    record.rolloutAfter = await store.getRolloutState(inputs.target, publishedId);
    logger.info(`Rollout of submission ${publishedId}: ${record.rolloutAfter.status} at ${record.rolloutAfter.percentage}%`);
  });
}

async function settlePendingSubmission(ctx: RunContext, inputs: SubmitInputs, product: JsonObject): Promise<void> {
  const { target } = inputs;
  const pendingId = submissionRef(product, KINDS[target.kind].pendingField);
  if (!pendingId) return;
  const { store, logger } = ctx;
  if (inputs.onPending === 'fail') {
    throw new Error(
      `The ${describeTarget(target)} already has a pending submission ${pendingId}. The Store allows one at a time: ` +
        "finish or delete it in Partner Center, or set 'on-pending: delete' to have the action delete it.",
    );
  }
  await ctx.phase(`Delete pending submission ${pendingId}`, async () => {
    await store.deleteSubmission(target, pendingId);
    logger.info(`Deleted pending submission ${pendingId} ('on-pending: delete')`);
  });
}

async function upload(ctx: RunContext, inputs: SubmitInputs, created: JsonObject, files: FileToUpload[]): Promise<void> {
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
    result = await uploadZipFile(uploadUrl, inputs.zipPath, { logger });
  } else {
    for (const file of files) logger.info(`  ${file.name} (${formatSize(file.size)})`);
    result = await uploadEntries(uploadUrl, files.map((f) => ({ name: f.name, path: f.path })), { logger });
  }
  record.files.push(...result.entries.map((e) => ({ name: e.name, size: e.size })));
  record.upload = { bytes: result.bytes, seconds: result.seconds, mbPerSecond: result.mbPerSecond };
}

/** After processing the Store fills in each package's version and architecture: show them. */
async function reportProcessedPackages(ctx: RunContext, target: Target, kind: KindDescriptor, submissionId: string): Promise<void> {
  if (!kind.packagesField || ctx.record.files.length === 0) return;
  try {
    const submission = await ctx.store.getSubmission(target, submissionId);
    const entries = submission[kind.packagesField];
    if (!Array.isArray(entries)) return;
    for (const file of ctx.record.files) {
      const entry = entries.find((e) => isJsonObject(e) && e.fileName === file.name);
      if (!isJsonObject(entry)) continue;
      if (typeof entry.version === 'string') file.version = entry.version;
      if (typeof entry.architecture === 'string') file.architecture = entry.architecture;
    }
  } catch (error) {
    ctx.logger.debug(`Could not read the processed packages: ${String(error)}`);
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
  product: JsonObject,
): void {
  const { logger, record } = ctx;
  const { target } = inputs;
  const kind = KINDS[target.kind];
  const pendingId = submissionRef(product, kind.pendingField);
  const steps: string[] = [];
  if (rollout.status === 'PackageRolloutInProgress') {
    steps.push(
      inputs.existingRollout === 'fail'
        ? `stop: the last published submission ${String(published.id)} has a rollout in progress (existing-rollout: fail)`
        : `${inputs.existingRollout} the rollout of submission ${String(published.id)} (${rollout.percentage}%)`,
    );
  }
  if (pendingId) {
    steps.push(inputs.onPending === 'delete' ? `delete pending submission ${pendingId}` : `stop: pending submission ${pendingId} exists (on-pending: fail)`);
  }
  const zipBytes = inputs.zipPath ? 0 : zipSize(files.map((f) => ({ name: f.name, size: f.size })));
  steps.push(`create a submission for the ${describeTarget(target)} (a copy of the last published one)`);
  steps.push('update it with the JSON below');
  steps.push(
    inputs.zipPath
      ? `upload ${inputs.zipPath} as it is`
      : files.length
        ? `upload one zip of ${files.length} file(s), ${formatSize(zipBytes)}: ${files.map((f) => f.name).join(', ')}`
        : 'upload nothing (no new files)',
  );
  steps.push(`commit, then wait for: ${inputs.waitFor}`);
  const body = withoutServiceFields(submission);
  const diff = diffSubmissions(kind, withoutServiceFields(published), body);
  record.plan = { steps, diff, submission: sanitized(body), zipBytes };
  record.warnings.push(...warnings);
  record.files.push(...files.map((f) => ({ name: f.name, size: f.size })));
  logger.info('Dry run: nothing was created, changed or uploaded. The plan:');
  steps.forEach((step, i) => logger.info(`  ${i + 1}. ${step}`));
  if (diff.packagesAdded.length) logger.info(`Packages added: ${diff.packagesAdded.join(', ')}`);
  if (diff.packagesMarkedForDeletion.length) logger.info(`Packages marked PendingDelete: ${diff.packagesMarkedForDeletion.join(', ')}`);
  if (diff.listingsTouched.length) logger.info(`Listings touched: ${diff.listingsTouched.join(', ')}`);
  for (const change of diff.changes) {
    logger.info(`  ${change.path}: ${JSON.stringify(change.before) ?? '(absent)'} -> ${JSON.stringify(change.after) ?? '(absent)'}`);
  }
  for (const warning of warnings) logger.warning(warning);
  logger.info(`The submission JSON that would be sent:\n${JSON.stringify(record.plan.submission, null, 2)}`);
  for (const stop of steps.filter((s) => s.startsWith('stop:'))) {
    const warning = `A real run would ${stop}`;
    logger.warning(warning);
    record.warnings.push(warning);
  }
}
