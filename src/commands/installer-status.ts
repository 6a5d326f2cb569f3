/**
 * `command: status` for an MSI/EXE product: the draft (ready or not, its installers, its listing
 * languages, its errors) and the submission in progress, or the one `submission-id` names.
 * Changes nothing. Outputs: `submission-id` and `status` of that submission (its
 * publishingStatus), or `status: Draft` when none is in progress.
 */
import { readSubmissionId } from '../inputs/common.js';
import type { InputReader } from '../inputs/reader.js';
import { isJsonObject } from '../json.js';
import { describeMessage, isWarning, type ApiMessage } from '../store/installer-envelope.js';
import type { InstallerPackage } from '../store/installer-resources.js';
import { INSTALLER_PRODUCT, type Command } from './command.js';
import type { InstallerTarget, RunContext } from './context.js';
import type { InstallerFlowDeps } from './installer/deps.js';
import {
  describeInstallerProduct,
  flowDeps,
  installerEntries,
  readInstallerTarget,
  statusDetailsOf,
} from './installer-product.js';

export interface InstallerStatusInputs {
  product: InstallerTarget;
  /** A submission to report besides the draft; default the one in progress, if any. */
  submissionId: string | undefined;
}

export const installerStatusCommand: Command<InstallerStatusInputs> = {
  name: 'status',
  inputs: {
    'app-id': INSTALLER_PRODUCT,
    'seller-id': INSTALLER_PRODUCT,
    'submission-id': INSTALLER_PRODUCT,
  },
  parse: (read: InputReader) => ({ product: readInstallerTarget(read), submissionId: readSubmissionId(read) }),
  async run(ctx: RunContext, { product, submissionId: named }: InstallerStatusInputs): Promise<void> {
    const { record, clock, logger } = ctx;
    record.target = describeInstallerProduct(product);
    record.installerProductId = product.productId;
    const client = ctx.installerClient(product);
    // Status reads once; the poll settings do not matter here.
    const report = await ctx.phase(`Read ${describeInstallerProduct(product)}`, () =>
      installerStatus(flowDeps(ctx, client, { waitFor: 'none', pollIntervalSeconds: 30 })),
    );
    record.installers.push(...installerEntries(report.packages));
    const now = clock.now();
    if (named && named !== report.ongoingSubmissionId) {
      const current = await client.submissionStatus(named);
      logger.info(`Submission ${named} is ${current.publishingStatus}${current.hasFailed ? ' (failed)' : ''}`);
      for (const m of current.messages) logger.info(`  ${describeMessage(m)}`);
      record.submissionId = named;
      record.observeStatus(current.publishingStatus, now, now);
      record.statusDetails = statusDetailsOf(
        current.messages.filter((m) => !isWarning(m)),
        current.messages.filter(isWarning),
      );
    } else if (report.ongoingSubmissionId) {
      const messages = report.submissionMessages ?? [];
      record.submissionId = report.ongoingSubmissionId;
      record.observeStatus(report.publishingStatus ?? 'UNKNOWN', now, now);
      record.statusDetails = statusDetailsOf(
        messages.filter((m) => !isWarning(m)),
        messages.filter(isWarning),
      );
    } else {
      record.observeStatus('Draft', now, now);
      record.statusDetails = statusDetailsOf(
        report.messages.filter((m) => !isWarning(m)),
        report.messages.filter(isWarning),
      );
    }
    if (!report.draftReady)
      record.warnings.push(
        `The draft of ${describeInstallerProduct(product)} is not ready${report.messages.length ? `: ${report.messages.map(describeMessage).join('; ')}` : ''}`,
      );
  },
};

export interface InstallerStatusReport {
  draftReady: boolean;
  ongoingSubmissionId?: string;
  publishingStatus?: string;
  hasFailed?: boolean;
  /** The errors and warnings of the submission in progress. */
  submissionMessages?: ApiMessage[];
  packages: InstallerPackage[];
  languages: { language: string; isComplete: boolean }[];
  messages: ApiMessage[];
}

/** `command: status` for an MSI/EXE product: the draft, its packages and languages, and the submission in progress. Changes nothing. */
export async function installerStatus(deps: InstallerFlowDeps): Promise<InstallerStatusReport> {
  const { client, logger } = deps;
  const status = await client.draftStatus();
  const packages = await client.getPackages();
  const metadata = await client.getMetadata();
  const languages = (Array.isArray(metadata.listingLanguages) ? metadata.listingLanguages : [])
    .filter(isJsonObject)
    .map((l) => ({ language: String(l.language ?? ''), isComplete: l.isComplete === true }));
  const report: InstallerStatusReport = { draftReady: status.isReady, packages, languages, messages: status.messages };
  logger.info(
    `Draft of product ${client.productId}: ${status.isReady ? 'ready' : 'not ready'}; ${packages.length} package(s); listing languages ${languages.map((l) => `${l.language}${l.isComplete ? '' : ' (incomplete)'}`).join(', ') || 'none'}`,
  );
  for (const m of status.messages) logger.info(`  ${describeMessage(m)}`);
  if (status.ongoingSubmissionId) {
    const sub = await client.submissionStatus(status.ongoingSubmissionId);
    report.ongoingSubmissionId = status.ongoingSubmissionId;
    report.publishingStatus = sub.publishingStatus;
    report.hasFailed = sub.hasFailed;
    report.submissionMessages = sub.messages;
    logger.info(
      `Submission ${status.ongoingSubmissionId} is ${sub.publishingStatus}${sub.hasFailed ? ' (failed)' : ''}`,
    );
    for (const m of sub.messages) logger.info(`  ${describeMessage(m)}`);
  } else {
    logger.info('No submission is in progress');
  }
  return report;
}
