/**
 * What the MSI/EXE commands (installer-submit.ts, installer-commit.ts, installer-status.ts) share:
 * the product they work on (`app-id` as a product ID GUID, `seller-id`, `api-url`), the flow's
 * dependencies from the run context, and how a flow's outcome reaches the run record (and so the
 * outputs and the job summary).
 */
import { InputError, errorMessage } from '../errors.js';
import { readAppId } from '../inputs/common.js';
import type { InputReader } from '../inputs/reader.js';
import type { JsonObject } from '../json.js';
import { urlWithoutQuery } from '../redact.js';
import type { InstallerEntry } from '../report/record.js';
import { INSTALLER_API_URL, type InstallerClient } from '../store/installer-client.js';
import { isWarning, type ApiMessage } from '../store/installer-envelope.js';
import type { InstallerPackage } from '../store/installer-resources.js';
import type { InstallerTarget, RunContext } from './context.js';
import type { InstallerFlowDeps } from './installer/deps.js';
import type { InstallerOutcome } from './installer/follow.js';
import type { WaitSettings } from './wait.js';

/** A Partner Center seller ID: digits. */
const SELLER_ID = /^\d{1,20}$/;

/**
 * The MSI/EXE product of a run: `app-id` (a product ID GUID; the command router only sends such
 * runs here), `seller-id` (required, digits) and the API root (`api-url` when set, else
 * INSTALLER_API_URL). Throws InputError naming the input.
 */
export function readInstallerTarget(read: InputReader): InstallerTarget {
  const app = readAppId(read);
  if (!app || !('productId' in app)) {
    throw new InputError(
      'app-id',
      'must be the product ID GUID of an MSI/EXE product (Partner Center > the product > Product identity).',
    );
  }
  const sellerId = read.text('seller-id');
  if (!sellerId) {
    throw new InputError(
      'seller-id',
      "is required for an MSI/EXE product (a product ID GUID in 'app-id'): your Partner Center seller ID, from Account settings > Legal info > Developer > Seller ID, e.g. seller-id: ${{ secrets.STORE_SELLER_ID }}.",
    );
  }
  // The value is not echoed: workflows keep it in a secret.
  if (!SELLER_ID.test(sellerId)) {
    throw new InputError(
      'seller-id',
      'is not a seller ID: it is a number (digits only), from Partner Center > Account settings > Legal info > Developer > Seller ID; not the publisher ID or the tenant ID.',
    );
  }
  return {
    apiUrl: read.isSet('api-url') ? read.url('api-url') : INSTALLER_API_URL,
    productId: app.productId,
    sellerId,
  };
}

/** How the log and summary name the product. */
export function describeInstallerProduct(target: InstallerTarget): string {
  return `MSI/EXE product ${target.productId}`;
}

/** The flow's dependencies: the run's client for the product, log, clock and deadline; polls from `poll-interval-seconds`. */
export function flowDeps(ctx: RunContext, client: InstallerClient, settings: WaitSettings): InstallerFlowDeps {
  return {
    client,
    logger: ctx.logger,
    clock: ctx.clock,
    deadline: ctx.deadline,
    signal: ctx.signal,
    pollIntervalMs: settings.pollIntervalSeconds * 1000,
  };
}

/** The installers as the summary lists them (URLs without their query). */
export function installerEntries(packages: readonly InstallerPackage[]): InstallerEntry[] {
  return packages.map((p) => ({
    url: urlWithoutQuery(p.packageUrl),
    // As `installers` spells it (the API writes X64, Arm64).
    architecture: p.architectures.map((a) => a.toLowerCase()).join(', '),
    type: p.packageType,
    languages: [...p.languages],
  }));
}

/** The `status-details` output of an MSI/EXE product: the API's messages, split as the MSIX API splits them. */
export function statusDetailsOf(errors: readonly ApiMessage[], warnings: readonly ApiMessage[]): JsonObject {
  const plain = (m: ApiMessage): JsonObject => ({ code: m.code, message: m.message, target: m.target });
  return { errors: errors.map(plain), warnings: warnings.map(plain) };
}

/**
 * Copies what a flow learnt into the run record, also after it threw: the submission, the status
 * timeline (times relative to the first status seen), `status-details`, and the status: the
 * publishingStatus once a submission exists, `Draft` when `staged` (nothing submitted on purpose).
 */
export function recordOutcome(ctx: RunContext, outcome: InstallerOutcome, staged: boolean): void {
  const { record, clock } = ctx;
  if (outcome.submissionId) record.submissionId = outcome.submissionId;
  const since = outcome.timeline[0]?.at;
  for (const change of outcome.timeline) record.observeStatus(change.status, change.at, since ?? change.at);
  if (outcome.submissionId) {
    record.status = outcome.status;
    record.statusDetails = statusDetailsOf(outcome.statusDetails.errors, outcome.statusDetails.warnings);
  } else if (staged) {
    record.observeStatus('Draft', clock.now(), clock.now());
  }
}

/**
 * Records the submission in progress that blocks the run (OngoingSubmissionError): `submission-id`,
 * its publishingStatus as `status` and its messages, and `blockedBy` for the summary. A failed read
 * of its status is a warning: the run's own error stays the one reported.
 */
export async function recordBlockingSubmission(
  ctx: RunContext,
  client: InstallerClient,
  submissionId: string,
): Promise<void> {
  const { record, clock, logger } = ctx;
  record.submissionId = submissionId;
  record.blockedBy = submissionId;
  try {
    const current = await client.submissionStatus(submissionId);
    const now = clock.now();
    record.observeStatus(current.publishingStatus, now, now);
    record.statusDetails = statusDetailsOf(
      current.messages.filter((m) => !isWarning(m)),
      current.messages.filter(isWarning),
    );
  } catch (error) {
    const warning = `The status of submission ${submissionId}, which blocks this run, could not be read: ${errorMessage(error)}`;
    logger.warning(warning);
    record.warnings.push(warning);
  }
}
