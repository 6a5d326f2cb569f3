/**
 * Submits the draft of an MSI/EXE product and follows the submission's publishingStatus until
 * `wait-for` is satisfied, with the run's one status poller; the outcome (submission, status,
 * messages, timeline) is filled in as it goes, so it is there for the report also when this throws.
 */
import { SubmissionFailedError } from '../../errors.js';
import { formatDuration } from '../../format.js';
import { describeMessage, isWarning, type ApiMessage } from '../../store/installer-envelope.js';
import { pollUntilSettled, type WaitFor } from '../../waiting.js';
import { pollSettings, type InstallerFlowDeps } from './deps.js';
import type { InstallerPlan } from './plan.js';

export interface StatusChange {
  status: string;
  at: Date;
}

export interface InstallerOutcome {
  /** The submission created or followed; absent when staged. */
  submissionId?: string;
  /** The Store's publishingStatus (`INPROGRESS`, `PUBLISHED`, ...), or `Draft` when staged. */
  status: string;
  /** The errors and warnings the Store reported on the way. */
  statusDetails: { errors: ApiMessage[]; warnings: ApiMessage[] };
  timeline: StatusChange[];
  plan?: InstallerPlan;
}

/** An outcome before anything happened: the draft, no submission. */
export function newInstallerOutcome(): InstallerOutcome {
  return { status: 'Draft', statusDetails: { errors: [], warnings: [] }, timeline: [] };
}

/**
 * Follows submission `submissionId` until `waitFor` is satisfied (`none`: one read; `commit`:
 * INPROGRESS; `publish`: PUBLISHED), logging each status change with its time. Throws
 * SubmissionFailedError with the Store's errors, a time-out Error naming the submission, or
 * RunStopped.
 */
export async function followSubmission(
  deps: InstallerFlowDeps,
  submissionId: string,
  waitFor: WaitFor,
  outcome: InstallerOutcome,
): Promise<void> {
  await pollUntilSettled(pollSettings(deps), {
    read: () => deps.client.submissionStatus(submissionId),
    statusOf: (current) => current.publishingStatus,
    onChange: (status, at) => outcome.timeline.push({ status, at }),
    settled: (current) => {
      outcome.status = current.publishingStatus;
      const errors = current.messages.filter((m) => !isWarning(m));
      outcome.statusDetails = { errors, warnings: current.messages.filter(isWarning) };
      if (current.hasFailed || current.publishingStatus === 'FAILED')
        throw new SubmissionFailedError(submissionId, 'FAILED', errors.map(describeMessage).join('; '));
      return (
        waitFor === 'none' ||
        current.publishingStatus === 'PUBLISHED' ||
        (waitFor === 'commit' && current.publishingStatus === 'INPROGRESS')
      );
    },
    timedOut: (current, waitedMs) =>
      new Error(
        `Timed out: submission ${submissionId} is still ${current.publishingStatus} (waited ${formatDuration(waitedMs / 1000)}). ` +
          `It stays in the Store and can take more than a day; follow it with 'command: status' or in Partner Center, and raise 'timeout-minutes' for longer waits.`,
      ),
  });
}

/** Submits the (ready) draft and follows the new submission per `waitFor`; returns `outcome`, filled in. */
export async function submitAndFollow(
  deps: InstallerFlowDeps,
  waitFor: WaitFor,
  outcome: InstallerOutcome,
): Promise<InstallerOutcome> {
  const submissionId = await deps.client.submit();
  outcome.submissionId = submissionId;
  outcome.status = 'INPROGRESS';
  deps.logger.info(`Submitted: submission ${submissionId} of product ${deps.client.productId}`);
  await followSubmission(deps, submissionId, waitFor, outcome);
  return outcome;
}
