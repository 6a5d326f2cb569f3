/**
 * The MSI/EXE submit flow (docs/contract.md, MSI/EXE products): plan from reads -> wait until the
 * draft is ready -> replace the packages -> commit them and wait until ready -> update the metadata
 * (release notes, listing text, `submission-json`) and the images -> submit (unless staging) ->
 * follow per `wait-for`. Dependencies are parameters (client, logger, clock, deadline, signal, poll
 * interval), so tests drive it with injected time against the emulator.
 */
import { waitDraftReady, commitPackages } from './draft.js';
import type { InstallerFlowDeps } from './deps.js';
import { submitAndFollow, newInstallerOutcome, type InstallerOutcome } from './follow.js';
import { applyImages } from './images.js';
import { describePlan, planInstallerSubmission, type InstallerSubmitRequest } from './plan.js';

/**
 * `command: submit` for an MSI/EXE product. Reads and checks first (nothing written when the
 * product has a submission in progress, or an input does not fit), then writes the draft, submits
 * unless `commit` is false, and waits per `waitFor`. Throws OngoingSubmissionError, InputError,
 * InstallerApiError (the Store's codes, messages, targets and X-Correlation-ID),
 * SubmissionFailedError, or a time-out naming the submission. `outcome` is filled in as the run
 * goes, so a caller still has the submission, status and timeline when this throws.
 */
export async function submitInstallers(
  deps: InstallerFlowDeps,
  request: InstallerSubmitRequest,
  outcome: InstallerOutcome = newInstallerOutcome(),
): Promise<InstallerOutcome> {
  const { client, logger } = deps;
  const plan = await planInstallerSubmission(deps, request);
  for (const line of describePlan(plan)) logger.info(line);
  for (const field of plan.ignoredFields) logger.warning(`submission-json: '${field}' is read-only and was ignored`);
  outcome.plan = plan;

  await waitDraftReady(deps, true);
  await client.replacePackages(plan.packages);
  logger.info(`Package list replaced (${request.packages.length} installer(s)); committing`);
  await commitPackages(deps);

  if (plan.metadataWrites.length) {
    for (const body of plan.metadataWrites) {
      await waitDraftReady(deps, false);
      await client.updateMetadata(body);
    }
    logger.info(`Metadata updated (${plan.metadataWrites.length} update(s))`);
  }
  const images = request.listings?.images ?? {};
  if (Object.keys(images).length) {
    const existing = await client.getListingAssets();
    for (const [language, wanted] of Object.entries(images)) {
      await waitDraftReady(deps, false);
      await applyImages(
        deps,
        language,
        wanted,
        existing.find((a) => a.language.toLowerCase() === language.toLowerCase()),
      );
    }
  }

  if (!request.commit) {
    logger.info(
      `Staged: the draft of product ${client.productId} holds the changes and was not submitted; submit it with 'command: commit'`,
    );
    return outcome;
  }
  await waitDraftReady(deps, false);
  return submitAndFollow(deps, request.waitFor, outcome);
}
