/**
 * The MSI/EXE product flow (interface.md "MSI/EXE products"; store-api.md §8 "Model and polling"):
 * wait until the draft is ready -> replace the packages -> commit them and wait until ready
 * (`packageuploaderror` = commit again; other errors are fatal) -> update the listings (release
 * notes, listing changes, `submission-json` merged onto the draft's metadata) and assets -> submit
 * (unless staging) -> wait per `wait-for`. Everything the run would change is worked out from reads
 * first (`planInstallerSubmission`), so bad input and an ongoing submission fail before any write.
 *
 * Dependencies are parameters (client, logger, clock, deadline, signal, poll interval), so tests
 * drive it with injected time against the emulator.
 */
import { InputError, SubmissionFailedError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { Logger } from '../log.js';
import { mergeSubmission } from '../submission/merge.js';
import {
  describeMessage,
  type ApiMessage,
  type DraftStatus,
  type InstallerClient,
  type InstallerPackage,
  type ListingAssets,
  type PublishingStatus,
} from '../store/installer-client.js';
import { formatDuration } from '../format.js';
import { pollDelayMs, type Clock, type WaitFor } from '../waiting.js';

export interface InstallerFlowDeps {
  client: InstallerClient;
  logger: Logger;
  /** `now` and `sleep(ms)`; tests inject both. */
  clock: Clock;
  /** When the whole run must end (`timeout-minutes` from the start). */
  deadline: Date;
  /** The run's cancellation; checked before every request and after every pause. */
  signal?: AbortSignal;
  /** First pause between polls, in ms (`poll-interval-seconds` x 1000); later pauses back off. */
  pollIntervalMs: number;
}

/** One image of a listing after the run: an existing asset kept, or a PNG uploaded in its place. */
export type ImageSlot = { keep: string } | { upload: { name: string; png: Uint8Array } };

/**
 * Listing changes from the listings folder (built elsewhere), in this API's terms. The seam
 * between the folder reader and this flow.
 */
export interface ListingChanges {
  /**
   * Per language (lower case): fields of this API's listing object to set (`title`, `description`,
   * `shortDescription`, `whatsNew`, `productFeatures`, `searchTerms`, `copyright`, ...). Fields not
   * named keep the draft's values. A language the draft lacks is added.
   */
  text?: Record<string, JsonObject>;
  /**
   * Per language: the complete, ordered screenshots and/or logos that language must have. A type
   * not named is left as it is. `keep` names an asset ID of GET /listings/assets.
   */
  images?: Record<string, { screenshots?: ImageSlot[]; storeLogos?: ImageSlot[] }>;
}

export interface InstallerSubmitRequest {
  /** The complete package list after this submission (`toPackages(parseInstallers(...))`, URLs already checked). */
  packages: InstallerPackage[];
  /** `release-notes`: the `whatsNew` of every listing language; wins over the other sources. */
  releaseNotes?: string;
  /** `submission-json`: a JSON merge patch (RFC 7396) onto `{ availability, properties, listings: { <language>: listing } }`. */
  submissionJson?: JsonObject;
  /** Listing text and images (the listings folder). */
  listings?: ListingChanges;
  /** `commit: false` stages: everything is written to the draft, nothing submitted. */
  commit: boolean;
  waitFor: WaitFor;
}

/** What the run would write to the draft, worked out from reads only (the dry-run plan). */
export interface InstallerPlan {
  /** The draft's packages now. */
  currentPackages: InstallerPackage[];
  /** The package list PUT /packages sends. */
  packages: InstallerPackage[];
  /** Bodies of PUT /metadata, in order (empty: no metadata change). */
  metadataWrites: JsonObject[];
  languagesAdded: string[];
  languagesRemoved: string[];
  /** `submission-json` top-level fields the API does not take, skipped with a warning. */
  ignoredFields: string[];
  /** Per language, the image sets that change: how many kept and uploaded per type. */
  images: { language: string; type: 'screenshots' | 'storeLogos'; kept: number; uploaded: string[] }[];
}

export interface StatusChange {
  status: string;
  at: Date;
}

export interface InstallerOutcome {
  /** The submission created or followed; absent when staged. */
  submissionId?: string;
  /** The Store's publishingStatus (`INPROGRESS`, `PUBLISHED`, ...), or `Draft` when staged. */
  status: string;
  /** The errors and warnings the Store reported on the way. */
  statusDetails: { errors: ApiMessage[]; warnings: ApiMessage[] };
  timeline: StatusChange[];
  plan?: InstallerPlan;
}

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

/** A submission in progress blocks every change; it cannot be cancelled through the API. */
export class OngoingSubmissionError extends Error {
  constructor(
    readonly productId: string,
    readonly submissionId: string,
  ) {
    super(
      `Product ${productId} has submission ${submissionId} in progress. The MSI/EXE API accepts no changes until it is published or has failed, ` +
        `and it cannot be deleted through the API, so nothing was changed. Follow it with 'command: status' (or in Partner Center) and run again when it has finished.`,
    );
    this.name = 'OngoingSubmissionError';
  }
}

const MODULES = ['availability', 'properties', 'listings'];
const MAX_PACKAGE_COMMITS = 4;
const WHATS_NEW_LIMIT = 1500;

function isError(m: ApiMessage): boolean {
  return m.code.toLowerCase() !== 'warning';
}

/** Canonical JSON (sorted keys), to tell whether a module changed. */
function canonical(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The draft's metadata as `submission-json` patches it: `listings` keyed by language instead of
 * the API's array, so a patch can change, add (`"fr-fr": {...}`) or remove (`"de-de": null`) one
 * language.
 */
export function metadataView(metadata: JsonObject): JsonObject {
  const listings: JsonObject = {};
  const list = Array.isArray(metadata.listings) ? metadata.listings : [];
  for (const entry of list) {
    if (!isJsonObject(entry) || typeof entry.language !== 'string') continue;
    const { language, ...fields } = entry;
    listings[language.toLowerCase()] = fields;
  }
  const view: JsonObject = { listings };
  if (isJsonObject(metadata.availability)) view.availability = metadata.availability;
  if (isJsonObject(metadata.properties)) view.properties = metadata.properties;
  return view;
}

/**
 * Works out the PUT /metadata bodies for the changes asked (pure). Order of sources: listing
 * changes, then `submission-json`, then `release-notes` (which wins). Throws InputError for a
 * `submission-json` that does not fit the metadata or release notes over the limit.
 */
export function planMetadata(
  metadata: JsonObject,
  changes: { releaseNotes?: string; submissionJson?: JsonObject; listingText?: Record<string, JsonObject> },
): { writes: JsonObject[]; added: string[]; removed: string[]; ignoredFields: string[] } {
  const before = metadataView(metadata);
  let view = structuredClone(before);
  const listings = view.listings as JsonObject;
  for (const [language, fields] of Object.entries(changes.listingText ?? {})) {
    const key = language.toLowerCase();
    const current = isJsonObject(listings[key]) ? listings[key] : {};
    listings[key] = { ...current, ...structuredClone(fields) };
  }
  let ignoredFields: string[] = [];
  if (changes.submissionJson) {
    const patch = changes.submissionJson;
    const unknown = Object.keys(patch).filter((k) => !MODULES.includes(k) && k !== 'listingLanguages');
    if (unknown.length) {
      throw new InputError(
        'submission-json',
        `for an MSI/EXE product it patches the metadata modules ${MODULES.join(', ')}; ${unknown.map((k) => `'${k}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not one of them`,
      );
    }
    if (patch.listings !== undefined && patch.listings !== null && !isJsonObject(patch.listings)) {
      throw new InputError(
        'submission-json',
        `'listings' must be an object keyed by language, e.g. {"listings": {"en-us": {"description": "..."}}}; null for a language removes that listing`,
      );
    }
    if (patch.listings === null)
      throw new InputError(
        'submission-json',
        '\'listings\': null would remove every listing; remove languages one by one, e.g. {"listings": {"de-de": null}}',
      );
    for (const module of ['availability', 'properties'] as const) {
      if (patch[module] === null)
        throw new InputError('submission-json', `'${module}' cannot be removed; patch its fields instead`);
    }
    const result = mergeSubmission(view, patch, ['listingLanguages']);
    view = result.merged;
    ignoredFields = result.ignoredFields;
  }
  const merged = view.listings as JsonObject;
  if (changes.releaseNotes !== undefined) {
    if (changes.releaseNotes.length > WHATS_NEW_LIMIT) {
      throw new InputError(
        'release-notes',
        `is ${changes.releaseNotes.length} characters; the Store takes up to ${WHATS_NEW_LIMIT}`,
      );
    }
    for (const language of Object.keys(merged)) {
      const listing = merged[language];
      if (isJsonObject(listing)) listing.whatsNew = changes.releaseNotes;
    }
  }
  const beforeListings = before.listings as JsonObject;
  const added = Object.keys(merged).filter((l) => !(l in beforeListings));
  const removed = Object.keys(beforeListings).filter((l) => !(l in merged));
  if (Object.keys(merged).length === 0)
    throw new InputError('submission-json', 'it removes every listing; a product needs at least one listing language');
  const first: JsonObject = {};
  if (added.length) first.listingsToAdd = added;
  if (removed.length) first.listingsToRemove = removed;
  for (const module of ['availability', 'properties'] as const) {
    if (view[module] !== undefined && canonical(view[module]) !== canonical(before[module]))
      first[module] = view[module]!;
  }
  const writes: JsonObject[] = Object.keys(first).length ? [first] : [];
  for (const [language, listing] of Object.entries(merged)) {
    if (!isJsonObject(listing)) throw new InputError('submission-json', `the listing '${language}' must be an object`);
    if (canonical(listing) !== canonical(beforeListings[language])) writes.push({ listings: { ...listing, language } });
  }
  return { writes, added, removed, ignoredFields };
}

/** Sleeps until the next poll, within the deadline and the signal. */
async function pause(deps: InstallerFlowDeps, poll: number, what: string, where: string): Promise<void> {
  deps.signal?.throwIfAborted();
  const remaining = deps.deadline.getTime() - deps.clock.now().getTime();
  if (remaining <= 0) {
    throw new Error(
      `Timed out while waiting for ${what}: ${where}. Raise 'timeout-minutes' for longer waits, and follow the product with 'command: status'.`,
    );
  }
  await deps.clock.sleep(Math.min(remaining, pollDelayMs(deps.pollIntervalMs, poll)));
  deps.signal?.throwIfAborted();
}

/**
 * Polls `/status` until the draft is ready. `acceptUploadError`: a draft whose last package commit
 * failed with `packageuploaderror` counts as ready (this run replaces and commits the packages).
 * Any other error of a draft that is not ready is fatal. A submission in progress throws
 * OngoingSubmissionError.
 */
async function waitDraftReady(deps: InstallerFlowDeps, acceptUploadError: boolean): Promise<DraftStatus> {
  const since = deps.clock.now();
  for (let poll = 0; ; poll++) {
    deps.signal?.throwIfAborted();
    const status = await deps.client.draftStatus();
    if (status.ongoingSubmissionId) throw new OngoingSubmissionError(deps.client.productId, status.ongoingSubmissionId);
    const errors = status.messages.filter(isError);
    if (status.isReady) return status;
    if (acceptUploadError && errors.length && errors.every((e) => e.code.toLowerCase() === 'packageuploaderror'))
      return status;
    const fatal = errors.filter((e) => e.code.toLowerCase() !== 'packageuploaderror');
    if (fatal.length) throw new Error(`The product's draft reports errors: ${fatal.map(describeMessage).join('; ')}`);
    if (poll === 0) deps.logger.info('The draft is being processed; waiting until it is ready');
    await pause(
      deps,
      poll,
      'the draft to be ready',
      `not ready after ${formatDuration((deps.clock.now().getTime() - since.getTime()) / 1000)}`,
    );
  }
}

/** Reads and checks everything; writes nothing. Throws OngoingSubmissionError or InputError before any write. */
export async function planInstallerSubmission(
  deps: InstallerFlowDeps,
  request: InstallerSubmitRequest,
): Promise<InstallerPlan> {
  const { client } = deps;
  const status = await client.draftStatus();
  if (status.ongoingSubmissionId) throw new OngoingSubmissionError(client.productId, status.ongoingSubmissionId);
  if (request.packages.length === 0)
    throw new InputError('installers', 'lists no installer; the product needs at least one');
  const currentPackages = await client.getPackages();
  const metadata = await client.getMetadata();
  const { writes, added, removed, ignoredFields } = planMetadata(metadata, {
    ...(request.releaseNotes !== undefined ? { releaseNotes: request.releaseNotes } : {}),
    ...(request.submissionJson ? { submissionJson: request.submissionJson } : {}),
    ...(request.listings?.text ? { listingText: request.listings.text } : {}),
  });
  const images: InstallerPlan['images'] = [];
  const wanted = request.listings?.images ?? {};
  if (Object.keys(wanted).length) {
    const existing = await client.getListingAssets();
    for (const [language, types] of Object.entries(wanted)) {
      const current = existing.find((a) => a.language.toLowerCase() === language.toLowerCase());
      for (const type of ['screenshots', 'storeLogos'] as const) {
        const slots = types[type];
        if (!slots) continue;
        const limit = type === 'screenshots' ? 10 : 2;
        if (slots.length > limit)
          throw new InputError('listings', `${language}: ${slots.length} ${type}; the Store takes up to ${limit}`);
        const kept = slots.filter((s): s is { keep: string } => 'keep' in s);
        for (const k of kept) {
          if (!current?.[type].some((a) => a.id === k.keep))
            throw new InputError('listings', `${language}: ${type} asset '${k.keep}' to keep is not in the draft`);
        }
        images.push({
          language,
          type,
          kept: kept.length,
          uploaded: slots.flatMap((s) => ('upload' in s ? [s.upload.name] : [])),
        });
      }
    }
  }
  return {
    currentPackages,
    packages: request.packages,
    metadataWrites: writes,
    languagesAdded: added,
    languagesRemoved: removed,
    ignoredFields,
    images,
  };
}

/** Logs the plan as a person reads it (dry run, and the first lines of a real run). */
export function describePlan(plan: InstallerPlan): string[] {
  const lines = [`Packages: ${plan.currentPackages.length} now, replaced by ${plan.packages.length}:`];
  for (const p of plan.packages) {
    lines.push(
      `  ${p.packageType} ${p.architectures.join(',')} [${p.languages.join(', ')}] ${p.packageUrl}${p.isSilentInstall ? ' (silent)' : ` (parameters: ${p.installerParameters ?? ''})`}`,
    );
  }
  if (plan.languagesAdded.length) lines.push(`Listing languages added: ${plan.languagesAdded.join(', ')}`);
  if (plan.languagesRemoved.length) lines.push(`Listing languages removed: ${plan.languagesRemoved.join(', ')}`);
  lines.push(plan.metadataWrites.length ? `Metadata: ${plan.metadataWrites.length} update(s):` : 'Metadata: unchanged');
  for (const body of plan.metadataWrites) lines.push(`  PUT metadata ${JSON.stringify(body)}`);
  for (const i of plan.images)
    lines.push(
      `Images ${i.language} ${i.type}: ${i.kept} kept, ${i.uploaded.length} uploaded${i.uploaded.length ? ` (${i.uploaded.join(', ')})` : ''}`,
    );
  if (plan.ignoredFields.length) lines.push(`Ignored in submission-json: ${plan.ignoredFields.join(', ')}`);
  return lines;
}

/** Commits the packages and waits until the draft is ready, committing again after `packageuploaderror`. */
async function commitPackages(deps: InstallerFlowDeps): Promise<void> {
  const since = deps.clock.now();
  for (let commit = 1; ; commit++) {
    await deps.client.commitPackages();
    let retry = false;
    for (let poll = 0; !retry; poll++) {
      await pause(
        deps,
        poll,
        'the package commit',
        `the draft was not ready after ${formatDuration((deps.clock.now().getTime() - since.getTime()) / 1000)}`,
      );
      const status = await deps.client.draftStatus();
      if (status.ongoingSubmissionId)
        throw new OngoingSubmissionError(deps.client.productId, status.ongoingSubmissionId);
      const errors = status.messages.filter(isError);
      const uploadError = errors.find((e) => e.code.toLowerCase() === 'packageuploaderror');
      const fatal = errors.filter((e) => e !== uploadError && e.code.toLowerCase() !== 'packageuploaderror');
      if (fatal.length)
        throw new Error(
          `The package commit failed: ${fatal.map(describeMessage).join('; ')}. The draft keeps the new package list; fix the installers and run again.`,
        );
      if (uploadError) {
        if (commit >= MAX_PACKAGE_COMMITS)
          throw new Error(
            `The Store could not take the packages after ${commit} commits: ${describeMessage(uploadError)}`,
          );
        deps.logger.warning(
          `The Store reports ${describeMessage(uploadError)}; committing the packages again (commit ${commit + 1} of at most ${MAX_PACKAGE_COMMITS})`,
        );
        retry = true;
      } else if (status.isReady) {
        deps.logger.info(
          `Packages committed; the draft is ready (after ${formatDuration((deps.clock.now().getTime() - since.getTime()) / 1000)})`,
        );
        return;
      }
    }
  }
}

/** Makes a language's images what the changes say: create slots, upload, commit with the kept ones. */
async function applyImages(
  deps: InstallerFlowDeps,
  language: string,
  wanted: { screenshots?: ImageSlot[]; storeLogos?: ImageSlot[] },
  current: ListingAssets | undefined,
): Promise<void> {
  const { client, logger } = deps;
  const uploads = {
    screenshots: (wanted.screenshots ?? []).filter((s) => 'upload' in s).length,
    storeLogos: (wanted.storeLogos ?? []).filter((s) => 'upload' in s).length,
  };
  const created =
    uploads.screenshots + uploads.storeLogos
      ? await client.createAssets(language, { Screenshot: uploads.screenshots, Logo: uploads.storeLogos })
      : { screenshots: [], storeLogos: [] };
  const next: ListingAssets = {
    language,
    storeLogos: current?.storeLogos ?? [],
    screenshots: current?.screenshots ?? [],
  };
  for (const type of ['screenshots', 'storeLogos'] as const) {
    const slots = wanted[type];
    if (!slots) continue;
    const free = [...created[type]];
    const refs = [];
    for (const slot of slots) {
      if ('keep' in slot) {
        const asset = current?.[type].find((a) => a.id === slot.keep);
        if (!asset) throw new Error(`${language}: ${type} asset '${slot.keep}' is no longer in the draft`);
        refs.push(asset);
        continue;
      }
      const target = free.shift();
      if (!target) throw new Error(`The Store created fewer ${type} upload slots for ${language} than asked`);
      deps.signal?.throwIfAborted();
      const assetUrl = await client.uploadAsset(target, slot.upload.png);
      logger.info(`Uploaded ${language} ${type} ${slot.upload.name} (${slot.upload.png.length} bytes)`);
      refs.push({ id: target.id, assetUrl });
    }
    next[type] = refs;
  }
  await client.commitAssets(next);
}

/** Follows a submission until `wait-for` is satisfied; logs each status change with its time. */
async function waitForSubmission(
  deps: InstallerFlowDeps,
  submissionId: string,
  waitFor: WaitFor,
  outcome: InstallerOutcome,
): Promise<void> {
  const since = deps.clock.now();
  let last: string | undefined;
  for (let poll = 0; ; poll++) {
    deps.signal?.throwIfAborted();
    const current: PublishingStatus = await deps.client.submissionStatus(submissionId);
    const now = deps.clock.now();
    outcome.status = current.publishingStatus;
    outcome.statusDetails = {
      errors: current.messages.filter(isError),
      warnings: current.messages.filter((m) => !isError(m)),
    };
    if (current.publishingStatus !== last) {
      last = current.publishingStatus;
      outcome.timeline.push({ status: current.publishingStatus, at: now });
      deps.logger.info(
        `${now.toISOString().slice(11, 19)} ${current.publishingStatus} (after ${formatDuration((now.getTime() - since.getTime()) / 1000)})`,
      );
    }
    if (current.hasFailed || current.publishingStatus === 'FAILED') {
      throw new SubmissionFailedError(
        submissionId,
        'FAILED',
        current.messages.filter(isError).map(describeMessage).join('; '),
      );
    }
    if (waitFor === 'none') return;
    if (current.publishingStatus === 'PUBLISHED') return;
    if (waitFor === 'commit' && current.publishingStatus === 'INPROGRESS') return;
    const remaining = deps.deadline.getTime() - now.getTime();
    if (remaining <= 0) {
      throw new Error(
        `Timed out: submission ${submissionId} is still ${current.publishingStatus} (waited ${formatDuration((now.getTime() - since.getTime()) / 1000)}). ` +
          `It stays in the Store and can take more than a day; follow it with 'command: status' or in Partner Center, and raise 'timeout-minutes' for longer waits.`,
      );
    }
    await pause(deps, poll, `submission ${submissionId}`, `still ${current.publishingStatus}`);
  }
}

/** An outcome before anything happened: the draft, no submission. */
export function newInstallerOutcome(): InstallerOutcome {
  return { status: 'Draft', statusDetails: { errors: [], warnings: [] }, timeline: [] };
}

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
  await client.replacePackages(request.packages);
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
  return submitAndWait(deps, request.waitFor, outcome);
}

async function submitAndWait(
  deps: InstallerFlowDeps,
  waitFor: WaitFor,
  outcome: InstallerOutcome,
): Promise<InstallerOutcome> {
  const submissionId = await deps.client.submit();
  outcome.submissionId = submissionId;
  outcome.status = 'INPROGRESS';
  deps.logger.info(`Submitted: submission ${submissionId} of product ${deps.client.productId}`);
  await waitForSubmission(deps, submissionId, waitFor, outcome);
  return outcome;
}

/**
 * `command: commit` for an MSI/EXE product: submits the staged draft and waits per `waitFor`. A
 * submission already in progress (e.g. this job ran before) is only waited for, so running the
 * commit job again is harmless. `outcome` is filled in as it goes (see submitInstallers).
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
    await waitForSubmission(deps, status.ongoingSubmissionId, waitFor, outcome);
    return outcome;
  }
  await waitDraftReady(deps, false);
  return submitAndWait(deps, waitFor, outcome);
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
