/**
 * Reads the identity of a package file without loading it: `.msix`/`.appx` (AppxManifest.xml),
 * `.msixbundle`/`.appxbundle` (AppxMetadata/AppxBundleManifest.xml, every payload checked against it
 * by ./bundle-payloads.ts), and the `.msixupload`/`.appxupload` zips that wrap exactly one of those
 * (plus symbol files); docs/store-api.md "Package identity" and "Bundles and their payloads". Only
 * the zip directories and the manifests are read (./zip-reader.ts, ./byte-sources.ts), each inner
 * package once, so a read costs what the file's size bounds; the run's stop ends it.
 *
 * Heavy (yauzl, fast-xml-parser): import this module with `await import()` when a package is read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type yauzl from 'yauzl';
import { errorMessage } from '../errors.js';
import { throwIfStopped } from '../stop.js';
import {
  checkNeutralApplications,
  checkPayloadIdentity,
  checkPayloadOffset,
  declaredPayloads,
  partKey,
} from './bundle-payloads.js';
import { publisherHash } from './identity.js';
import {
  parseBundleManifest,
  parsePackageManifest,
  type PackageManifest,
  type TargetDeviceFamily,
} from './manifest.js';
import { READABLE_EXTENSIONS, isReadablePackageName, packageFormat, type PackageFormat } from './names.js';
import { FileSource, type ByteSource, type ReadContext, type ReadStats } from './byte-sources.js';
import { checkedDataStart, entriesByName, innerSource, readText, withZip } from './zip-reader.js';

const PACKAGE_MANIFEST = 'appxmanifest.xml';
const BUNDLE_MANIFEST = 'appxmetadata/appxbundlemanifest.xml';
const INNER_PACKAGE = /\.(msix|appx|msixbundle|appxbundle)$/i;
/** The symbol files an upload file may hold beside its package (in any folder). */
const SYMBOLS = /\.(appxsym|msixsym)$/i;
/** Entry names an error lists at most; more are counted. */
const LISTED_NAMES = 10;
/** One package of what a file holds: the package itself, or each package of a bundle. */
export interface PackagePart {
  /** `application` (code for one architecture) or `resource` (languages, scales). */
  type: 'application' | 'resource';
  /** As the manifest writes it, lower case: `x64`, `x86`, `arm`, `arm64`, `neutral`, ... */
  architecture: string;
  version: string;
  /** Entry name inside the bundle or upload file; undefined for a plain package file. */
  fileName?: string;
  targetDeviceFamilies: TargetDeviceFamily[];
}

/** What a package file says about itself. */
export interface PackageInfo {
  /** The path as given. */
  file: string;
  format: PackageFormat;
  /** `bundle` for bundles and uploads wrapping a bundle. */
  kind: 'package' | 'bundle';
  /** For upload files: the entry name of the wrapped package or bundle (one). */
  wrapped?: string[];
  /** Identity `Name`, `Publisher` and `Version` (of the bundle, for bundles). */
  name: string;
  publisher: string;
  version: string;
  /** publisherHash(publisher): what the package family name ends with. */
  publisherHash: string;
  /** Distinct architectures of the application packages, lower case, in manifest order. */
  architectures: string[];
  /** Distinct device family names (minimum versions dropped) over the application packages. */
  deviceFamilies: string[];
  /** The package itself, or each package of the bundle(s). */
  parts: PackagePart[];
  read: ReadStats;
}

/** A package file could not be read as a package; the message names the file and says why. */
export class PackageReadError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file} is not a readable package: ${problem}`);
    this.name = 'PackageReadError';
  }
}

/** Options of readPackage and readPackages. */
export interface ReadOptions {
  /** The run's stop signal: a read ends when it aborts, with its reason. */
  signal?: AbortSignal;
}

/**
 * Reads the identity of one package file (see the module comment for how bytes are read).
 * `file` is used as given for opening and in messages.
 *
 * Throws PackageReadError naming the file (and the entry, inside it) when it cannot be opened, is
 * not a zip, lacks the manifest its kind needs or holds it twice, has a manifest without a complete
 * Identity or in an encoding Windows does not read, has an entry that inflates past its declared
 * size, is a flat bundle or a bundle whose manifest and payloads disagree (./bundle-payloads.ts:
 * the payload, the field and both values named), or is an upload file wrapping no package, more
 * than one, or any entry but the one package at its root and symbol files. Throws the signal's reason when the run stops.
 */
export async function readPackage(file: string, options: ReadOptions = {}): Promise<PackageInfo> {
  const format = packageFormat(file);
  if (!format || !isReadablePackageName(file)) {
    throw new PackageReadError(file, `the file name does not end with ${READABLE_EXTENSIONS.join(', ')}`);
  }
  const stats: ReadStats = { fileBytes: 0, inflatedBytes: 0, peakBufferedBytes: 0 };
  const context: ReadContext = { stats, buffered: 0, inflated: [], signal: options.signal };
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new PackageReadError(file, `it cannot be opened (${errorMessage(error)})`);
  }
  try {
    const size = (await handle.stat()).size;
    const source = new FileSource(handle, size, stats);
    const label = path.basename(file);
    const found = format.endsWith('upload')
      ? await readUpload(source, label, context)
      : await readContainer(source, label, context);
    return { file, format, ...found, read: stats };
  } catch (error) {
    throwIfStopped(options.signal);
    if (error instanceof PackageReadError) throw error;
    throw new PackageReadError(file, errorMessage(error));
  } finally {
    await handle.close();
  }
}

/** The outcome of reading one file: its identity, or why it is not a readable package. */
export type PackageReading = { file: string; info: PackageInfo } | { file: string; error: string };

/** Options of readPackages. */
export interface ReadPackagesOptions extends ReadOptions {
  /** Called with each file as its read starts, so a stopped run can say which one it was reading. */
  onRead?: (file: string) => void;
}

/**
 * Reads several package files one after another (one open file at a time). Never throws for a
 * bad package: each failure is returned with its message, so every bad file can be reported.
 * Throws the signal's reason when the run stops (before a file, or during its read).
 */
export async function readPackages(
  files: readonly string[],
  options: ReadPackagesOptions = {},
): Promise<PackageReading[]> {
  const readings: PackageReading[] = [];
  for (const file of files) {
    throwIfStopped(options.signal);
    options.onRead?.(file);
    try {
      readings.push({ file, info: await readPackage(file, options) });
    } catch (error) {
      throwIfStopped(options.signal);
      readings.push({ file, error: errorMessage(error) });
    }
  }
  return readings;
}

type Found = Omit<PackageInfo, 'file' | 'format' | 'read'>;

/** Entry keys that name a package or bundle inside a zip (lower case). */
const isPackageOrManifest = (name: string): boolean =>
  name === PACKAGE_MANIFEST || name === BUNDLE_MANIFEST || INNER_PACKAGE.test(name);

/** The one entry under each key of `entries`; refused when a name is given twice (names compare without case). */
function single(entries: Map<string, yauzl.Entry[]>, label: string): Map<string, yauzl.Entry> {
  const singles = new Map<string, yauzl.Entry>();
  for (const [key, all] of entries) {
    const [first] = all;
    if (!first) continue;
    if (all.length > 1) {
      throw new Error(
        `${label} holds ${first.fileName} more than once (${all.map((entry) => entry.fileName).join(', ')}); ` +
          'part names in a package differ by more than case. Build the package again',
      );
    }
    singles.set(key, first);
  }
  return singles;
}

/** A package or bundle: whichever manifest it has decides; a zip holding both is refused, as Windows refuses it. */
async function readContainer(source: ByteSource, label: string, context: ReadContext): Promise<Found> {
  return withZip(source, label, context, async (zip) => {
    // One walk of the directory: the manifests, and the package-named entries a bundle's manifest is checked against.
    const entries = single(await entriesByName(zip, isPackageOrManifest, context), label);
    const bundleEntry = entries.get(BUNDLE_MANIFEST);
    const packageEntry = entries.get(PACKAGE_MANIFEST);
    if (bundleEntry && packageEntry) {
      throw new Error(
        `${label} holds both AppxManifest.xml and AppxMetadata/AppxBundleManifest.xml; a package has one, a bundle the other`,
      );
    }
    if (bundleEntry) return readBundle(zip, bundleEntry, entries, source, label, context);
    if (!packageEntry) {
      throw new Error(`${label} has neither AppxManifest.xml nor AppxMetadata/AppxBundleManifest.xml at its root`);
    }
    const what = `${label} > AppxManifest.xml`;
    const manifest = parsePackageManifest(await readText(zip, packageEntry, what), what);
    return summarise('package', manifest, [
      {
        type: 'application',
        architecture: manifest.architecture.toLowerCase(),
        version: manifest.version,
        targetDeviceFamilies: manifest.targetDeviceFamilies,
      },
    ]);
  });
}

/**
 * A bundle: its manifest's packages, each checked against the payload that holds it
 * (./bundle-payloads.ts). Every payload's AppxManifest.xml is read, once, in the order the payloads
 * lie in the zip (a bundle inside a deflated upload file is then inflated front to back); device
 * families come from the bundle manifest, or else from the payload's own manifest.
 */
async function readBundle(
  zip: yauzl.ZipFile,
  manifestEntry: yauzl.Entry,
  entries: Map<string, yauzl.Entry>,
  source: ByteSource,
  label: string,
  context: ReadContext,
): Promise<Found> {
  const what = `${label} > AppxMetadata/AppxBundleManifest.xml`;
  const bundle = parseBundleManifest(await readText(zip, manifestEntry, what), what);
  const payloads = declaredPayloads(bundle, byPartName(entries, label), label);
  const manifests = new Map<yauzl.Entry, PackageManifest>();
  const inOrder = [...payloads].sort(
    (a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader,
  );
  for (const { declared, entry } of inOrder) {
    const payload = `${label} > ${declared.fileName}`;
    checkPayloadOffset(declared, await checkedDataStart(zip, entry, payload), label);
    const manifest = await payloadManifest(zip, entry, source, payload, context);
    checkPayloadIdentity(bundle, declared, manifest, label);
    manifests.set(entry, manifest);
  }
  const parts = payloads.map(({ declared, entry }) => ({
    type: declared.type,
    architecture: declared.architecture.toLowerCase(),
    version: declared.version,
    fileName: declared.fileName,
    // Older bundle manifests carry no device families: the payload's own manifest has them.
    targetDeviceFamilies:
      declared.targetDeviceFamilies.length > 0
        ? declared.targetDeviceFamilies
        : (manifests.get(entry)?.targetDeviceFamilies ?? []),
  }));
  checkNeutralApplications(
    parts.filter((part) => part.type === 'application'),
    label,
  );
  return summarise('bundle', bundle, parts);
}

/** A bundle's entries keyed by their decoded part names (partKey); two entries of one part name are refused. */
function byPartName(entries: ReadonlyMap<string, yauzl.Entry>, label: string): Map<string, yauzl.Entry> {
  const byName = new Map<string, yauzl.Entry>();
  for (const entry of entries.values()) {
    const key = partKey(entry.fileName);
    const other = byName.get(key);
    if (other) {
      throw new Error(
        `${label} holds one part name twice (${other.fileName}, ${entry.fileName}); part names are percent-encoded ` +
          'and compared without regard to case. Build the bundle again',
      );
    }
    byName.set(key, entry);
  }
  return byName;
}

/** The AppxManifest.xml of a package inside a bundle; a payload without one, or a bundle there, is refused. */
async function payloadManifest(
  bundle: yauzl.ZipFile,
  entry: yauzl.Entry,
  source: ByteSource,
  label: string,
  context: ReadContext,
): Promise<PackageManifest> {
  throwIfStopped(context.signal);
  const inner = await innerSource(bundle, entry, source, context, label);
  return withZip(inner, label, context, async (zip) => {
    const entries = single(
      await entriesByName(zip, (name) => name === PACKAGE_MANIFEST || name === BUNDLE_MANIFEST, context),
      label,
    );
    if (entries.has(BUNDLE_MANIFEST)) {
      throw new Error(
        `${label} is a bundle (it holds AppxMetadata/AppxBundleManifest.xml): a bundle inside a bundle. Bundle the packages themselves`,
      );
    }
    const manifestEntry = entries.get(PACKAGE_MANIFEST);
    if (!manifestEntry) throw new Error(`${label} has no AppxManifest.xml at its root: it is not a package`);
    const what = `${label} > AppxManifest.xml`;
    return parsePackageManifest(await readText(zip, manifestEntry, what), what);
  });
}

/**
 * An upload file: exactly one package or bundle at its root, read as such, beside its symbol files
 * (docs/store-api.md#what-an-upload-file-holds). Any other entry (a package in a folder, a text
 * file, a zip; folder entries aside), two packages, a package and a bundle, or none are refused
 * before any is read: the Store would drop such a file in processing.
 */
async function readUpload(source: ByteSource, label: string, context: ReadContext): Promise<Found> {
  return withZip(source, label, context, async (zip) => {
    const held = [...single(await entriesByName(zip, (name) => !name.endsWith('/'), context), label).values()];
    const isPackage = (entry: yauzl.Entry): boolean =>
      INNER_PACKAGE.test(entry.fileName) && !entry.fileName.includes('/');
    const others = held.filter((entry) => !isPackage(entry) && !SYMBOLS.test(entry.fileName));
    if (others.length > 0) {
      throw new Error(
        `${label} holds ${listed(others.map((one) => one.fileName))}, which an upload file does not hold: it holds ` +
          `exactly one package or one bundle, at its root, plus its symbol files (.appxsym, .msixsym). ${UPLOAD_FIX}`,
      );
    }
    const packages = held.filter(isPackage);
    const [entry, ...more] = packages;
    if (!entry) {
      const symbols = held.map((one) => one.fileName);
      throw new Error(
        `${label} wraps no .msix, .appx, .msixbundle or .appxbundle file` +
          (symbols.length > 0 ? ` (it holds ${listed(symbols)})` : '') +
          `. ${UPLOAD_FIX}`,
      );
    }
    if (more.length > 0) {
      throw new Error(
        `${label} wraps ${packages.length} packages (${listed(packages.map((one) => one.fileName))}); an upload ` +
          'file holds exactly one package or one bundle, plus its symbol files (.appxsym, .msixsym), and the Store ' +
          `drops any other upload file in processing. ${UPLOAD_FIX}`,
      );
    }
    throwIfStopped(context.signal);
    const what = `${label} > ${entry.fileName}`;
    const found = await readContainer(await innerSource(zip, entry, source, context, what), what, context);
    const parts =
      found.kind === 'bundle' ? found.parts : found.parts.map((part) => ({ ...part, fileName: entry.fileName }));
    return { ...found, parts, wrapped: [entry.fileName] };
  });
}

/** How to build an upload file, for the refusals of readUpload. */
const UPLOAD_FIX =
  'Build the upload file with Visual Studio (Publish > Create App Packages, for the Microsoft Store), or bundle the ' +
  'packages with makeappx bundle and zip that one bundle with its symbol files; or give the .msix/.msixbundle itself';

/** Entry names for a message: the first LISTED_NAMES, and how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_NAMES).join(', ');
  return names.length > LISTED_NAMES ? `${shown} and ${names.length - LISTED_NAMES} more` : shown;
}

function summarise(
  kind: 'package' | 'bundle',
  identity: { name: string; publisher: string; version: string },
  parts: PackagePart[],
): Found {
  const application = parts.filter((part) => part.type === 'application');
  const architectures = [...new Set(application.map((part) => part.architecture))];
  const families = new Map<string, string>();
  for (const part of application) {
    for (const family of part.targetDeviceFamilies) {
      if (!families.has(family.name.toLowerCase())) families.set(family.name.toLowerCase(), family.name);
    }
  }
  return {
    kind,
    name: identity.name,
    publisher: identity.publisher,
    version: identity.version,
    publisherHash: publisherHash(identity.publisher),
    architectures,
    deviceFamilies: [...families.values()],
    parts,
  };
}
