/** The inputs of `command: submit`: which it takes for which product, parsed and checked in one place. */
import path from 'node:path';
import { InputError } from '../../errors.js';
import { readRolloutPercentage, readTarget } from '../../inputs/common.js';
import { futureDateTime, type InputReader, type JsonInput } from '../../inputs/reader.js';
import { isJsonObject, type JsonValue } from '../../json.js';
import type { Target } from '../../store/kinds.js';
import { PUBLISH_MODES, type PublishMode, type SubmissionChanges } from '../../submission/build.js';
import { ANY_PRODUCT, PACKAGED_PRODUCTS, type InputDeclarations } from '../command.js';
import { readContentInputs, type ContentInputs } from '../content.js';
import type { FileToUpload } from '../files.js';
import { readWaitSettings, type WaitSettings } from '../wait.js';

export interface SubmitInputs extends WaitSettings, ContentInputs {
  target: Target;
  /** `submission-json`, merged onto the copy as a JSON merge patch. */
  submissionJson: JsonInput | undefined;
  /** Absolute folder where file names of the submission are looked up. */
  contentRoot: string;
  /** The workspace, against which the package globs are matched. */
  workspace: string;
  /** Glob patterns of package files, one per line of `packages`. */
  packages: string[];
  /** A ready-made zip to upload as it is. */
  zipPath: string | undefined;
  replacePackages: boolean;
  releaseNotes: string | undefined;
  notesForCertification: string | undefined;
  targetPublishMode: PublishMode | undefined;
  targetPublishDate: string | undefined;
  rolloutPercentage: number | undefined;
  mandatoryUpdate: boolean | undefined;
  mandatoryUpdateDate: string | undefined;
  onPending: 'fail' | 'delete';
  existingRollout: 'fail' | 'finalize' | 'halt';
  dryRun: boolean;
  /** `commit: false` stages: created, updated and uploaded, not committed. */
  commit: boolean;
  /** What to do when the submission would be the same as the last published one. */
  ifUnchanged: 'fail' | 'skip' | 'submit';
}

/** The inputs `submit` takes beyond the common ones, with the products each applies to. */
export const SUBMIT_INPUTS: InputDeclarations = {
  'app-id': ANY_PRODUCT,
  'flight-id': ANY_PRODUCT,
  'add-on-id': ANY_PRODUCT,
  'submission-json': ANY_PRODUCT,
  'content-root': ANY_PRODUCT,
  packages: PACKAGED_PRODUCTS,
  'replace-packages': PACKAGED_PRODUCTS,
  'keep-package-versions': PACKAGED_PRODUCTS,
  listings: ['app', 'add-on'],
  'zip-path': ANY_PRODUCT,
  'release-notes': ['app'],
  'notes-for-certification': PACKAGED_PRODUCTS,
  'target-publish-mode': ANY_PRODUCT,
  'target-publish-date': ANY_PRODUCT,
  'rollout-percentage': PACKAGED_PRODUCTS,
  'mandatory-update': PACKAGED_PRODUCTS,
  'mandatory-update-date': PACKAGED_PRODUCTS,
  'on-pending': ANY_PRODUCT,
  'existing-rollout': PACKAGED_PRODUCTS,
  'dry-run': ANY_PRODUCT,
  commit: ANY_PRODUCT,
  'if-unchanged': ANY_PRODUCT,
};

/**
 * Parses and checks every input of `submit`. Throws InputError naming the input: `packages` with
 * `zip-path`, and whatever the readers refuse (a missing file or folder, a bad choice or date).
 */
export function readSubmitInputs(read: InputReader): SubmitInputs {
  const submissionJson = read.json('submission-json');
  const contentRoot =
    read.existing('content-root', 'folder') ??
    (submissionJson?.file ? path.dirname(submissionJson.file) : read.workspace);
  const zipPath = read.existing('zip-path', 'file');
  const packages = read.list('packages', /\r?\n/);
  if (zipPath && packages.length > 0) {
    throw new InputError(
      'packages',
      "cannot be combined with 'zip-path': a ready-made zip is uploaded as it is; name its packages in 'submission-json' instead.",
    );
  }
  const targetPublishMode = read.optionalChoice('target-publish-mode', PUBLISH_MODES);
  const mandatoryUpdate = read.bool('mandatory-update');
  if (submissionJson) checkOverlayDates(submissionJson, targetPublishMode, mandatoryUpdate);
  return {
    target: readTarget(read, 'submit'),
    submissionJson,
    contentRoot,
    workspace: read.workspace,
    packages,
    zipPath,
    replacePackages: read.bool('replace-packages') ?? false,
    releaseNotes: read.prose('release-notes'),
    notesForCertification: read.prose('notes-for-certification'),
    targetPublishMode,
    targetPublishDate: read.dateTime('target-publish-date'),
    rolloutPercentage: readRolloutPercentage(read),
    mandatoryUpdate,
    mandatoryUpdateDate: read.dateTime('mandatory-update-date'),
    onPending: read.choice('on-pending', ['fail', 'delete'] as const, 'fail'),
    existingRollout: read.choice('existing-rollout', ['fail', 'finalize', 'halt'] as const, 'fail'),
    ...readWaitSettings(read),
    dryRun: read.bool('dry-run') ?? false,
    commit: read.bool('commit') ?? true,
    ifUnchanged: read.choice('if-unchanged', ['fail', 'skip', 'submit'] as const, 'fail'),
    ...readContentInputs(read),
  };
}

/**
 * Holds the dates of `submission-json` that the Store will read to the rules of the date inputs
 * (futureDateTime): `targetPublishDate` when the publish mode becomes SpecificDate, and
 * `packageDeliveryOptions.mandatoryUpdateEffectiveDate` when the update becomes mandatory (by the
 * inputs or the JSON itself). Others are left alone: a copied submission's unset dates read
 * `1601-01-01`. Throws InputError('submission-json') naming the field.
 */
function checkOverlayDates(
  json: JsonInput,
  targetPublishMode: PublishMode | undefined,
  mandatoryUpdate: boolean | undefined,
): void {
  const overlay = json.value;
  const delivery = isJsonObject(overlay.packageDeliveryOptions) ? overlay.packageDeliveryOptions : {};
  const read: [string, JsonValue | undefined][] = [];
  if ((targetPublishMode ?? overlay.targetPublishMode) === 'SpecificDate')
    read.push(['targetPublishDate', overlay.targetPublishDate]);
  if ((mandatoryUpdate ?? delivery.isMandatoryUpdate) === true)
    read.push(['packageDeliveryOptions.mandatoryUpdateEffectiveDate', delivery.mandatoryUpdateEffectiveDate]);
  for (const [field, value] of read) {
    if (typeof value !== 'string') continue;
    const parsed = futureDateTime(value, new Date());
    if ('problem' in parsed) throw new InputError('submission-json', `its ${field} ${parsed.problem}`);
  }
}

/** The changes the inputs ask of the submission, with the zip names of the new package files. */
export function changesFrom(inputs: SubmitInputs, packages: readonly FileToUpload[]): SubmissionChanges {
  return {
    overlay: inputs.submissionJson?.value,
    newPackages: packages.map((p) => p.name),
    replacePackages: inputs.replacePackages,
    releaseNotes: inputs.releaseNotes,
    notesForCertification: inputs.notesForCertification,
    targetPublishMode: inputs.targetPublishMode,
    targetPublishDate: inputs.targetPublishDate,
    rolloutPercentage: inputs.rolloutPercentage,
    mandatoryUpdate: inputs.mandatoryUpdate,
    mandatoryUpdateDate: inputs.mandatoryUpdateDate,
  };
}
