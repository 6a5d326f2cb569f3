/**
 * What an MSI/EXE submission would write, worked out from reads only: nothing is written when the
 * product has a submission in progress or an input does not fit the draft. The dry run shows this
 * plan; a real run follows it.
 */
import { InputError } from '../../errors.js';
import { isJsonObject, type JsonObject } from '../../json.js';
import { ListingLimitsError } from '../../listings/error.js';
import { installerListingProblems, type ListingChanges } from '../../listings/installer.js';
import { urlWithoutQuery } from '../../redact.js';
import type { InstallerPackage } from '../../store/installer-resources.js';
import type { WaitFor } from '../../waiting.js';
import type { InstallerFlowDeps } from './deps.js';
import { OngoingSubmissionError } from './draft.js';
import { planMetadata } from './metadata.js';

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

/**
 * `wanted` with each installer's error details (docs/store-api.md#installer-api-fields) carried over
 * from the draft's installer it replaces: the one of the same URL, else the only one of the same
 * architecture and type (a new release's file). A PUT replaces the whole list and the `installers`
 * input has no field for them, so without this a submission would wipe what the publisher set in
 * Partner Center. Pure.
 */
function withKeptErrorDetails(
  wanted: readonly InstallerPackage[],
  current: readonly InstallerPackage[],
): InstallerPackage[] {
  const sameKind = (a: InstallerPackage, b: InstallerPackage): boolean =>
    a.packageType === b.packageType && a.architectures.join() === b.architectures.join();
  return wanted.map((p) => {
    const candidates = current.filter((c) => sameKind(c, p));
    const replaced =
      current.find((c) => c.packageUrl === p.packageUrl) ?? (candidates.length === 1 ? candidates[0] : undefined);
    return replaced?.errorDetails ? { ...p, errorDetails: replaced.errorDetails } : p;
  });
}

/** Reads and checks everything; writes nothing. Throws OngoingSubmissionError, InputError or ListingLimitsError before any write. */
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
  // Each listing written is checked whole, values kept from the draft included: the Store refuses the write otherwise.
  const limits = writes.flatMap((body) =>
    isJsonObject(body.listings) ? installerListingProblems(String(body.listings.language), body.listings) : [],
  );
  if (limits.length > 0) throw new ListingLimitsError(limits);
  const images: InstallerPlan['images'] = [];
  const wanted = request.listings?.images ?? {};
  if (Object.keys(wanted).length) {
    const existing = await client.getListingAssets();
    for (const [language, types] of Object.entries(wanted)) {
      const current = existing.find((a) => a.language.toLowerCase() === language.toLowerCase());
      for (const type of ['screenshots', 'storeLogos'] as const) {
        const slots = types[type];
        if (!slots) continue;
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
    packages: withKeptErrorDetails(request.packages, currentPackages),
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
      `  ${p.packageType} ${p.architectures.join(',')} [${p.languages.join(', ')}] ${urlWithoutQuery(p.packageUrl)}${p.isSilentInstall ? ' (silent)' : ` (parameters: ${p.installerParameters ?? ''})`}`,
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
