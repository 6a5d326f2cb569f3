/**
 * What the Store's pre-processing reads from an uploaded zip: the files it holds, and the identity
 * of each package among them, read from the packages' manifests with the emulator's own zip and
 * XML code (unzip.ts, xml.ts), never the action's reader.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PackageFacts, UploadedEntry } from './types.js';
import { ZipArchive, type ZipEntry } from './unzip.js';
import { childrenNamed, decodeXml, parseXml, type XmlElement } from './xml.js';

/** A package file's name: its extension says whether it is a package, a bundle or an upload file. */
const PACKAGE_NAME = /\.(?:msix|appx)(upload|bundle)?$/i;
const PACKAGE_MANIFEST = 'AppxManifest.xml';
const BUNDLE_MANIFEST = 'AppxMetadata/AppxBundleManifest.xml';
/** Manifests are a few KiB; a larger one is not read. */
const MAX_MANIFEST_BYTES = 4 << 20;

/** Lists the zip's files (folders left out) with their size and sha256, checking each entry's CRC-32. */
export async function readZipEntries(file: string): Promise<UploadedEntry[]> {
  const zip = await ZipArchive.open(file);
  try {
    const entries: UploadedEntry[] = [];
    for (const entry of zip.entries) {
      if (entry.name.endsWith('/')) continue;
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of zip.content(entry)) {
        size += chunk.length;
        hash.update(chunk);
      }
      entries.push({ name: entry.name, size, sha256: hash.digest('hex') });
    }
    return entries;
  } finally {
    await zip.close();
  }
}

/**
 * Pre-processing's reading of each package of the uploaded zip, keyed by entry name (forward
 * slashes). An entry that is not a readable package is left out (the emulator then goes by its
 * file name). `workDir` takes deflated inner packages, which cannot be read in place.
 */
export async function readZipPackages(file: string, workDir: string): Promise<Map<string, PackageFacts>> {
  const facts = new Map<string, PackageFacts>();
  const zip = await ZipArchive.open(file);
  try {
    for (const entry of zip.entries) {
      if (!packageKind(entry.name)) continue;
      try {
        facts.set(
          entry.name,
          await withNested(zip, entry, workDir, (inner) => readArchive(inner, entry.name, workDir)),
        );
      } catch {
        // Not a package: the file name is all the emulator goes by.
      }
    }
  } finally {
    await zip.close();
  }
  return facts;
}

/**
 * The identity of a package file (`.msix`/`.appx`), a bundle, or an upload file wrapping them (as
 * its name says), as its manifests give it. Throws when the file is not a zip, lacks the manifest
 * its kind needs, or has one without a complete Identity.
 */
export async function readPackageFile(file: string, workDir: string): Promise<PackageFacts> {
  const zip = await ZipArchive.open(file);
  try {
    return await readArchive(zip, path.basename(file), workDir);
  } finally {
    await zip.close();
  }
}

let spills = 0;

async function withNested<T>(
  zip: ZipArchive,
  entry: ZipEntry,
  workDir: string,
  read: (inner: ZipArchive) => Promise<T>,
): Promise<T> {
  const inner = await zip.nested(entry, path.join(workDir, `inner-${++spills}.zip`));
  try {
    return await read(inner);
  } finally {
    await inner.close();
  }
}

async function manifestOf(zip: ZipArchive, entry: ZipEntry): Promise<XmlElement> {
  return parseXml(decodeXml(await zip.read(entry, MAX_MANIFEST_BYTES)));
}

function identityOf(root: XmlElement, what: string): { name: string; publisher: string; version: string } {
  const identity = childrenNamed(root, 'Identity')[0];
  const { Name: name, Publisher: publisher, Version: version } = identity?.attributes ?? {};
  if (!name || !publisher || !version) throw new Error(`${what} has no complete Identity`);
  return { name, publisher, version };
}

/** `Windows.Desktop min version 10.0.17763.0`, as the Store writes a package's target device families. */
function deviceFamilies(dependencies: XmlElement[]): string[] {
  return dependencies.flatMap((element) =>
    childrenNamed(element, 'TargetDeviceFamily').map(({ attributes }) =>
      attributes['MinVersion']
        ? `${attributes['Name']} min version ${attributes['MinVersion']}`
        : `${attributes['Name']}`,
    ),
  );
}

/** The entry a bundle manifest's FileName names; zip part names may percent-encode what the manifest spells out. */
function bundledEntry(zip: ZipArchive, fileName: string): ZipEntry | undefined {
  const wanted = fileName.replaceAll('\\', '/').toLowerCase();
  return zip.entries.find((entry) => {
    if (entry.name.toLowerCase() === wanted) return true;
    try {
      return decodeURIComponent(entry.name).toLowerCase() === wanted;
    } catch {
      return false;
    }
  });
}

/** What a file of this name is; undefined when the name is not a package's. */
function packageKind(name: string): 'package' | 'bundle' | 'upload' | undefined {
  const match = PACKAGE_NAME.exec(name);
  if (!match) return undefined;
  const suffix = match[1]?.toLowerCase();
  return suffix === 'bundle' ? 'bundle' : suffix === 'upload' ? 'upload' : 'package';
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/** A package, a bundle, or an upload file, as `name` (the file's or the entry's) says. */
async function readArchive(zip: ZipArchive, name: string, workDir: string): Promise<PackageFacts> {
  const kind = packageKind(name);
  if (kind === 'bundle') {
    const manifest = zip.find(BUNDLE_MANIFEST);
    if (!manifest) throw new Error(`${name} has no ${BUNDLE_MANIFEST}`);
    return readBundle(zip, manifest, workDir);
  }
  if (kind !== 'upload') {
    const manifest = zip.find(PACKAGE_MANIFEST);
    if (!manifest) throw new Error(`${name} has no ${PACKAGE_MANIFEST}`);
    return readPlainPackage(await manifestOf(zip, manifest));
  }
  const found: PackageFacts[] = [];
  for (const entry of zip.entries) {
    const wrapped = packageKind(entry.name);
    if (wrapped !== 'package' && wrapped !== 'bundle') continue;
    found.push(await withNested(zip, entry, workDir, (inner) => readArchive(inner, entry.name, workDir)));
  }
  const [first] = found;
  if (!first) throw new Error(`${name} wraps no package or bundle`);
  return {
    ...first,
    architectures: distinct(found.flatMap((one) => one.architectures)),
    targetDeviceFamilies: distinct(found.flatMap((one) => one.targetDeviceFamilies)),
  };
}

function readPlainPackage(manifest: XmlElement): PackageFacts {
  const identity = identityOf(manifest, PACKAGE_MANIFEST);
  const architecture = childrenNamed(manifest, 'Identity')[0]?.attributes['ProcessorArchitecture'] ?? 'neutral';
  return {
    ...identity,
    architectures: [architecture.toLowerCase()],
    targetDeviceFamilies: distinct(deviceFamilies(childrenNamed(manifest, 'Dependencies'))),
  };
}

async function readBundle(zip: ZipArchive, manifestEntry: ZipEntry, workDir: string): Promise<PackageFacts> {
  const manifest = await manifestOf(zip, manifestEntry);
  const identity = identityOf(manifest, BUNDLE_MANIFEST);
  const applications = childrenNamed(manifest, 'Packages')
    .flatMap((packages) => childrenNamed(packages, 'Package'))
    .filter((element) => (element.attributes['Type'] ?? 'application').toLowerCase() === 'application');
  const families: string[] = [];
  for (const application of applications) {
    const listed = deviceFamilies(childrenNamed(application, 'Dependencies'));
    if (listed.length > 0) {
      families.push(...listed);
      continue;
    }
    // Bundle manifests before the 2018 schema list no device families: the package's own manifest has them.
    const entry = bundledEntry(zip, application.attributes['FileName'] ?? '');
    if (!entry) continue;
    // A payload that is not a readable package adds no families; the bundle's identity still stands.
    const inner = await withNested(zip, entry, workDir, async (packageZip) => {
      const innerManifest = packageZip.find(PACKAGE_MANIFEST);
      return innerManifest ? readPlainPackage(await manifestOf(packageZip, innerManifest)) : undefined;
    }).catch(() => undefined);
    families.push(...(inner?.targetDeviceFamilies ?? []));
  }
  return {
    ...identity,
    architectures: distinct(
      applications.map((element) => (element.attributes['Architecture'] ?? 'neutral').toLowerCase()),
    ),
    targetDeviceFamilies: distinct(families),
  };
}
