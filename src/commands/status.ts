/** `command: status`: report a submission's status, details and rollout, changing nothing. */
import { readSubmissionId, readTarget } from '../inputs/common.js';
import type { InputReader } from '../inputs/reader.js';
import { KINDS, describeTarget, type Target } from '../store/kinds.js';
import { rolloutOfSubmission } from '../store/rollout.js';
import { describeStatusDetails } from '../store/status-details.js';
import { chooseSubmission } from './choose-submission.js';
import { ANY_PRODUCT, type Command } from './command.js';
import type { RunContext } from './context.js';

export interface StatusInputs {
  target: Target;
  /** The submission to report; default: the pending one, else the last published one. */
  submissionId: string | undefined;
}

export const status: Command<StatusInputs> = {
  name: 'status',
  inputs: {
    'app-id': ANY_PRODUCT,
    'flight-id': ANY_PRODUCT,
    'add-on-id': ANY_PRODUCT,
    'submission-id': ANY_PRODUCT,
  },
  parse: (read: InputReader) => ({ target: readTarget(read, 'status'), submissionId: readSubmissionId(read) }),
  async run(ctx: RunContext, { target, submissionId: named }: StatusInputs): Promise<void> {
    const { store, logger, record, clock } = ctx;
    record.setTarget(target);
    const submissionId =
      named ??
      (await ctx.phase(`Find the submission of the ${describeTarget(target)}`, () =>
        chooseSubmission(ctx, target, true),
      ));
    record.submissionId = submissionId;
    const current = await store.getStatus(target, submissionId);
    record.statusDetails = current.statusDetails;
    record.observeStatus(current.status, clock.now(), clock.now());
    logger.info(`Submission ${submissionId} of the ${describeTarget(target)} is ${current.status}`);
    for (const line of describeStatusDetails(current.statusDetails)) logger.info(`  ${line}`);
    if (KINDS[target.kind].hasPackageDelivery) {
      const rollout = rolloutOfSubmission(await store.getSubmission(target, submissionId));
      if (rollout.status) {
        record.rolloutAfter = rollout;
        logger.info(`Gradual rollout: ${rollout.status} at ${rollout.percentage}%`);
      }
    }
  },
};
