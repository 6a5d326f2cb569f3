/**
 * Which submission a run works on, once everything is checked: the pending one it continues (this
 * work from an earlier attempt), or a new one, created after an existing gradual rollout is settled
 * and another pending submission deleted, as the inputs allow.
 */
import { StoreApiError } from '../../errors.js';
import type { JsonObject } from '../../json.js';
import { backoffDelayMs, stoppedAfter } from '../../retry.js';
import type { RolloutState } from '../../store/rollout.js';
import type { RunContext } from '../context.js';
import { submissionStatus, type PendingDecision } from '../pending.js';
import type { SubmitInputs } from './inputs.js';

/** The submission to work on; `alreadyCommitted` when the run only waits for it. */
export interface OpenedSubmission {
  submission: JsonObject;
  alreadyCommitted: boolean;
}

/**
 * Acts on decidePending's decision: continues the pending submission, or settles the rollout of
 * `published` (existing-rollout), deletes the pending submission (on-pending: delete) and creates a
 * new one. Records the submission id. Throws an Error with the decision's message for `stop`, and
 * when `existing-rollout: fail` meets a rollout in progress.
 */
export async function openSubmission(
  ctx: RunContext,
  inputs: SubmitInputs,
  decision: PendingDecision,
  published: JsonObject | undefined,
  rollout: RolloutState,
): Promise<OpenedSubmission> {
  const { store, logger, record } = ctx;
  switch (decision.action) {
    case 'stop':
      throw new Error(decision.message);
    case 'continue':
    case 'wait': {
      const submission = decision.submission;
      const alreadyCommitted = decision.action === 'wait';
      record.submissionId = String(submission.id);
      record.continued = { submissionId: record.submissionId, from: alreadyCommitted ? 'wait' : 'update' };
      logger.info(
        `Continuing submission ${record.submissionId}: created through the API and already listing this run's packages, it is this work from an earlier attempt; ` +
          (alreadyCommitted
            ? `it is already committed (${submissionStatus(submission)}), so the run only waits for it`
            : 'the run updates, uploads and commits it again'),
      );
      return { submission, alreadyCommitted };
    }
    case 'delete':
    case 'create': {
      if (published) await settleExistingRollout(ctx, inputs, published, rollout);
      if (decision.action === 'delete') {
        const pendingId = decision.submissionId;
        await ctx.phase(`Delete pending submission ${pendingId}`, async () => {
          await store.deleteSubmission(inputs.target, pendingId);
          logger.info(`Deleted pending submission ${pendingId} ('on-pending: delete')`);
        });
      }
      const submission = await ctx.phase('Create the submission', () => createAfterRollout(ctx, inputs));
      return { submission, alreadyCommitted: false };
    }
  }
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
      await ctx.clock.sleep(delay).catch((stop: unknown) => {
        throw stoppedAfter(stop, `The Store was still refusing the new submission: ${error.message}`);
      });
    }
  }
}

/** A gradual rollout in progress blocks a new submission: fail, or finalize or halt it, per `existing-rollout`. */
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
