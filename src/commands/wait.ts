/**
 * Waits for a committed submission to reach the state `wait-for` asks for, logging each status
 * change with its time. Polls back off from `poll-interval-seconds` so long waits use few requests.
 */
import { SubmissionFailedError } from '../errors.js';
import { formatDuration } from '../format.js';
import type { SubmissionStatus } from '../store/client.js';
import type { Target } from '../store/kinds.js';
import { describeStatusDetails } from '../store/status-details.js';
import type { InputReader } from '../inputs/reader.js';
import { WAIT_FOR, pollDelayMs, type WaitFor } from '../waiting.js';
import type { RunContext } from './context.js';

/** What to wait for, and how often to look. */
export interface WaitSettings {
  waitFor: WaitFor;
  /** First pause between two status reads, in seconds; later pauses grow. */
  pollIntervalSeconds: number;
}

/** `wait-for` and `poll-interval-seconds` (common inputs); throws InputError. */
export function readWaitSettings(read: InputReader): WaitSettings {
  return {
    waitFor: read.choice('wait-for', WAIT_FOR, 'commit'),
    pollIntervalSeconds: read.number('poll-interval-seconds', 0.1, 3600, 'a number of seconds') ?? 30,
  };
}

export type WaitOutcome = 'done' | 'failed' | 'waiting';

/**
 * Whether a status ends the wait, fails it, or means keep polling. `commitSeen`: a poll has shown
 * CommitStarted, so a later PendingCommit is the service giving up on the commit, not a status
 * read that lags behind the commit call.
 */
export function classifyStatus(status: string, waitFor: WaitFor, publishMode: string | undefined, commitSeen = true): WaitOutcome {
  if (status.endsWith('Failed') || status === 'Canceled') return 'failed';
  if (waitFor === 'none') return 'done';
  if (status === 'PendingCommit') return commitSeen ? 'failed' : 'waiting';
  if (waitFor === 'commit') return status === 'CommitStarted' ? 'waiting' : 'done';
  if (status === 'Published' || status === 'PendingPublication' || status === 'Publishing') return 'done';
  // With Manual or SpecificDate publishing, a certified submission waits in Release for a person or a date.
  if (status === 'Release' && (publishMode === 'Manual' || publishMode === 'SpecificDate')) return 'done';
  return 'waiting';
}

/**
 * Polls `.../submissions/{id}/status` until `settings.waitFor` is reached (returns the status), the
 * Store reports a failure (throws SubmissionFailedError) or `ctx.deadline` passes (throws, naming
 * the submission and its last status). `publishMode`: the submission's `targetPublishMode`.
 */
export async function waitForSubmission(
  ctx: RunContext,
  target: Target,
  submissionId: string,
  publishMode: string | undefined,
  settings: WaitSettings,
): Promise<SubmissionStatus> {
  const { store, logger, record, clock, deadline } = ctx;
  const since = clock.now();
  let commitSeen = false;
  for (let poll = 0; ; poll++) {
    const current = await store.getStatus(target, submissionId);
    commitSeen ||= current.status !== 'PendingCommit';
    const now = clock.now();
    record.statusDetails = current.statusDetails;
    if (record.observeStatus(current.status, now, since)) {
      logger.info(`${now.toISOString().slice(11, 19)} ${current.status} (after ${formatDuration((now.getTime() - since.getTime()) / 1000)})`);
    }
    const outcome = classifyStatus(current.status, settings.waitFor, publishMode, commitSeen);
    if (outcome === 'done') return current;
    if (outcome === 'failed') {
      throw new SubmissionFailedError(submissionId, current.status, describeStatusDetails(current.statusDetails).join('; '));
    }
    const remaining = deadline.getTime() - now.getTime();
    if (remaining <= 0) {
      throw new Error(
        `Timed out after ${formatDuration(ctx.timeoutMinutes * 60)} ('timeout-minutes: ${ctx.timeoutMinutes}'): submission ${submissionId} is still in ${current.status}. ` +
          `It stays in the Store; follow it in Partner Center or with 'command: status', and raise 'timeout-minutes' for longer waits.`,
      );
    }
    await clock.sleep(Math.min(remaining, pollDelayMs(settings.pollIntervalSeconds * 1000, poll)));
  }
}
