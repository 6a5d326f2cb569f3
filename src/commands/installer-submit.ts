/**
 * `command: submit` for an MSI/EXE product (a product ID GUID in `app-id`; docs/contract.md, MSI/EXE
 * products): check every input and every installer URL -> (dry run: read the draft, show the
 * package list and metadata it would send, stop) -> wait until the draft is ready -> replace the
 * packages -> commit them -> update the metadata -> submit (unless `commit: false`) -> wait per
 * `wait-for`. Nothing is written before the inputs, the URLs and the draft's state have passed.
 */
import { InputError } from '../errors.js';
import { parseInstallers, toPackages, type Installer } from '../installers/installers.js';
import { loadListings } from '../listings/index.js';
import { installerListingChanges, type ListingChanges } from '../listings/installer.js';
import { checkInstallerUrls } from '../installers/probe.js';
import type { InputReader } from '../inputs/reader.js';
import type { JsonObject } from '../json.js';
import type { SubmissionDiff } from '../submission/diff.js';
import { urlWithoutQuery } from '../redact.js';
import type { InstallerPackage } from '../store/installer-resources.js';
import { mergeSubmission } from '../submission/merge.js';
import { INSTALLER_PRODUCT, type Command } from './command.js';
import type { InstallerTarget, RunContext } from './context.js';
import type { InstallerFlowDeps } from './installer/deps.js';
import { OngoingSubmissionError } from './installer/draft.js';
import { submitInstallers } from './installer/flow.js';
import { newInstallerOutcome } from './installer/follow.js';
import {
  describePlan,
  planInstallerSubmission,
  type InstallerPlan,
  type InstallerSubmitRequest,
} from './installer/plan.js';
import {
  describeInstallerProduct,
  flowDeps,
  installerEntries,
  recordBlockingSubmission,
  recordOutcome,
  readInstallerTarget,
} from './installer-product.js';
import { readWaitSettings, type WaitSettings } from './wait.js';

/** The API's limit of `properties.certificationNotes`, in characters. */
const CERTIFICATION_NOTES_LIMIT = 2000;

export interface InstallerSubmitInputs extends WaitSettings {
  product: InstallerTarget;
  /** `installers`, parsed and validated (URLs not yet checked: that needs the network). */
  installers: Installer[];
  /** `release-notes`: `whatsNew` of every listing language. */
  releaseNotes: string | undefined;
  /** `submission-json` merged with `notes-for-certification` (as `properties.certificationNotes`): a merge patch onto the metadata. */
  metadataPatch: JsonObject | undefined;
  /** `commit: false` stages: the draft is written, nothing submitted. */
  commit: boolean;
  dryRun: boolean;
  /** `listings`: the listings folder (absolute), read before anything is sent. */
  listings: string | undefined;
  /** The workspace: a listings folder must resolve inside it. */
  workspace: string;
}

async function readInstallerSubmitInputs(read: InputReader): Promise<InstallerSubmitInputs> {
  const product = readInstallerTarget(read);
  if (read.choice('on-pending', ['fail', 'delete'] as const, 'fail') === 'delete') {
    throw new InputError(
      'on-pending',
      "'delete' cannot work for an MSI/EXE product: a submission in progress cannot be deleted through the MSI/EXE API. Leave it at 'fail' (the run then stops before changing anything, naming the submission) and run again once that submission is published or has failed.",
    );
  }
  const text = read.raw('installers');
  if (!text.trim()) {
    throw new InputError(
      'installers',
      "is required for 'command: submit' of an MSI/EXE product: the complete list of its installers, e.g.\n  - url: https://github.com/contoso/app/releases/download/v2.1.0/Contoso-2.1.0-x64.msi\n    architecture: x64\n    languages: [en-us]",
    );
  }
  // Parsing registers each URL's query as a secret (a signed download URL's query is a credential).
  const installers = await parseInstallers(text);
  const notes = read.prose('notes-for-certification');
  if (notes !== undefined && notes.length > CERTIFICATION_NOTES_LIMIT) {
    throw new InputError(
      'notes-for-certification',
      `is ${notes.length} characters; the Store takes up to ${CERTIFICATION_NOTES_LIMIT} for an MSI/EXE product.`,
    );
  }
  const json = read.json('submission-json')?.value;
  const metadataPatch =
    notes === undefined ? json : mergeSubmission(json ?? {}, { properties: { certificationNotes: notes } }, []).merged;
  return {
    product,
    installers,
    releaseNotes: read.prose('release-notes'),
    metadataPatch,
    commit: read.bool('commit') ?? true,
    dryRun: read.bool('dry-run') ?? false,
    listings: read.existing('listings', 'folder'),
    workspace: read.workspace,
    ...readWaitSettings(read),
  };
}

export const installerSubmit: Command<InstallerSubmitInputs> = {
  name: 'submit',
  inputs: {
    'app-id': INSTALLER_PRODUCT,
    'seller-id': INSTALLER_PRODUCT,
    installers: INSTALLER_PRODUCT,
    'release-notes': INSTALLER_PRODUCT,
    'notes-for-certification': INSTALLER_PRODUCT,
    'submission-json': INSTALLER_PRODUCT,
    'on-pending': INSTALLER_PRODUCT,
    commit: INSTALLER_PRODUCT,
    'dry-run': INSTALLER_PRODUCT,
    listings: INSTALLER_PRODUCT,
  },
  parse: readInstallerSubmitInputs,
  run: runInstallerSubmit,
};

async function runInstallerSubmit(ctx: RunContext, inputs: InstallerSubmitInputs): Promise<void> {
  const { logger, record } = ctx;
  const what = describeInstallerProduct(inputs.product);
  record.target = what;
  record.installerProductId = inputs.product.productId;
  const packages = toPackages(inputs.installers);
  record.installers.push(...installerEntries(packages));
  if (inputs.dryRun)
    logger.info('Dry run: the action checks the installers, signs in and reads, and changes nothing in the Store.');
  const listings =
    inputs.listings === undefined ? undefined : await readListings(ctx, inputs.listings, inputs.workspace);

  // Every URL answers with a file of its type before anything is read or written in the Store. The checks run on
  // the run's transport, which carries the run's stop signal: a cancel or time-out ends them and is reported as such.
  const probes = await ctx.phase(`Check ${inputs.installers.length} installer URL(s)`, () =>
    checkInstallerUrls(inputs.installers, { transport: ctx.transport, logger }),
  );
  probes.forEach((probe, n) => {
    const entry = record.installers[n];
    if (entry && probe.size !== undefined) entry.size = probe.size;
  });

  const client = ctx.installerClient(inputs.product);
  const deps = flowDeps(ctx, client, inputs);
  const request: InstallerSubmitRequest = {
    packages,
    ...(inputs.releaseNotes !== undefined ? { releaseNotes: inputs.releaseNotes } : {}),
    ...(inputs.metadataPatch ? { submissionJson: inputs.metadataPatch } : {}),
    ...(listings ? { listings } : {}),
    commit: inputs.commit,
    waitFor: inputs.waitFor,
  };

  if (inputs.dryRun) {
    await ctx.phase(`Plan the submission of ${what}`, () => planDryRun(ctx, inputs, deps, request));
    return;
  }

  const outcome = newInstallerOutcome();
  let finished = false;
  try {
    await ctx.phase(
      inputs.commit ? `Update and submit ${what}` : `Update the draft of ${what} (staged: not submitted)`,
      () => submitInstallers(deps, request, outcome),
    );
    finished = true;
  } catch (error) {
    if (error instanceof OngoingSubmissionError) await recordBlockingSubmission(ctx, client, error.submissionId);
    throw error;
  } finally {
    recordOutcome(ctx, outcome, finished && !inputs.commit);
  }
}

/** The listings folder, checked (every problem with its file) and mapped onto this API's listings; its warnings logged. */
async function readListings(ctx: RunContext, folder: string, workspace: string): Promise<ListingChanges> {
  const loaded = await loadListings(folder, 'app', { within: workspace });
  const { changes, warnings } = installerListingChanges(loaded.folder);
  for (const warning of [...loaded.warnings.map((w) => `${w.file}: ${w.message}`), ...warnings]) {
    ctx.logger.warning(`listings: ${warning}`);
    ctx.record.warnings.push(`listings: ${warning}`);
  }
  return changes;
}

/** The plan as numbered steps for the summary; the installers and the bodies are shown beside them. */
function planSteps(what: string, inputs: InstallerSubmitInputs, plan: InstallerPlan): string[] {
  const steps = [
    `wait until the draft of ${what} is ready`,
    `replace its ${plan.currentPackages.length} package(s) with the ${plan.packages.length} installer(s) listed, commit them and wait until the draft is ready`,
  ];
  if (plan.languagesAdded.length) steps.push(`add listing languages ${plan.languagesAdded.join(', ')}`);
  if (plan.languagesRemoved.length) steps.push(`remove listing languages ${plan.languagesRemoved.join(', ')}`);
  steps.push(
    plan.metadataWrites.length
      ? `update the metadata (${plan.metadataWrites.length} update(s), in the JSON below)`
      : 'leave the metadata as it is',
  );
  steps.push(
    inputs.commit
      ? `submit, then wait for: ${inputs.waitFor}`
      : "stop before submitting ('commit: false'): the draft keeps the changes for 'command: commit'",
  );
  return steps;
}

async function planDryRun(
  ctx: RunContext,
  inputs: InstallerSubmitInputs,
  deps: InstallerFlowDeps,
  request: InstallerSubmitRequest,
): Promise<void> {
  const { logger, record } = ctx;
  const what = describeInstallerProduct(inputs.product);
  let plan: InstallerPlan;
  try {
    plan = await planInstallerSubmission(deps, request);
  } catch (error) {
    if (!(error instanceof OngoingSubmissionError)) throw error;
    // A dry run reports what a real run would do; with a submission in progress, it would stop.
    const stop = `stop: submission ${error.submissionId} of ${what} is in progress, and the MSI/EXE API takes no changes until it is published or has failed`;
    record.plan = {
      steps: [stop],
      diff: emptyDiff([]),
      submission: { packages: shownPackages(request.packages) },
      zipBytes: 0,
    };
    const warning = `A real run would ${stop}`;
    logger.warning(warning);
    record.warnings.push(warning);
    await recordBlockingSubmission(ctx, deps.client, error.submissionId);
    return;
  }
  const touched = [
    ...new Set([
      ...plan.languagesAdded,
      ...plan.languagesRemoved,
      ...plan.metadataWrites.flatMap((w) => languageOf(w)),
    ]),
  ];
  const steps = planSteps(what, inputs, plan);
  record.plan = {
    steps,
    diff: emptyDiff(touched),
    submission: { packages: shownPackages(plan.packages), metadata: plan.metadataWrites },
    zipBytes: 0,
  };
  logger.info('Dry run: nothing was changed in the Store. The plan:');
  steps.forEach((step, i) => logger.info(`  ${i + 1}. ${step}`));
  for (const line of describePlan(plan)) logger.info(line);
  for (const field of plan.ignoredFields) {
    const warning = `submission-json: '${field}' is read-only and would be ignored`;
    logger.warning(warning);
    record.warnings.push(warning);
  }
}

/** The package list as the plan shows it: each URL without its query (a credential), else as it would be sent. */
function shownPackages(packages: readonly InstallerPackage[]): JsonObject[] {
  return packages.map((p) => ({ ...p, packageUrl: urlWithoutQuery(p.packageUrl) }) as unknown as JsonObject);
}

function languageOf(write: JsonObject): string[] {
  const listing = write.listings;
  return listing && typeof listing === 'object' && !Array.isArray(listing) && typeof listing.language === 'string'
    ? [listing.language]
    : [];
}

/** The summary's diff of an MSI/EXE plan: no MSIX package entries or field paths, the listing languages touched. */
function emptyDiff(listingsTouched: string[]): SubmissionDiff {
  return { packagesAdded: [], packagesMarkedForDeletion: [], listingsTouched, changes: [] };
}
