/** `command: rollout`: update, halt or finalize the gradual rollout of a published submission. */
import { InputError } from '../errors.js';
import { readRolloutPercentage, readSubmissionId, readTarget } from '../inputs/common.js';
import type { InputReader } from '../inputs/reader.js';
import { describeTarget, type Target } from '../store/kinds.js';
import { ROLLOUT_ACTIONS, type RolloutAction } from '../store/rollout.js';
import { chooseSubmission } from './choose-submission.js';
import { PACKAGED_PRODUCTS, type Command } from './command.js';
import type { RunContext } from './context.js';

export interface RolloutInputs {
  target: Target;
  submissionId: string | undefined;
  action: RolloutAction;
  /** With `update`: the new percentage, 0-100. */
  percentage: number | undefined;
}

export const rollout: Command<RolloutInputs> = {
  name: 'rollout',
  inputs: {
    'app-id': PACKAGED_PRODUCTS,
    'flight-id': PACKAGED_PRODUCTS,
    'submission-id': PACKAGED_PRODUCTS,
    'rollout-action': PACKAGED_PRODUCTS,
    'rollout-percentage': PACKAGED_PRODUCTS,
  },
  parse(read: InputReader): RolloutInputs {
    const action = read.optionalChoice('rollout-action', ROLLOUT_ACTIONS);
    if (!action)
      throw new InputError('rollout-action', "is required with 'command: rollout': 'update', 'halt' or 'finalize'.");
    const percentage = readRolloutPercentage(read);
    if (action === 'update' && percentage === undefined)
      throw new InputError('rollout-percentage', "is required with 'rollout-action: update'.");
    if (action !== 'update' && percentage !== undefined)
      throw new InputError('rollout-percentage', `does not apply to 'rollout-action: ${action}'.`);
    return { target: readTarget(read, 'rollout'), submissionId: readSubmissionId(read), action, percentage };
  },
  async run(ctx: RunContext, { target, submissionId: named, action, percentage }: RolloutInputs): Promise<void> {
    const { store, logger, record } = ctx;
    record.setTarget(target);
    const submissionId =
      named ??
      (await ctx.phase(`Find the submission of the ${describeTarget(target)}`, () =>
        chooseSubmission(ctx, target, false),
      ));
    record.submissionId = submissionId;
    record.rolloutBefore = await store.getRolloutState(target, submissionId);
    logger.info(
      `Rollout of submission ${submissionId} before: ${record.rolloutBefore.status} at ${record.rolloutBefore.percentage}%`,
    );
    record.rolloutAfter = await ctx.phase(`${action} the rollout`, () =>
      store.changeRollout(target, submissionId, action, percentage),
    );
    logger.info(
      `Rollout of submission ${submissionId} after: ${record.rolloutAfter.status} at ${record.rolloutAfter.percentage}%`,
    );
    const status = await store.getStatus(target, submissionId);
    record.status = status.status;
    record.statusDetails = status.statusDetails;
  },
};
