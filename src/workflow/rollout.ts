/** `command: rollout`: update, halt or finalize the gradual rollout of a published submission. */
import { StoreApiError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { submissionRef, type StoreClient } from '../store/client.js';
import { KINDS, describeTarget, type Target } from '../store/kinds.js';
import type { RolloutState } from '../report/record.js';
import type { RunContext } from './context.js';

/** The rollout state a submission resource carries in `packageDeliveryOptions.packageRollout`. */
export function rolloutOf(submission: JsonObject): RolloutState {
  const options = submission.packageDeliveryOptions;
  const rollout = isJsonObject(options) ? options.packageRollout : undefined;
  if (!isJsonObject(rollout) || rollout.isPackageRollout !== true) return {};
  return fromRolloutResource(rollout);
}

function fromRolloutResource(rollout: JsonObject): RolloutState {
  return {
    status: typeof rollout.packageRolloutStatus === 'string' ? rollout.packageRolloutStatus : undefined,
    percentage: typeof rollout.packageRolloutPercentage === 'number' ? rollout.packageRolloutPercentage : Number(rollout.packageRolloutPercentage),
  };
}

export async function readRolloutState(store: StoreClient, target: Target, submissionId: string): Promise<RolloutState> {
  return fromRolloutResource(await store.getRollout(target, submissionId));
}

/**
 * The rollout of a published submission, from the rollout resource (the authority), else from what
 * the submission resource says where the service has no rollout resource for it (404/409).
 */
export async function publishedRolloutState(store: StoreClient, target: Target, published: JsonObject): Promise<RolloutState> {
  const fromSubmission = rolloutOf(published);
  try {
    const state = await readRolloutState(store, target, String(published.id));
    return state.status ? state : fromSubmission;
  } catch (error) {
    if (error instanceof StoreApiError && error.httpStatus < 500) return fromSubmission;
    throw error;
  }
}

/** The submission a rollout or status command acts on: the one named, else the product's pending or last published one. */
export async function chooseSubmission(ctx: RunContext, target: Target, preferPending: boolean): Promise<string> {
  if (ctx.inputs.submissionId) return ctx.inputs.submissionId;
  const kind = KINDS[target.kind];
  const product = await ctx.store.getProduct(target);
  const id = (preferPending ? submissionRef(product, kind.pendingField) : undefined) ?? submissionRef(product, kind.lastPublishedField);
  if (!id) {
    throw new Error(`The ${describeTarget(target)} has no ${preferPending ? 'pending or ' : ''}published submission; set 'submission-id'.`);
  }
  return id;
}

export async function rollout(ctx: RunContext): Promise<void> {
  const { inputs, store, logger, record } = ctx;
  const target = inputs.target as Target;
  const action = inputs.rolloutAction ?? 'update';
  const submissionId = await ctx.phase(`Find the submission of the ${describeTarget(target)}`, () => chooseSubmission(ctx, target, false));
  record.submissionId = submissionId;
  record.rolloutBefore = await readRolloutState(store, target, submissionId);
  logger.info(`Rollout of submission ${submissionId} before: ${record.rolloutBefore.status} at ${record.rolloutBefore.percentage}%`);
  const after = await ctx.phase(`${action} the rollout`, () => store.changeRollout(target, submissionId, action, inputs.rolloutPercentage));
  record.rolloutAfter = fromRolloutResource(after);
  logger.info(`Rollout of submission ${submissionId} after: ${record.rolloutAfter.status} at ${record.rolloutAfter.percentage}%`);
  const status = await store.getStatus(target, submissionId);
  record.status = status.status;
  record.statusDetails = status.statusDetails;
  record.succeeded = true;
}
