/**
 * `command: commit` for an MSI/EXE product: submits the draft a `commit: false` run staged, then
 * waits per `wait-for`. A submission already in progress (the job ran before) is only followed, so
 * running the commit job again is harmless.
 */
import type { InputReader } from '../inputs/reader.js';
import type { WaitFor } from '../waiting.js';
import { INSTALLER_PRODUCT, type Command } from './command.js';
import type { InstallerTarget, RunContext } from './context.js';
import type { InstallerFlowDeps } from './installer/deps.js';
import { waitDraftReady } from './installer/draft.js';
import { followSubmission, newInstallerOutcome, submitAndFollow, type InstallerOutcome } from './installer/follow.js';
import { describeInstallerProduct, flowDeps, readInstallerTarget, recordOutcome } from './installer-product.js';
import { readWaitSettings, type WaitSettings } from './wait.js';

export interface InstallerCommitInputs extends WaitSettings {
  product: InstallerTarget;
}

export const installerCommit: Command<InstallerCommitInputs> = {
  name: 'commit',
  inputs: { 'app-id': INSTALLER_PRODUCT, 'seller-id': INSTALLER_PRODUCT },
  parse: (read: InputReader) => ({ product: readInstallerTarget(read), ...readWaitSettings(read) }),
  async run(ctx: RunContext, inputs: InstallerCommitInputs): Promise<void> {
    const what = describeInstallerProduct(inputs.product);
    ctx.record.target = what;
    ctx.record.installerProductId = inputs.product.productId;
    const deps = flowDeps(ctx, ctx.installerClient(inputs.product), inputs);
    const outcome = newInstallerOutcome();
    try {
      await ctx.phase(`Submit the draft of ${what}`, () => commitInstallerDraft(deps, inputs.waitFor, outcome));
    } finally {
      recordOutcome(ctx, outcome, false);
    }
  },
};

/**
 * `command: commit` for an MSI/EXE product: submits the staged draft and waits per `waitFor`. A
 * submission already in progress (e.g. this job ran before) is only waited for, so running the
 * commit job again is harmless. `outcome` is filled in as it goes (see submitInstallers in installer/flow.ts).
 */
export async function commitInstallerDraft(
  deps: InstallerFlowDeps,
  waitFor: WaitFor,
  outcome: InstallerOutcome = newInstallerOutcome(),
): Promise<InstallerOutcome> {
  const status = await deps.client.draftStatus();
  if (status.ongoingSubmissionId) {
    deps.logger.info(
      `Submission ${status.ongoingSubmissionId} of product ${deps.client.productId} is already in progress; following it instead of submitting again`,
    );
    outcome.submissionId = status.ongoingSubmissionId;
    await followSubmission(deps, status.ongoingSubmissionId, waitFor, outcome);
    return outcome;
  }
  await waitDraftReady(deps, false);
  return submitAndFollow(deps, waitFor, outcome);
}
