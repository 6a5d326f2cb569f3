/**
 * `command: commit`: commit a submission staged earlier (`commit: false`), e.g. in a job behind an
 * environment approval, then wait per `wait-for`. It checks the submission is still pending, was
 * created through the API and, when `packages` is given, lists those packages (packagesNotListed). One already
 * committed is only waited for, so running the commit job again is harmless.
 */
import path from 'node:path';
import { InputError, StoreApiError } from '../errors.js';
import { readSubmissionId, readTarget } from '../inputs/common.js';
import type { InputReader } from '../inputs/reader.js';
import type { JsonObject } from '../json.js';
import { submissionRef } from '../store/client.js';
import { packageKey } from '../packages/names.js';
import { KINDS, describeTarget, type Target } from '../store/kinds.js';
import { ANY_PRODUCT, PACKAGED_PRODUCTS, type Command } from './command.js';
import type { RunContext } from './context.js';
import { packageNamesOnRunner } from './files.js';
import { createdThroughApi, livePackageNames, submissionStatus } from './pending.js';
import { checkProcessedSubmission } from './submit/processed.js';
import { commitAndWait, readWaitSettings, type WaitSettings } from './wait.js';

export interface CommitInputs extends WaitSettings {
  target: Target;
  /** The staged submission; default: the product's pending one. */
  submissionId: string | undefined;
  /** Glob patterns of the packages the submission must list (see packagesNotListed). */
  packages: string[];
  /** The workspace, against which the patterns are matched on the runner. */
  workspace: string;
}

export const commit: Command<CommitInputs> = {
  name: 'commit',
  inputs: {
    'app-id': ANY_PRODUCT,
    'flight-id': ANY_PRODUCT,
    'add-on-id': ANY_PRODUCT,
    'submission-id': ANY_PRODUCT,
    packages: PACKAGED_PRODUCTS,
  },
  parse: (read: InputReader) => ({
    target: readTarget(read, 'commit'),
    submissionId: readSubmissionId(read),
    packages: read.list('packages', /\r?\n/),
    workspace: read.workspace,
    ...readWaitSettings(read),
  }),
  run: runCommit,
};

/**
 * The patterns of `packages` that match none of the submission's live package file names. A
 * pattern is matched, without regard to case, by its last path segment against each file name's.
 */
export function unmatchedPackagePatterns(patterns: readonly string[], fileNames: readonly string[]): string[] {
  const names = fileNames.map(packageKey);
  return patterns.filter((pattern) => {
    const glob = packageKey(pattern);
    return !names.some((name) => path.posix.matchesGlob(name, glob));
  });
}

/**
 * What of `packages` the staged submission does not list (docs/contract.md "Across runs"): when the
 * patterns match package files on the runner (`onRunner`, their file names), each of those names
 * missing from `listed` (the submission's live package file names, compared by packageKey); only
 * when they match nothing there, each pattern that matches none of `listed` (unmatchedPackagePatterns).
 */
export function packagesNotListed(
  patterns: readonly string[],
  onRunner: readonly string[],
  listed: readonly string[],
): string[] {
  if (onRunner.length === 0) return unmatchedPackagePatterns(patterns, listed);
  const keys = new Set(listed.map(packageKey));
  return onRunner.filter((name) => !keys.has(packageKey(name)));
}

async function findStaged(ctx: RunContext, inputs: CommitInputs): Promise<JsonObject> {
  const { target } = inputs;
  let id = inputs.submissionId;
  if (!id) {
    id = submissionRef(await ctx.store.getProduct(target), KINDS[target.kind].pendingField);
    if (!id)
      throw new Error(
        `The ${describeTarget(target)} has no pending submission to commit; set 'submission-id' to the staged one (the staging step's 'submission-id' output).`,
      );
  }
  try {
    return await ctx.store.getSubmission(target, id);
  } catch (error) {
    if (error instanceof StoreApiError && error.httpStatus === 404) {
      throw new InputError(
        'submission-id',
        `'${id}' is not a submission of the ${describeTarget(target)} (the Store answered 404); pass the 'submission-id' output of the step that staged it.`,
      );
    }
    throw error;
  }
}

async function runCommit(ctx: RunContext, inputs: CommitInputs): Promise<void> {
  const { record, logger, clock } = ctx;
  const { target } = inputs;
  const kind = KINDS[target.kind];
  record.setTarget(target);
  const submission = await ctx.phase(`Find the staged submission of the ${describeTarget(target)}`, () =>
    findStaged(ctx, inputs),
  );
  const id = String(submission.id);
  const status = submissionStatus(submission);
  record.submissionId = id;
  record.observeStatus(status, clock.now(), clock.now());
  if (!createdThroughApi(submission)) {
    throw new Error(
      `Submission ${id} was created in Partner Center, not through the API, so the API cannot commit it: submit it in Partner Center.`,
    );
  }
  const publishMode = typeof submission.targetPublishMode === 'string' ? submission.targetPublishMode : undefined;
  const alreadyCommitted = status !== 'PendingCommit';
  if (alreadyCommitted) {
    logger.info(`Submission ${id} is already committed (${status}); the run only waits for it`);
  } else if (inputs.packages.length > 0) {
    const listed = livePackageNames(kind, submission);
    const onRunner = await packageNamesOnRunner(inputs.packages, inputs.workspace);
    const missing = packagesNotListed(inputs.packages, onRunner, listed);
    if (missing.length > 0) {
      const what =
        onRunner.length > 0
          ? `does not list ${missing.join(', ')}, which 'packages' matches on this runner`
          : `lists no package matching ${missing.map((p) => `'${p}'`).join(', ')}`;
      throw new InputError(
        'packages',
        `submission ${id} ${what} (it lists ${listed.join(', ') || 'no package'}); nothing was committed. Is it the submission the staging job made?`,
      );
    }
  }
  const processed = await commitAndWait(ctx, target, id, publishMode, inputs, alreadyCommitted);
  await checkProcessedSubmission(ctx, kind, target, id, processed, submission);
}
