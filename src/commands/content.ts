/**
 * The submit command's Store content as code: the `listings` folder and
 * `keep-package-versions` inputs, reading the folder and the new packages' manifests before
 * anything is sent, checking the packages against the app before anything is created, and
 * recording what building the submission did. The pure application lives in
 * src/submission/content.ts (called by buildSubmission).
 *
 * Order in a run: readContentInputs (parse) -> prepareContent (local files only, before signing in)
 * -> checkNewPackages (after the product and its last published submission are read, before the
 * first mutating request) -> buildSubmission -> recordBuilt.
 */
import { InputError } from '../errors.js';
import type { InputReader } from '../inputs/reader.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { loadListings, type ListingsFolder } from '../listings/index.js';
import {
  checkPackages,
  isReadablePackageName,
  packageKey,
  readPackages,
  type AppIdentity,
  type DescribedPackage,
  type PackageInfo,
  type PackageReading,
} from '../packages/index.js';
import type { PackageRecord } from '../report/record.js';
import type { KindDescriptor, Target } from '../store/kinds.js';
import type { BuiltSubmission, SubmissionChanges } from '../submission/build.js';
import type { RunContext } from './context.js';
import type { FileToUpload } from './files.js';

/** The inputs of this module, part of SubmitInputs. */
export interface ContentInputs {
  /** Absolute path of the `listings` folder (an existing folder, relative to the workspace as given); undefined when not set. */
  listings: string | undefined;
  /** `keep-package-versions`: N, an integer >= 1; undefined keeps every package. */
  keepPackageVersions: number | undefined;
}

/**
 * Parses `listings` and `keep-package-versions`. Throws InputError when `listings` is not an
 * existing folder or is combined with `zip-path` (a ready-made zip is uploaded as it is, so it
 * cannot take the folder's images), or when `keep-package-versions` is not a whole number >= 1.
 */
export function readContentInputs(read: InputReader): ContentInputs {
  const listings = read.existing('listings', 'folder');
  if (listings !== undefined && read.text('zip-path') !== '') {
    throw new InputError(
      'listings',
      "cannot be combined with 'zip-path': a ready-made zip is uploaded as it is, so it cannot take the folder's images; name them in 'submission-json' instead.",
    );
  }
  const keepText = read.text('keep-package-versions');
  let keepPackageVersions: number | undefined;
  if (keepText !== '') {
    keepPackageVersions = Number(keepText);
    if (!/^\d{1,6}$/.test(keepText) || keepPackageVersions < 1) {
      throw new InputError(
        'keep-package-versions',
        `'${keepText}' is not a whole number of at least 1 (the package versions to keep per architecture and device family).`,
      );
    }
  }
  return { listings, keepPackageVersions };
}

/** What prepareContent read: the checked listings folder and the new packages' manifests. */
export interface PreparedContent {
  /** The listings folder, read and checked; undefined without `listings`. */
  listings: ListingsFolder | undefined;
  /** One reading per readable new package (identity, or why it is not a package), in `packages` order. */
  readings: PackageReading[];
  /** Zip names of new packages whose kind the reader does not read (`.xap`): not checked, kept by retention. */
  unread: string[];
  /** The zip name of each read package, by the path it was read from. */
  zipNames: Map<string, string>;
}

/**
 * Reads what the run will publish from disk, before any request: the listings folder (every
 * problem with its file: structure, UTF-8, PNG signatures, Store limits, files only inside the
 * folder and the folder inside the workspace, symlinks resolved) and the manifest of every new
 * package (streamed; the zip and XML readers load only now, and only when there are packages).
 *
 * Throws ListingsError (InputError of `listings`) listing every problem of the folder. A package
 * that cannot be read is not an error here: checkNewPackages reports it with the other checks.
 * Ignored files of the folder become warnings.
 */
export async function prepareContent(
  ctx: RunContext,
  inputs: ContentInputs & { workspace: string },
  target: Target,
  packages: readonly FileToUpload[],
): Promise<PreparedContent> {
  let listings: ListingsFolder | undefined;
  if (inputs.listings !== undefined) {
    const loaded = await loadListings(inputs.listings, target.kind === 'add-on' ? 'add-on' : 'app', {
      within: inputs.workspace,
    });
    listings = loaded.folder;
    for (const warning of loaded.warnings) warn(ctx, `listings: ${warning.file}: ${warning.message}`);
    const languages = listings.languages.map((language) => language.language);
    ctx.logger.info(
      `Listings folder ${inputs.listings}: ${languages.length ? languages.join(', ') : 'no language folder'}${listings.defaults ? ' and default/' : ''}`,
    );
  }
  const readable = packages.filter((p) => isReadablePackageName(p.name));
  const unread = packages.filter((p) => !isReadablePackageName(p.name)).map((p) => p.name);
  for (const name of unread)
    warn(
      ctx,
      `packages: ${name} is not checked: the action reads the identity of .msix, .appx, bundles and upload files, not this kind`,
    );
  // A run stopped while reading says which package it was reading (the time-out message names the phase).
  const names = new Map(readable.map((p) => [p.path, p.name]));
  const readings =
    readable.length > 0
      ? await readPackages(
          readable.map((p) => p.path),
          {
            signal: ctx.signal,
            onRead: (file) => (ctx.record.phase = `Read package ${names.get(file) ?? file}`),
          },
        )
      : [];
  return { listings, readings, unread, zipNames: names };
}

/** The changes prepareContent contributes to buildSubmission. */
export function contentChanges(
  inputs: ContentInputs,
  content: PreparedContent,
): Pick<SubmissionChanges, 'listings' | 'keepPackageVersions' | 'describedPackages'> {
  const describedPackages = new Map<string, DescribedPackage>();
  for (const reading of content.readings) {
    if (!('info' in reading)) continue;
    const { version, architectures, deviceFamilies } = reading.info;
    describedPackages.set(packageKey(content.zipNames.get(reading.file) ?? reading.file), {
      version,
      architectures,
      deviceFamilies,
    });
  }
  return { listings: content.listings, keepPackageVersions: inputs.keepPackageVersions, describedPackages };
}

/** Options of checkNewPackages. */
export interface PackageCheckOptions {
  /**
   * Package entries of `against` that do not count as already there: the file names (compared by
   * packageKey) of the entries a continued submission holds from this
   * same work, so they are not taken for duplicates of the packages being uploaded again.
   */
  ignoreFileNames?: readonly string[];
}

/**
 * Checks every new package before anything is created (docs/contract.md "Package checks"): readable,
 * identity name equal to the app's `packageIdentityName`, publisher hash equal to the end of its
 * `packageFamilyName`, and no version and architecture already live in `against` (the last
 * published submission, or the submission being continued, less `ignoreFileNames`). A version
 * lower than the newest there is a warning. For a package flight the app resource is read (a GET)
 * for its identity; `product` is the target's product resource as read.
 *
 * Records every read package (identity, version, architectures) in the run record and logs it.
 * Throws InputError('packages') naming every refused file with both values compared.
 */
export async function checkNewPackages(
  ctx: RunContext,
  target: Target,
  kind: KindDescriptor,
  content: PreparedContent,
  product: JsonObject,
  against: JsonObject | undefined,
  options: PackageCheckOptions = {},
): Promise<void> {
  if (content.readings.length === 0) return;
  const app = target.kind === 'flight' ? await ctx.store.getProduct({ kind: 'app', appId: target.appId }) : product;
  const ignored = new Set((options.ignoreFileNames ?? []).map(packageKey));
  const entries: JsonValue[] =
    kind.packagesField && against && Array.isArray(against[kind.packagesField])
      ? (against[kind.packagesField] as JsonValue[])
      : [];
  const existing = entries.filter(
    (entry) => !(isJsonObject(entry) && typeof entry.fileName === 'string' && ignored.has(packageKey(entry.fileName))),
  );
  const { problems, warnings } = checkPackages(content.readings, identityOf(app), existing);

  const shown = (file: string): string => content.zipNames.get(file) ?? file;
  ctx.record.packages.splice(0, ctx.record.packages.length, ...packageRecords(content, shown));
  for (const found of ctx.record.packages) {
    ctx.logger.info(
      `Package ${found.file}: ${found.identity} ${found.version} (${found.architectures.join(', ') || 'no architecture'}${found.deviceFamilies.length ? `; ${found.deviceFamilies.join(', ')}` : ''})`,
    );
  }
  for (const warning of warnings) warn(ctx, `packages: ${shown(warning.file)}: ${warning.message}`);
  if (problems.length > 0) {
    throw new InputError(
      'packages',
      `${problems.length === 1 ? 'a package is' : `${problems.length} problems with packages are`} refused before anything is created:\n` +
        problems.map((problem) => `- ${shown(problem.file)}: ${problem.message}`).join('\n'),
    );
  }
}

/**
 * Records and logs what building the submission did with the listings folder and retention. A
 * later build of the same run (the real copy after the preview) overwrites the record and is
 * logged again only when its outcome differs.
 */
export function recordBuilt(ctx: RunContext, built: BuiltSubmission): void {
  const { record, logger } = ctx;
  if (built.listings && !sameOutcome(built.listings, record.listings)) {
    record.listings = built.listings;
    const { languagesAdded, imagesKept, imagesUploaded } = built.listings;
    logger.info(
      `Listings: ${languagesAdded.length ? `languages added ${languagesAdded.join(', ')}; ` : ''}` +
        `${imagesKept.length} image(s) unchanged and kept, ${imagesUploaded.length} new image(s) to upload`,
    );
  }
  if (built.retention && !sameOutcome(built.retention, record.retention)) {
    record.retention = built.retention;
    const { keep, removed } = built.retention;
    logger.info(
      removed.length
        ? `keep-package-versions ${keep}: marked PendingDelete ${removed.map((r) => `${r.fileName} (${r.version}, ${r.architectures.join(', ')})`).join(', ')}`
        : `keep-package-versions ${keep}: no package is older than the ${keep} newest version(s) of its architecture and device family`,
    );
  }
}

/** Whether two outcomes (plain JSON data, built by the same code, so keys come in one order) say the same. */
function sameOutcome(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function packageRecords(content: PreparedContent, shown: (file: string) => string): PackageRecord[] {
  return content.readings.flatMap((reading) =>
    'info' in reading
      ? [
          {
            file: shown(reading.file),
            identity: reading.info.name,
            publisher: reading.info.publisher,
            version: reading.info.version,
            ...otherVersionsOf(reading.info),
            architectures: reading.info.architectures,
            deviceFamilies: reading.info.deviceFamilies,
          },
        ]
      : [],
  );
}

/** A bundle's application package versions that differ from its own, for the check of what the Store took; nothing when there are none. */
function otherVersionsOf(info: PackageInfo): { otherVersions?: string[] } {
  const others = new Set(
    info.parts.filter((part) => part.type === 'application' && part.version !== info.version).map((p) => p.version),
  );
  return others.size ? { otherVersions: [...others] } : {};
}

function identityOf(app: JsonObject): AppIdentity {
  const identity: AppIdentity = {};
  if (typeof app.id === 'string') identity.id = app.id;
  if (typeof app.packageIdentityName === 'string' && app.packageIdentityName !== '')
    identity.packageIdentityName = app.packageIdentityName;
  // The live API spells it `PackageFamilyName` (docs/store-api.md#what-the-live-services-send).
  const familyName = app.packageFamilyName ?? app.PackageFamilyName;
  if (typeof familyName === 'string' && familyName !== '') identity.packageFamilyName = familyName;
  if (typeof app.publisherName === 'string' && app.publisherName !== '') identity.publisherName = app.publisherName;
  return identity;
}

function warn(ctx: RunContext, message: string): void {
  ctx.logger.warning(message);
  ctx.record.warnings.push(message);
}
