/**
 * Reads the identity of a package file without loading it: `.msix`/`.appx` (AppxManifest.xml),
 * `.msixbundle`/`.appxbundle` (AppxMetadata/AppxBundleManifest.xml), and the
 * `.msixupload`/`.appxupload` zips that wrap one of those (plus symbol files); docs/store-api.md
 * "Package identity". Only the zip directories and the manifests are read (./zip-reader.ts, ./byte-sources.ts).
 *
 * Heavy (yauzl, fast-xml-parser): import this module with `await import()` when a package is read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type yauzl from 'yauzl';
import { errorMessage } from '../errors.js';
import { publisherHash } from './identity.js';
import { parseBundleManifest, parsePackageManifest, type TargetDeviceFamily } from './manifest.js';
import { READABLE_EXTENSIONS, isReadablePackageName, packageFormat, type PackageFormat } from './names.js';
import { FileSource, type ByteSource, type ReadContext, type ReadStats } from './byte-sources.js';
import { findEntries, innerSource, readText, withZip } from './zip-reader.js';

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

/**
 * Reads the identity of one package file (see the module comment for how bytes are read).
 * `file` is used as given for opening and in messages.
 *
 * Throws PackageReadError naming the file when it cannot be opened, is not a zip, lacks the
 * manifest its kind needs, has a manifest without a complete Identity, or wraps no package (or
 * packages of different identities) in an upload file.
 */
export async function readPackage(file: string): Promise<PackageInfo> {
  const format = packageFormat(file);
  if (!format || !isReadablePackageName(file)) {
    throw new PackageReadError(file, `the file name does not end with ${READABLE_EXTENSIONS.join(', ')}`);
  }
  const stats: ReadStats = { fileBytes: 0, inflatedBytes: 0, peakBufferedBytes: 0 };
  const context: ReadContext = { stats, buffered: 0, inflated: [] };
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
    if (error instanceof PackageReadError) throw error;
    throw new PackageReadError(file, errorMessage(error));
  } finally {
    await handle.close();
  }
}

/** The outcome of reading one file: its identity, or why it is not a readable package. */
export type PackageReading = { file: string; info: PackageInfo } | { file: string; error: string };

/**
 * Reads several package files one after another (one open file at a time). Never throws for a
 * bad package: each failure is returned with its message, so every bad file can be reported.
 */
export async function readPackages(files: readonly string[]): Promise<PackageReading[]> {
  const readings: PackageReading[] = [];
  for (const file of files) {
    try {
      readings.push({ file, info: await readPackage(file) });
    } catch (error) {
      readings.push({ file, error: errorMessage(error) });
    }
  }
  return readings;
}

type Found = Omit<PackageInfo, 'file' | 'format' | 'read'>;

/** A package or bundle: whichever manifest it has decides (a bundle manifest wins). */
async function readContainer(source: ByteSource, label: string, context: ReadContext): Promise<Found> {
  return withZip(source, label, context, async (zip) => {
    // One walk of the directory: the manifests, and the packages a bundle holds (for innerDeviceFamilies).
    const entries = await findEntries(
      zip,
      (name) => name === PACKAGE_MANIFEST || name === BUNDLE_MANIFEST || INNER_PACKAGE.test(name),
    );
    const manifests = entries.filter((entry) => !INNER_PACKAGE.test(entry.fileName));
    const bundleEntry = manifests.find((entry) => entry.fileName.toLowerCase() === BUNDLE_MANIFEST);
    if (bundleEntry) {
      const what = `${label} > AppxMetadata/AppxBundleManifest.xml`;
      const bundle = parseBundleManifest(await readText(zip, bundleEntry, what), what);
      const parts: PackagePart[] = [];
      for (const inner of bundle.packages) {
        const part: PackagePart = {
          type: inner.type,
          architecture: inner.architecture.toLowerCase(),
          version: inner.version,
          fileName: inner.fileName,
          targetDeviceFamilies: inner.targetDeviceFamilies,
        };
        // Older bundle manifests carry no device families: the application package's own manifest has them.
        if (part.type === 'application' && part.targetDeviceFamilies.length === 0) {
          const innerEntry = entries.find(
            (entry) => entry.fileName.toLowerCase() === inner.fileName.toLowerCase().replaceAll('\\', '/'),
          );
          if (innerEntry) {
            part.targetDeviceFamilies = await innerDeviceFamilies(
              zip,
              innerEntry,
              source,
              `${label} > ${inner.fileName}`,
              context,
            );
          }
        }
        parts.push(part);
      }
      return summarise('bundle', bundle, parts);
    }
    const packageEntry = manifests.find((entry) => entry.fileName.toLowerCase() === PACKAGE_MANIFEST);
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

/** The device families of a package inside a bundle, read from its own AppxManifest.xml. */
async function innerDeviceFamilies(
  bundle: yauzl.ZipFile,
  entry: yauzl.Entry,
  source: ByteSource,
  label: string,
  context: ReadContext,
): Promise<TargetDeviceFamily[]> {
  const inner = await innerSource(bundle, entry, source, context);
  return withZip(inner, label, context, async (zip) => {
    const [manifestEntry] = await findEntries(zip, (name) => name === PACKAGE_MANIFEST);
    if (!manifestEntry) return [];
    const what = `${label} > AppxManifest.xml`;
    return parsePackageManifest(await readText(zip, manifestEntry, what), what).targetDeviceFamilies;
  });
}

/** An upload file: every wrapped package is read; they must share one identity. */
async function readUpload(source: ByteSource, label: string, context: ReadContext): Promise<Found> {
  return withZip(source, label, context, async (zip) => {
    const entries = await findEntries(zip, (name) => INNER_PACKAGE.test(name));
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
      const inner = await innerSource(zip, entry, source, context);
      found.push(await readContainer(inner, `${label} > ${entry.fileName}`, context));
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
