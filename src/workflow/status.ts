/** `command: status`: report a submission's status, details and rollout, changing nothing. */
import { describeTarget, type Target } from '../store/kinds.js';
import { KINDS } from '../store/kinds.js';
import type { RunContext } from './context.js';
import { describeStatusDetails } from './poll.js';
import { chooseSubmission, rolloutOf } from './rollout.js';

export async function status(ctx: RunContext): Promise<void> {
  const { store, logger, record, clock } = ctx;
  const target = ctx.inputs.target as Target;
  const submissionId = await ctx.phase(`Find the submission of the ${describeTarget(target)}`, () => chooseSubmission(ctx, target, true));
  record.submissionId = submissionId;
  const current = await store.getStatus(target, submissionId);
  record.statusDetails = current.statusDetails;
  record.observeStatus(current.status, clock.now(), clock.now());
  logger.info(`Submission ${submissionId} of the ${describeTarget(target)} is ${current.status}`);
  for (const line of describeStatusDetails(current.statusDetails)) logger.info(`  ${line}`);
  if (KINDS[target.kind].hasPackageDelivery) {
    const rollout = rolloutOf(await store.getSubmission(target, submissionId));
    if (rollout.status) {
      record.rolloutAfter = rollout;
      logger.info(`Gradual rollout: ${rollout.status} at ${rollout.percentage}%`);
    }
  }
  record.succeeded = true;
}
