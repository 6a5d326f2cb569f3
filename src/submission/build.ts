import { InputError } from '../errors.js';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { KindDescriptor } from '../store/kinds.js';
import { ListingLimitsError, submissionListingProblems, type ListingsFolder } from '../listings/index.js';
import { packageKey } from '../packages/names.js';
import type { DescribedPackage } from '../packages/retention.js';
import {
  applyKeepPackageVersions,
  applyListingsFolder,
  type ListingsOutcome,
  type RetentionOutcome,
} from './content.js';
import { zipNameProblems } from './files.js';
import { caseMismatches, mergeSubmission } from './merge.js';

export const PUBLISH_MODES = ['Immediate', 'Manual', 'SpecificDate'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];

/**
 * What a run changes on the submission the Store cloned, already parsed from the action's inputs
 * (formats and ranges are the inputs' to check; the rules that depend on the submission are here).
 */
export interface SubmissionChanges {
  /** Parsed `submission-json`. */
  overlay?: JsonObject | undefined;
  /** Zip entry names of the new package files (`packages`), in order. */
  newPackages: string[];
  /** `replace-packages`. */
  replacePackages: boolean;
  /** `release-notes`; undefined keeps the listings' notes, any string (even empty) sets them. */
  releaseNotes?: string | undefined;
  /** `notes-for-certification`. */
  notesForCertification?: string | undefined;
  /** `target-publish-mode`. */
  targetPublishMode?: PublishMode | undefined;
  /** `target-publish-date`, ISO 8601. */
  targetPublishDate?: string | undefined;
  /** `rollout-percentage`, 0-100. */
  rolloutPercentage?: number | undefined;
  /** `mandatory-update`. */
  mandatoryUpdate?: boolean | undefined;
  /** `mandatory-update-date`, ISO 8601. */
  mandatoryUpdateDate?: string | undefined;
  /** `listings`, read and checked by loadListings (its kind matches the submission's). */
  listings?: ListingsFolder | undefined;
  /** `keep-package-versions`: N, an integer >= 1. */
  keepPackageVersions?: number | undefined;
  /** Manifest facts of the new packages, keyed by packageKey(zip name); retention ranks them. */
  describedPackages?: ReadonlyMap<string, DescribedPackage> | undefined;
}

/** The built submission and what building it did (the last three only when those changes were asked for). */
export interface BuiltSubmission {
  submission: JsonObject;
  warnings: string[];
  /** Files the zip takes from the listings folder: zip entry name -> absolute path. Present with `listings`. */
  uploads?: Map<string, string>;
  /** What the listings folder changed. Present with `listings`. */
  listings?: ListingsOutcome;
  /** What retention marked. Present with `keepPackageVersions` (on a kind with packages). */
  retention?: RetentionOutcome;
}

/**
 * Builds the submission to PUT from the one the Store cloned. Applies, in this order: the overlay
 * (`submission-json`), the listings folder, packages, retention (`keepPackageVersions`), release
 * notes (so `release-notes` wins over the folder's), notes for certification, publish mode and
 * date, gradual rollout, mandatory update. Never mutates its input.
 *
 * Decisions where the Store's documentation is silent:
 * - PUT is a full replace and the Store rejects a body that drops an existing package, so existing
 *   entries are always kept: `replacePackages` marks them PendingDelete, and an overlay whose
 *   package array leaves some out gets them appended back unchanged, with a warning.
 * - A new package whose name matches an existing entry (case-insensitively, as Windows compares)
 *   replaces it: the old entry is marked PendingDelete and the new one appended, with a warning.
 *   Two entries of one name both live would leave it unclear which file the Store should keep.
 * - A new package the overlay already lists as PendingUpload is not added a second time.
 * - `rolloutPercentage: 0` is a valid start (isPackageRollout true, nobody gets the packages until
 *   the percentage is raised with the `rollout` command). Without `rolloutPercentage` the cloned
 *   rollout settings are left as they are.
 * - `packageDeliveryOptions` is created when absent, holding only what was asked for.
 * - `targetPublishDate` needs the resulting mode to be SpecificDate; choosing SpecificDate needs a
 *   date from `targetPublishDate` or the overlay (the clone's date is the last publication's).
 * - `mandatoryUpdateDate` needs the resulting `isMandatoryUpdate` to be true.
 *
 * Call checkChanges first (before anything is read). Throws InputError naming the input when a
 * change does not fit the copied submission, and ListingLimitsError when the listings as built
 * (copied values included) break the Store's limits (src/listings/limits.ts).
 */
export function buildSubmission(
  kind: KindDescriptor,
  current: JsonObject,
  changes: SubmissionChanges,
): BuiltSubmission {
  const warnings: string[] = [];
  const extras: Omit<BuiltSubmission, 'submission' | 'warnings'> = {};

  let submission = cloneJson(current);
  if (changes.overlay) {
    for (const mismatch of caseMismatches(submission, changes.overlay)) {
      warnings.push(
        `submission-json: ${mismatch}; field names are case-sensitive, so this adds a field the Store ignores`,
      );
    }
    const { merged, ignoredFields } = mergeSubmission(submission, changes.overlay);
    submission = merged;
    if (ignoredFields.length > 0) {
      warnings.push(
        `submission-json: ignored the read-only field(s) ${ignoredFields.join(', ')}; the Store sets them itself`,
      );
    }
    if (kind.packagesField && Object.hasOwn(changes.overlay, kind.packagesField)) {
      refuseResentPackages(kind.packagesField, current, submission);
      warnings.push(...restoreDroppedPackages(kind.packagesField, current, submission));
    }
  }
  if (changes.listings) {
    const applied = applyListingsFolder(kind, submission, changes.listings);
    submission = applied.submission;
    extras.uploads = applied.uploads;
    extras.listings = applied.outcome;
    warnings.push(...applied.warnings);
  }
  if (kind.packagesField) warnings.push(...applyPackages(kind.packagesField, submission, changes));
  if (changes.keepPackageVersions !== undefined) {
    const retention = applyKeepPackageVersions(
      kind,
      submission,
      changes.keepPackageVersions,
      changes.describedPackages ?? new Map(),
    );
    if (retention) extras.retention = retention;
    if (retention?.unjudged.length) {
      warnings.push(
        `keep-package-versions: kept ${retention.unjudged.join(', ')}: their version or architecture is not known yet (the Store has not processed them, or no manifest was read)`,
      );
    }
  }
  if (changes.releaseNotes !== undefined) applyReleaseNotes(submission, changes.releaseNotes);
  if (changes.notesForCertification !== undefined) submission.notesForCertification = changes.notesForCertification;
  applyPublishMode(submission, changes);
  applyPackageDelivery(submission, changes);
  warnings.push(...settleCarriedOver(submission, changes));
  // The Store checks the whole listing it is sent, values copied from its own listing included.
  const limits = submissionListingProblems(kind.kind, submission);
  if (limits.length > 0) throw new ListingLimitsError(limits);
  return { submission, warnings, ...extras };
}

/**
 * The rules that the changes alone decide, checked before anything is read or created; the rules
 * that also depend on the copied submission are checked as it is built. Throws InputError.
 */
export function checkChanges(kind: KindDescriptor, changes: SubmissionChanges): void {
  const packageProblems = zipNameProblems(changes.newPackages);
  if (packageProblems.length > 0) throw new InputError('packages', packageProblems.join('; '));
  const overlayPackages = kind.packagesField && changes.overlay ? changes.overlay[kind.packagesField] : undefined;
  if (changes.replacePackages && changes.newPackages.length === 0 && overlayPackages === undefined) {
    throw new InputError('replace-packages', "needs new packages: set 'packages' too.");
  }
  const mode = changes.targetPublishMode ?? overlayValue(changes.overlay, 'targetPublishMode');
  const date = changes.targetPublishDate ?? overlayValue(changes.overlay, 'targetPublishDate');
  if (mode === 'SpecificDate' && date === undefined) {
    throw new InputError(
      'target-publish-date',
      "is required with target-publish-mode SpecificDate (or set targetPublishDate in 'submission-json').",
    );
  }
  if (changes.targetPublishDate !== undefined && mode !== undefined && mode !== 'SpecificDate') {
    throw new InputError(
      'target-publish-date',
      `only applies with target-publish-mode SpecificDate, not ${String(mode)}.`,
    );
  }
  const delivery = changes.overlay?.packageDeliveryOptions;
  const mandatory = changes.mandatoryUpdate ?? (isJsonObject(delivery) ? delivery.isMandatoryUpdate : undefined);
  if (changes.mandatoryUpdateDate !== undefined && mandatory === false) {
    throw new InputError('mandatory-update-date', MANDATORY_DATE_NEEDS_UPDATE);
  }
}

const MANDATORY_DATE_NEEDS_UPDATE = 'only applies with mandatory-update: true';

function overlayValue(overlay: JsonObject | undefined, field: string): JsonValue | undefined {
  return overlay && Object.hasOwn(overlay, field) ? overlay[field] : undefined;
}

/** The packageKey of an entry's `fileName`; undefined when it has none. */
function entryKey(fileName: JsonValue | undefined): string | undefined {
  return typeof fileName === 'string' ? packageKey(fileName) : undefined;
}

function packageEntries(field: string, submission: JsonObject): JsonValue[] | undefined {
  const entries = submission[field];
  if (entries === undefined || entries === null) return undefined;
  if (!Array.isArray(entries)) throw new InputError('submission-json', `${field} must be an array of package entries`);
  return entries;
}

/**
 * Refuses an overlay that sends an existing package entry (its `id`) back as PendingUpload: the
 * Store counts such an entry as left out and refuses the whole PUT with "Please keep all file
 * entries for existing packages" (docs/store-api.md#live-package-entries). Throws InputError.
 */
function refuseResentPackages(field: string, current: JsonObject, merged: JsonObject): void {
  const existing = new Map(
    (packageEntries(field, current) ?? [])
      .filter(isJsonObject)
      // An entry still PendingUpload in the submission itself (an earlier attempt's new file) may stay so.
      .filter((entry) => typeof entry.id === 'string' && entry.fileStatus !== 'PendingUpload')
      .map((entry) => [entry.id as string, entry]),
  );
  const resent = (packageEntries(field, merged) ?? []).filter(
    (entry): entry is JsonObject =>
      isJsonObject(entry) &&
      entry.fileStatus === 'PendingUpload' &&
      typeof entry.id === 'string' &&
      existing.has(entry.id),
  );
  if (resent.length === 0) return;
  const named = resent.map((entry) => `${String(entry.id)} (${String(entry.fileName)})`).join(', ');
  throw new InputError(
    'submission-json',
    `${field} sends the existing package entries ${named} back as PendingUpload, which the Store reads as leaving them out: it refuses the update ("Please keep all file entries for existing packages"). ` +
      'Keep an existing entry as the Store gave it (fileStatus Uploaded), mark it PendingDelete to remove it, and list a new file without an id (or give it in packages).',
  );
}

/** Puts back existing package entries that the overlay's package array left out. */
function restoreDroppedPackages(field: string, current: JsonObject, merged: JsonObject): string[] {
  const existing = packageEntries(field, current) ?? [];
  const entries = packageEntries(field, merged) ?? [];
  const ids = new Set(
    entries
      .filter(isJsonObject)
      .map((entry) => entry.id)
      .filter((id) => typeof id === 'string'),
  );
  const names = new Set(entries.filter(isJsonObject).map((entry) => entryKey(entry.fileName)));
  const dropped = existing.filter(
    (entry) =>
      isJsonObject(entry) && !(typeof entry.id === 'string' ? ids.has(entry.id) : names.has(entryKey(entry.fileName))),
  );
  if (dropped.length === 0) return [];
  merged[field] = [...entries, ...cloneJson(dropped)];
  const droppedNames = dropped.map((entry) => (isJsonObject(entry) ? String(entry.fileName) : '?')).join(', ');
  return [
    `submission-json: ${field} left out ${dropped.length} package(s) already in the submission (${droppedNames}); ` +
      'they are kept because the Store rejects a submission that drops existing packages. ' +
      'To remove them, mark them PendingDelete or use replace-packages.',
  ];
}

function applyPackages(field: string, submission: JsonObject, changes: SubmissionChanges): string[] {
  const existing = packageEntries(field, submission);
  if (!existing && changes.newPackages.length === 0) return [];
  const entries = existing ?? [];
  const warnings: string[] = [];

  const newKeys = new Set<string | undefined>(changes.newPackages.map((name) => packageKey(name)));
  const alreadyPending = new Set<string | undefined>();
  for (const entry of entries) {
    if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete') continue;
    // Entries still PendingUpload come from the overlay: they are part of this run's new files.
    if (entry.fileStatus === 'PendingUpload') {
      alreadyPending.add(entryKey(entry.fileName));
      continue;
    }
    const replacedByNew = newKeys.has(entryKey(entry.fileName));
    if (changes.replacePackages || replacedByNew) entry.fileStatus = 'PendingDelete';
    if (replacedByNew && !changes.replacePackages) {
      warnings.push(
        `packages: ${String(entry.fileName)} is already in the submission; the existing entry is marked PendingDelete and the new file replaces it`,
      );
    }
  }
  for (const fileName of changes.newPackages) {
    if (alreadyPending.has(packageKey(fileName))) continue;
    entries.push({ fileName, fileStatus: 'PendingUpload', minimumDirectXVersion: 'None', minimumSystemRam: 'None' });
  }
  // The PUT must carry both fields on every entry, old ones included (the docs require them even
  // though only Windows 8.x packages use them).
  for (const entry of entries) {
    if (!isJsonObject(entry)) continue;
    entry.minimumDirectXVersion ??= 'None';
    entry.minimumSystemRam ??= 'None';
  }
  submission[field] = entries;

  if (
    changes.replacePackages &&
    !entries.some((entry) => isJsonObject(entry) && entry.fileStatus !== 'PendingDelete')
  ) {
    throw new InputError(
      'replace-packages',
      'would mark every package PendingDelete and add none; give the new package files in packages',
    );
  }
  return warnings;
}

/** Sets the release notes of every listing, including listings that had none. */
function applyReleaseNotes(submission: JsonObject, releaseNotes: string): void {
  const listings = submission.listings;
  const languages = isJsonObject(listings) ? Object.keys(listings) : [];
  if (!isJsonObject(listings) || languages.length === 0) {
    throw new InputError('release-notes', 'the app submission has no listings to put them in');
  }
  for (const language of languages) {
    const listing = listings[language];
    if (!isJsonObject(listing)) continue;
    if (!isJsonObject(listing.baseListing)) listing.baseListing = {};
    listing.baseListing.releaseNotes = releaseNotes;
  }
}

function applyPublishMode(submission: JsonObject, changes: SubmissionChanges): void {
  if (changes.targetPublishMode !== undefined) submission.targetPublishMode = changes.targetPublishMode;
  if (changes.targetPublishDate !== undefined) {
    if (submission.targetPublishMode !== 'SpecificDate') {
      throw new InputError(
        'target-publish-date',
        `only applies with target-publish-mode SpecificDate (the submission's mode is ${String(submission.targetPublishMode ?? 'not set')})`,
      );
    }
    submission.targetPublishDate = changes.targetPublishDate;
  }
}

/**
 * What the Store's copy of the last submission carries that this run did not ask for: a gradual
 * rollout is switched off (`isPackageRollout: false`), a mandatory update or a publish mode other
 * than Immediate is kept; each is reported. Returns the reports.
 */
function settleCarriedOver(submission: JsonObject, changes: SubmissionChanges): string[] {
  const reports: string[] = [];
  const overlayDelivery = isJsonObject(changes.overlay?.packageDeliveryOptions)
    ? changes.overlay.packageDeliveryOptions
    : {};
  const delivery = isJsonObject(submission.packageDeliveryOptions) ? submission.packageDeliveryOptions : undefined;
  const rollout = delivery && isJsonObject(delivery.packageRollout) ? delivery.packageRollout : undefined;
  if (
    changes.rolloutPercentage === undefined &&
    !Object.hasOwn(overlayDelivery, 'packageRollout') &&
    rollout?.isPackageRollout === true
  ) {
    rollout.isPackageRollout = false;
    reports.push(
      `The copy of the last submission carried a gradual rollout (${String(rollout.packageRolloutPercentage ?? '?')}%); it is switched off (isPackageRollout: false) because 'rollout-percentage' does not ask for one`,
    );
  }
  if (
    changes.mandatoryUpdate === undefined &&
    changes.mandatoryUpdateDate === undefined &&
    !Object.hasOwn(overlayDelivery, 'isMandatoryUpdate') &&
    delivery?.isMandatoryUpdate === true
  ) {
    reports.push(
      "The copy of the last submission makes this a mandatory update; it is kept (set 'mandatory-update: false' to change that)",
    );
  }
  const mode = submission.targetPublishMode;
  if (
    changes.targetPublishMode === undefined &&
    !(changes.overlay && Object.hasOwn(changes.overlay, 'targetPublishMode')) &&
    (mode === 'Manual' || mode === 'SpecificDate')
  ) {
    reports.push(
      `The copy of the last submission has publish mode ${mode}; it is kept (set 'target-publish-mode' to change it)`,
    );
  }
  return reports;
}

function applyPackageDelivery(submission: JsonObject, changes: SubmissionChanges): void {
  const { rolloutPercentage, mandatoryUpdate, mandatoryUpdateDate } = changes;
  if (rolloutPercentage === undefined && mandatoryUpdate === undefined && mandatoryUpdateDate === undefined) return;
  const delivery = isJsonObject(submission.packageDeliveryOptions) ? submission.packageDeliveryOptions : {};
  submission.packageDeliveryOptions = delivery;

  if (rolloutPercentage !== undefined) {
    const rollout = isJsonObject(delivery.packageRollout) ? delivery.packageRollout : {};
    rollout.isPackageRollout = true;
    rollout.packageRolloutPercentage = rolloutPercentage;
    delivery.packageRollout = rollout;
  }
  if (mandatoryUpdate !== undefined) delivery.isMandatoryUpdate = mandatoryUpdate;
  if (mandatoryUpdateDate !== undefined) {
    if (delivery.isMandatoryUpdate !== true) {
      throw new InputError('mandatory-update-date', MANDATORY_DATE_NEEDS_UPDATE);
    }
    delivery.mandatoryUpdateEffectiveDate = mandatoryUpdateDate;
  }
}
