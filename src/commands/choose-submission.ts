/** Which submission `status` and `rollout` act on when `submission-id` names none. */
import { submissionRef } from '../store/client.js';
import { KINDS, describeTarget, type Target } from '../store/kinds.js';
import type { RunContext } from './context.js';

/**
 * The ID of the product's pending submission (if `preferPending`), else of its last published one.
 * Throws when the product has neither, asking for `submission-id`.
 */
export async function chooseSubmission(ctx: RunContext, target: Target, preferPending: boolean): Promise<string> {
  const kind = KINDS[target.kind];
  const product = await ctx.store.getProduct(target);
  const id =
    (preferPending ? submissionRef(product, kind.pendingField) : undefined) ??
    submissionRef(product, kind.lastPublishedField);
  if (!id) {
    throw new Error(
      `The ${describeTarget(target)} has no ${preferPending ? 'pending or ' : ''}published submission; set 'submission-id'.`,
    );
  }
  return id;
}
