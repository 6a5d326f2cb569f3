/**
 * Waits for a committed submission to reach the state `wait-for` asks for, with the run's one
 * status poller (src/waiting.ts): each change logged with its time, polls backing off from
 * `poll-interval-seconds` so long waits use few requests.
 */
import { SubmissionFailedError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { Target } from '../store/kinds.js';
import { describeStatusDetails } from '../store/status-details.js';
import type { InputReader } from '../inputs/reader.js';
import { RunStopped } from '../stop.js';
import { WAIT_FOR, pollUntilSettled, type WaitFor } from '../waiting.js';
import type { RunContext } from './context.js';
import { submissionStatus } from './pending.js';

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
 * Whether a status, read after this run committed the submission, ends the wait, fails it, or means
 * keep polling. A commit that falls back to PendingCommit is the Store giving up on it, whenever
 * that shows (the commit call itself moves the submission to CommitStarted). The commit is
 * processed once pre-processing is over: only then has the Store read the packages, filled in
 * their versions and dropped what it could not take (docs/store-api.md#what-the-store-took-after-a-commit).
 * `Publishing` is not an end: publication can still fail.
 */
export function classifyStatus(status: string, waitFor: WaitFor, publishMode: string | undefined): WaitOutcome {
  if (status.endsWith('Failed') || status === 'Canceled' || status === 'PendingCommit') return 'failed';
  if (waitFor === 'none') return 'done';
  if (waitFor === 'commit') return status === 'CommitStarted' || status === 'PreProcessing' ? 'waiting' : 'done';
  if (status === 'Published' || status === 'PendingPublication') return 'done';
  // With Manual or SpecificDate publishing, a certified submission waits in Release for a person or a date (docs/store-api.md).
  if (status === 'Release' && (publishMode === 'Manual' || publishMode === 'SpecificDate')) return 'done';
  return 'waiting';
}

/**
 * Reads the submission resource (its `status` and `statusDetails`, and the packages and rollout the
 * summary shows, in one call) until `settings.waitFor` is reached (returns the submission), the
 * Store reports a failure (throws SubmissionFailedError) or `ctx.deadline` passes (throws
 * RunStopped). Each Store warning is logged the first time a read shows it, not on every poll.
 * `publishMode`: the submission's `targetPublishMode`. `firstReadNow`: false right after this run's
 * commit, whose answer already said CommitStarted.
 */
export async function waitForSubmission(
  ctx: RunContext,
  target: Target,
  submissionId: string,
  publishMode: string | undefined,
  settings: WaitSettings,
  firstReadNow = true,
): Promise<JsonObject> {
  const { store, logger, record, clock, deadline, signal } = ctx;
  // The live Store repeats the same warnings on every answer (docs/store-api.md#status-answers-seen-live): each is told once.
  const toldWarnings = new Set<string>();
  return pollUntilSettled(
    { clock, logger, deadline, signal, firstIntervalMs: settings.pollIntervalSeconds * 1000 },
    {
      read: () => store.getSubmission(target, submissionId),
      statusOf: submissionStatus,
      known: record.timeline.at(-1)?.status,
      pauseFirst: !firstReadNow,
      onChange: (status, at, since) => record.observeStatus(status, at, since),
      settled: (submission) => {
        const status = submissionStatus(submission);
        const details = isJsonObject(submission.statusDetails) ? submission.statusDetails : {};
        record.statusDetails = details;
        for (const line of describeStatusDetails(details, ['warnings'])) {
          if (toldWarnings.has(line)) continue;
          toldWarnings.add(line);
          logger.info(`The Store reports: ${line}`);
        }
        const outcome = classifyStatus(status, settings.waitFor, publishMode);
        if (outcome === 'failed') {
          const detail = describeStatusDetails(details).join('; ');
          throw new SubmissionFailedError(
            submissionId,
            status,
            status === 'PendingCommit'
              ? `the Store gave up processing the commit${detail ? ` (${detail})` : ''}`
              : detail,
          );
        }
        return outcome === 'done';
      },
      timedOut: () => new RunStopped('timeout', String(ctx.timeoutMinutes)),
    },
  );
}

/**
 * The end of every submission's way, shared by `submit` and `commit`: commit it unless
 * `alreadyCommitted`, then wait per `settings.waitFor`; records the status as it goes. Returns the
 * submission as last read when the run waited, else undefined.
 */
export async function commitAndWait(
  ctx: RunContext,
  target: Target,
  submissionId: string,
  publishMode: string | undefined,
  settings: WaitSettings,
  alreadyCommitted: boolean,
): Promise<JsonObject | undefined> {
  const { store, logger, record, clock } = ctx;
  if (!alreadyCommitted) {
    await ctx.phase('Commit', async () => {
      const { committedElsewhere } = await store.commitSubmission(target, submissionId);
      record.observeStatus(committedElsewhere ?? 'CommitStarted', clock.now(), clock.now());
      logger.info(
        committedElsewhere
          ? `Submission ${submissionId} was committed by another run meanwhile (it is ${committedElsewhere}); the run only waits for it`
          : `Committed submission ${submissionId}`,
      );
    });
  }
  if (settings.waitFor === 'none') {
    if (alreadyCommitted)
      record.observeStatus((await store.getStatus(target, submissionId)).status, clock.now(), clock.now());
    return undefined;
  }
  return ctx.phase(`Wait for ${settings.waitFor === 'commit' ? 'the commit to be processed' : 'publication'}`, () =>
    waitForSubmission(ctx, target, submissionId, publishMode, settings, alreadyCommitted),
  );
}
