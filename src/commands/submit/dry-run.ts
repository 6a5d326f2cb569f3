/** The dry run's plan: the steps a real run would take, the diff against the last published submission and the JSON it would send. */
import { formatSize } from '../../format.js';
import type { JsonObject } from '../../json.js';
import { describeTarget, type KindDescriptor } from '../../store/kinds.js';
import type { RolloutState } from '../../store/rollout.js';
import { diffSubmissions } from '../../submission/diff.js';
import { withoutServiceFields } from '../../submission/merge.js';
import { zipSize } from '../../upload/zip.js';
import type { RunContext } from '../context.js';
import type { FileToUpload } from '../files.js';
import type { PendingDecision } from '../pending.js';
import type { SubmitInputs } from './inputs.js';
import { sanitized } from './update.js';

/** What the dry run shows: everything the run built and decided before its first change. */
export interface DryRunFacts {
  /** The last published submission; {} when there is none. */
  published: JsonObject;
  rollout: RolloutState;
  /** The submission a real run would send, and the warnings building it gave. */
  submission: JsonObject;
  warnings: string[];
  files: FileToUpload[];
  decision: PendingDecision;
  /** Whether it would be the same as the last published one (see `if-unchanged`). */
  unchanged: boolean;
}

/** Records the plan (record.plan, warnings, files) and logs it; sends nothing. */
export function planDryRun(ctx: RunContext, kind: KindDescriptor, inputs: SubmitInputs, facts: DryRunFacts): void {
  const { logger, record } = ctx;
  const { published, rollout, submission, warnings, files, decision, unchanged } = facts;
  const steps: string[] = [];
  const creates = decision.action === 'create' || decision.action === 'delete';
  if (creates && rollout.status === 'PackageRolloutInProgress') {
    steps.push(
      inputs.existingRollout === 'fail'
        ? `stop: the last published submission ${String(published.id)} has a rollout in progress (existing-rollout: fail)`
        : `${inputs.existingRollout} the rollout of submission ${String(published.id)} (${rollout.percentage}%)`,
    );
  }
  if (decision.action === 'stop') steps.push(`stop: ${decision.message}`);
  if (decision.action === 'delete') steps.push(`delete pending submission ${decision.submissionId}`);
  if (unchanged && inputs.ifUnchanged !== 'submit') {
    steps.push(
      inputs.ifUnchanged === 'skip'
        ? 'submit nothing: nothing would change (if-unchanged: skip)'
        : 'stop: nothing would change (if-unchanged: fail)',
    );
  }
  const zipBytes = inputs.zipPath ? 0 : zipSize(files.map((f) => ({ name: f.name, size: f.size })));
  if (decision.action === 'continue' || decision.action === 'wait')
    steps.push(`continue pending submission ${String(decision.submission.id)}, this work from an earlier attempt`);
  if (creates)
    steps.push(`create a submission for the ${describeTarget(inputs.target)} (a copy of the last published one)`);
  if (decision.action !== 'wait') {
    steps.push('update it with the JSON below');
    steps.push(
      inputs.zipPath
        ? `upload ${inputs.zipPath} as it is`
        : files.length
          ? `upload one zip of ${files.length} file(s), ${formatSize(zipBytes)}: ${files.map((f) => f.name).join(', ')}`
          : 'upload nothing (no new files)',
    );
  }
  steps.push(
    inputs.commit || decision.action === 'wait'
      ? `${decision.action === 'wait' ? 'it is already committed: ' : ''}commit, then wait for: ${inputs.waitFor}`
      : "stop before the commit ('commit: false'): the submission is staged",
  );
  const body = withoutServiceFields(submission);
  const diff = diffSubmissions(kind, withoutServiceFields(published), body);
  record.plan = { steps, diff, submission: sanitized(body), zipBytes };
  record.warnings.push(...warnings);
  record.files.push(...files.map((f) => ({ name: f.name, size: f.size })));
  logger.info('Dry run: nothing was created, changed or uploaded. The plan:');
  steps.forEach((step, i) => logger.info(`  ${i + 1}. ${step}`));
  if (diff.packagesAdded.length) logger.info(`Packages added: ${diff.packagesAdded.join(', ')}`);
  if (diff.packagesMarkedForDeletion.length)
    logger.info(`Packages marked PendingDelete: ${diff.packagesMarkedForDeletion.join(', ')}`);
  if (diff.listingsTouched.length) logger.info(`Listings touched: ${diff.listingsTouched.join(', ')}`);
  for (const change of diff.changes) {
    logger.info(
      `  ${change.path}: ${JSON.stringify(change.before) ?? '(absent)'} -> ${JSON.stringify(change.after) ?? '(absent)'}`,
    );
  }
  for (const warning of warnings) logger.warning(warning);
  logger.info(`The submission JSON that would be sent:\n${JSON.stringify(record.plan.submission, null, 2)}`);
  for (const stop of steps.filter((s) => s.startsWith('stop:'))) {
    const warning = `A real run would ${stop}`;
    logger.warning(warning);
    record.warnings.push(warning);
  }
}
