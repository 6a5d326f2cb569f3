/**
 * Reads the identity of a package file without loading it: `.msix`/`.appx` (AppxManifest.xml),
 * `.msixbundle`/`.appxbundle` (AppxMetadata/AppxBundleManifest.xml), and the
 * `.msixupload`/`.appxupload` zips that wrap one of those (plus symbol files); docs/store-api.md
 * "Package identity". Only the zip directories and the manifests are read (./zip-reader.ts, ./byte-sources.ts),
 * each inner package once, so a read costs what the file's size bounds; the run's stop ends it.
 *
 * Heavy (yauzl, fast-xml-parser): import this module with `await import()` when a package is read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type yauzl from 'yauzl';
import { errorMessage } from '../errors.js';
import { throwIfStopped } from '../stop.js';
import { publisherHash } from './identity.js';
import { parseBundleManifest, parsePackageManifest, type TargetDeviceFamily } from './manifest.js';
import { READABLE_EXTENSIONS, isReadablePackageName, packageFormat, type PackageFormat } from './names.js';
import { FileSource, type ByteSource, type ReadContext, type ReadStats } from './byte-sources.js';
import { entriesByName, innerSource, readText, withZip } from './zip-reader.js';

const PACKAGE_MANIFEST = 'appxmanifest.xml';
const BUNDLE_MANIFEST = 'appxmetadata/appxbundlemanifest.xml';
const INNER_PACKAGE = /\.(msix|appx|msixbundle|appxbundle)$/i;
/** An upload file with more wrapped packages than this is refused rather than read. */
const MAX_WRAPPED_PACKAGES = 32;

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
  /** For upload files: the entry names of the wrapped packages. */
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
 * size, is a bundle holding a compressed package or a bundle, or wraps no package (or packages of
 * different identities) in an upload file. Throws the signal's reason when the run stops.
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
    // One walk of the directory: the manifests, and the packages a bundle holds (for innerDeviceFamilies).
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
 * A bundle: its manifest's packages. Every package it holds must be stored (Windows refuses a
 * bundle whose packages are compressed); an application package whose families the manifest
 * leaves out is read, once however often it is named, in the order the packages lie in the zip.
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
  const entryOf = (fileName: string): yauzl.Entry | undefined =>
    entries.get(fileName.toLowerCase().replaceAll('\\', '/'));
  const toRead = new Map<yauzl.Entry, string>();
  for (const inner of bundle.packages) {
    const entry = entryOf(inner.fileName);
    if (!entry) continue;
    if (entry.compressionMethod !== 0) {
      throw new Error(
        `${label} > ${inner.fileName} is compressed; Windows refuses a bundle whose packages are compressed. ` +
          'Bundle the packages stored, as MakeAppx bundle does',
      );
    }
    // Older bundle manifests carry no device families: the application package's own manifest has them.
    if (inner.type === 'application' && inner.targetDeviceFamilies.length === 0) toRead.set(entry, inner.fileName);
  }
  const families = new Map<yauzl.Entry, TargetDeviceFamily[]>();
  const inOrder = [...toRead].sort(([a], [b]) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  for (const [entry, fileName] of inOrder) {
    families.set(entry, await innerDeviceFamilies(zip, entry, source, `${label} > ${fileName}`, context));
  }
  const parts = bundle.packages.map((inner): PackagePart => {
    const entry = entryOf(inner.fileName);
    return {
      type: inner.type,
      architecture: inner.architecture.toLowerCase(),
      version: inner.version,
      fileName: inner.fileName,
      targetDeviceFamilies: (entry && families.get(entry)) ?? inner.targetDeviceFamilies,
    };
  });
  return summarise('bundle', bundle, parts);
}

/** The device families of a package inside a bundle, read from its own AppxManifest.xml; a bundle there is refused. */
async function innerDeviceFamilies(
  bundle: yauzl.ZipFile,
  entry: yauzl.Entry,
  source: ByteSource,
  label: string,
  context: ReadContext,
): Promise<TargetDeviceFamily[]> {
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
    if (!manifestEntry) return [];
    const what = `${label} > AppxManifest.xml`;
    return parsePackageManifest(await readText(zip, manifestEntry, what), what).targetDeviceFamilies;
  });
}

/** An upload file: every wrapped package is read; they must share one identity. */
async function readUpload(source: ByteSource, label: string, context: ReadContext): Promise<Found> {
  return withZip(source, label, context, async (zip) => {
    const entries = [...single(await entriesByName(zip, (name) => INNER_PACKAGE.test(name), context), label).values()];
    if (entries.length === 0) {
      throw new Error(`${label} wraps no .msix, .appx, .msixbundle or .appxbundle file`);
    }
    if (entries.length > MAX_WRAPPED_PACKAGES) {
      throw new Error(
        `${label} wraps ${entries.length} packages; more than ${MAX_WRAPPED_PACKAGES} is not a Store upload file`,
      );
    }
    const found: Found[] = [];
    for (const entry of entries) {
      throwIfStopped(context.signal);
      const what = `${label} > ${entry.fileName}`;
      const inner = await innerSource(zip, entry, source, context, what);
      found.push(await readContainer(inner, what, context));
    }
    const first = found[0];
    if (!first) throw new Error(`${label} wraps no package`);
    for (const [index, other] of found.entries()) {
      if (other.name !== first.name || other.publisher !== first.publisher || other.version !== first.version) {
        throw new Error(
          `${label} wraps packages of different identities: ${entries[0]?.fileName} is ${describe(first)}, ` +
            `${entries[index]?.fileName} is ${describe(other)}`,
        );
      }
    }
    const parts = found.flatMap((one, index) =>
      one.kind === 'bundle'
        ? one.parts
        : one.parts.map((part) => ({ ...part, fileName: entries[index]?.fileName ?? '' })),
    );
    return {
      ...summarise(found.some((one) => one.kind === 'bundle') ? 'bundle' : 'package', first, parts),
      wrapped: entries.map((entry) => entry.fileName),
    };
  });
}

function describe(found: Found): string {
  return `${found.name} ${found.version} (${found.publisher})`;
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
