/**
 * Waits on the draft of an MSI/EXE product: the API takes a write only on a ready draft and none
 * while a submission is in progress; a package commit makes the draft busy until the Store has
 * checked the installers, and `packageuploaderror` means commit again (docs/store-api.md, the
 * MSI/EXE API section). Every wait is the run's one status poller.
 */
import { formatDuration } from '../../format.js';
import { describeMessage, isWarning, type ApiMessage } from '../../store/installer-envelope.js';
import type { DraftStatus } from '../../store/installer-resources.js';
import { pollUntilSettled } from '../../waiting.js';
import { pollSettings, type InstallerFlowDeps } from './deps.js';

/** A submission in progress blocks every change; it cannot be cancelled through the API. */
export class OngoingSubmissionError extends Error {
  constructor(
    readonly productId: string,
    readonly submissionId: string,
  ) {
    super(
      `Product ${productId} has submission ${submissionId} in progress. The MSI/EXE API accepts no changes until it is published or has failed, ` +
        `and it cannot be deleted through the API, so nothing was changed. Follow it with 'command: status' (or in Partner Center) and run again when it has finished.`,
    );
    this.name = 'OngoingSubmissionError';
  }
}

const MAX_PACKAGE_COMMITS = 4;
const READY = 'the draft is ready';

const isUploadError = (m: ApiMessage): boolean => m.code.toLowerCase() === 'packageuploaderror';
const errorsOf = (status: DraftStatus): ApiMessage[] => status.messages.filter((m) => !isWarning(m));

/** The draft's state as the status lines show it. */
function draftState(status: DraftStatus): string {
  if (status.isReady) return READY;
  const codes = [...new Set(errorsOf(status).map((e) => e.code))];
  return codes.length ? `the draft reports ${codes.join(', ')}` : 'the draft is being processed';
}

function throwIfOngoing(deps: InstallerFlowDeps, status: DraftStatus): void {
  if (status.ongoingSubmissionId) throw new OngoingSubmissionError(deps.client.productId, status.ongoingSubmissionId);
}

function timedOut(what: string, waitedMs: number): Error {
  return new Error(
    `Timed out while waiting for ${what}: the draft was not ready after ${formatDuration(waitedMs / 1000)}. Raise 'timeout-minutes' for longer waits, and follow the product with 'command: status'.`,
  );
}

/**
 * Polls `/status` until the draft is ready and returns that status. `acceptUploadError`: a draft
 * whose last package commit failed with `packageuploaderror` counts as ready (this run replaces and
 * commits the packages). Throws OngoingSubmissionError for a submission in progress, an Error for
 * any other error of a draft that is not ready, a time-out Error at the deadline, or RunStopped.
 */
export function waitDraftReady(deps: InstallerFlowDeps, acceptUploadError: boolean): Promise<DraftStatus> {
  return pollUntilSettled(pollSettings(deps), {
    read: () => deps.client.draftStatus(),
    statusOf: draftState,
    known: READY,
    settled: (status) => {
      throwIfOngoing(deps, status);
      if (status.isReady) return true;
      const errors = errorsOf(status);
      if (acceptUploadError && errors.length && errors.every(isUploadError)) return true;
      const fatal = errors.filter((e) => !isUploadError(e));
      if (fatal.length) throw new Error(`The product's draft reports errors: ${fatal.map(describeMessage).join('; ')}`);
      return false;
    },
    timedOut: (_status, waitedMs) => timedOut('the draft to be ready', waitedMs),
  });
}

/**
 * Commits the packages and waits until the draft is ready, committing again after
 * `packageuploaderror` (at most MAX_PACKAGE_COMMITS commits in all). Throws an Error naming the
 * Store's messages when the commit fails, OngoingSubmissionError, a time-out Error, or RunStopped.
 */
export async function commitPackages(deps: InstallerFlowDeps): Promise<void> {
  for (let commit = 1; ; commit++) {
    await deps.client.commitPackages();
    const status = await pollUntilSettled(pollSettings(deps), {
      read: () => deps.client.draftStatus(),
      statusOf: draftState,
      known: READY,
      // The commit has just made the draft busy: reading at once would only say so.
      pauseFirst: true,
      settled: (status) => {
        throwIfOngoing(deps, status);
        const errors = errorsOf(status);
        const fatal = errors.filter((e) => !isUploadError(e));
        if (fatal.length)
          throw new Error(
            `The package commit failed: ${fatal.map(describeMessage).join('; ')}. The draft keeps the new package list; fix the installers and run again.`,
          );
        return status.isReady || errors.length > 0;
      },
      timedOut: (_status, waitedMs) => timedOut('the package commit', waitedMs),
    });
    const uploadError = errorsOf(status).find(isUploadError);
    if (!uploadError) {
      deps.logger.info('Packages committed');
      return;
    }
    if (commit >= MAX_PACKAGE_COMMITS)
      throw new Error(`The Store could not take the packages after ${commit} commits: ${describeMessage(uploadError)}`);
    deps.logger.warning(
      `The Store reports ${describeMessage(uploadError)}; committing the packages again (commit ${commit + 1} of at most ${MAX_PACKAGE_COMMITS})`,
    );
  }
}
