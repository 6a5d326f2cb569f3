/**
 * `command: commit` for an MSI/EXE product: submits the draft a `commit: false` run staged, then
 * waits per `wait-for`. A submission already in progress (the job ran before) is only followed, so
 * running the commit job again is harmless.
 */
import { commitInstallerDraft, newInstallerOutcome } from '../installers/flow.js';
import type { InputReader } from '../inputs/reader.js';
import { INSTALLER_PRODUCT, type Command } from './command.js';
import type { InstallerTarget, RunContext } from './context.js';
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
    const deps = flowDeps(ctx, ctx.installerClient(inputs.product), inputs);
    const outcome = newInstallerOutcome();
    try {
      await ctx.phase(`Submit the draft of ${what}`, () => commitInstallerDraft(deps, inputs.waitFor, outcome));
    } finally {
      recordOutcome(ctx, outcome, false);
    }
  },
};
