/**
 * What Windows requires of a bundle's payloads against its AppxBundleManifest.xml, checked before
 * anything is created: the Store's ingestion refuses such bundles only after the upload
 * (docs/store-api.md#bundles-and-their-payloads). Pure: ./read.ts reads the zip and the payloads'
 * manifests; these functions compare and throw an Error naming the bundle, the payload, the field
 * and both values.
 */
import type yauzl from 'yauzl';
import { compareVersions, parseVersion, sameVersion, type PackageVersion } from './identity.js';
import type { BundleManifest, BundledPackage, PackageManifest, TargetDeviceFamily } from './manifest.js';

/** A payload's file name: `.msix` or `.appx` (Windows refuses any other FileName in a bundle). */
const PAYLOAD_NAME = /\.(msix|appx)$/i;
/** Zip entries named like packages, whether or not the manifest lists them. */
const PACKAGE_NAME = /\.(msix|appx|msixbundle|appxbundle)$/i;
/** The newest Windows release (1809) for which a bundle may hold only one neutral application package. */
const ONE_NEUTRAL_UP_TO: PackageVersion = [10, 0, 17763, 0];
const FIX =
  'Build the bundle again from the packages as built (MakeAppx bundle, or Visual Studio: Create App Packages), ' +
  'and do not edit it afterwards';

/**
 * The key by which a bundle's zip entry is matched to a manifest `FileName`: the OPC part name
 * decoded (percent-encoded UTF-8, as OPC writes names outside ASCII), then as fileNameKey. A name
 * that is not valid percent-encoding is kept as written. Never throws.
 */
export function partKey(entryName: string): string {
  let decoded = entryName;
  try {
    decoded = decodeURIComponent(entryName);
  } catch {
    // Not percent-encoding: the name as written is the part name.
  }
  return fileNameKey(decoded);
}

/** A manifest `FileName` as partKey compares it: spelled out as written, `\` as `/`, lower case (part names ignore case). */
function fileNameKey(fileName: string): string {
  return fileName.replaceAll('\\', '/').toLowerCase();
}

/** A payload the manifest declares, with the zip entry holding it. */
export interface DeclaredPayload {
  declared: BundledPackage;
  entry: yauzl.Entry;
}

/**
 * Checks the manifest's `Package` list against the bundle's zip entries (`entries` keyed by
 * partKey: the package-named entries), before any payload is read. In manifest
 * order, each declared package: a `.msix`/`.appx` FileName, named once, held by the bundle, stored
 * (never compressed), of the declared `Size`. Then: at least one application package, and no
 * package-named entry the manifest leaves out. Returns each declared payload with its entry, in
 * manifest order. Throws Error naming `label` (the bundle) and the payload.
 */
export function declaredPayloads(
  bundle: BundleManifest,
  entries: ReadonlyMap<string, yauzl.Entry>,
  label: string,
): DeclaredPayload[] {
  const manifest = `${label}'s AppxBundleManifest.xml`;
  const found = new Map<string, DeclaredPayload>();
  for (const declared of bundle.packages) {
    const key = fileNameKey(declared.fileName);
    if (!PAYLOAD_NAME.test(declared.fileName)) {
      throw new Error(
        `${manifest} declares ${declared.fileName}; a bundle's packages are .msix or .appx files. ${FIX}`,
      );
    }
    if (found.has(key)) throw new Error(`${manifest} declares ${declared.fileName} more than once. ${FIX}`);
    const entry = entries.get(key);
    if (!entry) {
      throw new Error(
        `${manifest} declares ${declared.fileName}, which the bundle does not hold; Windows refuses a bundle ` +
          `whose manifest names a package it lacks. ${FIX}`,
      );
    }
    const what = `${label} > ${declared.fileName}`;
    if (entry.compressionMethod !== 0) {
      throw new Error(
        `${what} is compressed; Windows refuses a bundle whose packages are compressed. ` +
          'Bundle the packages stored, as MakeAppx bundle does',
      );
    }
    if (declared.size !== undefined && declared.size !== entry.uncompressedSize) {
      throw new Error(
        `${what} is ${entry.uncompressedSize} bytes, but AppxBundleManifest.xml declares Size ${declared.size}. ${FIX}`,
      );
    }
    found.set(key, { declared, entry });
  }
  if (!bundle.packages.some((declared) => declared.type === 'application')) {
    throw new Error(
      `${manifest} declares only resource packages (${bundle.packages.map((one) => one.fileName).join(', ')}); ` +
        `a bundle holds at least one application package. ${FIX}`,
    );
  }
  for (const [key, entry] of entries) {
    if (!found.has(key) && PACKAGE_NAME.test(key)) {
      throw new Error(
        `${label} holds ${entry.fileName}, which its AppxBundleManifest.xml does not list; Windows installs only ` +
          `the packages a bundle's manifest lists. ${FIX}`,
      );
    }
  }
  return [...found.values()];
}

/**
 * Checks that a payload starts where the manifest's `Offset` says (when it gives one): Windows reads
 * a bundle's packages at their offsets. `dataStart` is the byte of the bundle file where the entry's
 * data starts. Throws Error naming the payload and both offsets.
 */
export function checkPayloadOffset(declared: BundledPackage, dataStart: number, label: string): void {
  if (declared.offset === undefined || declared.offset === dataStart) return;
  throw new Error(
    `${label} > ${declared.fileName} starts at byte ${dataStart} of the bundle, but AppxBundleManifest.xml ` +
      `declares Offset ${declared.offset}. ${FIX}`,
  );
}

/**
 * Checks a payload's own AppxManifest.xml against its bundle: the bundle's Identity Name (compared
 * without case, as package names are) and Publisher (exactly), the declared Version (numerically),
 * no framework package, the declared Type (a payload is a resource package when its
 * Properties/ResourcePackage is true) and Architecture (without case; absent is neutral). Throws Error naming the payload,
 * the field and both values.
 */
export function checkPayloadIdentity(
  bundle: BundleManifest,
  declared: BundledPackage,
  payload: PackageManifest,
  label: string,
): void {
  const what = `${label} > ${declared.fileName}`;
  const differs = (field: string, own: string, other: string, whose: string): Error =>
    new Error(`${what}: its ${field} is '${own}', but ${whose} '${other}'. ${FIX}`);
  if (payload.name.toLowerCase() !== bundle.name.toLowerCase()) {
    throw differs('Identity Name', payload.name, bundle.name, "the bundle's is");
  }
  if (payload.publisher !== bundle.publisher) {
    throw differs('Identity Publisher', payload.publisher, bundle.publisher, "the bundle's is");
  }
  if (!sameVersion(payload.version, declared.version)) {
    throw differs('Identity Version', payload.version, declared.version, 'AppxBundleManifest.xml declares Version');
  }
  if (payload.framework) {
    throw new Error(`${what} is a framework package (Properties/Framework is true); a bundle cannot hold one. ${FIX}`);
  }
  if (payload.resourcePackage && declared.type === 'application') {
    throw new Error(
      `${what} is a resource package (its Properties/ResourcePackage is true), but AppxBundleManifest.xml declares it ` +
        `Type="application". ${FIX}`,
    );
  }
  if (!payload.resourcePackage && declared.type === 'resource') {
    throw new Error(
      `${what} is an application package (no Properties/ResourcePackage), but AppxBundleManifest.xml declares it ` +
        `Type="resource". ${FIX}`,
    );
  }
  if (payload.architecture.toLowerCase() !== declared.architecture.toLowerCase()) {
    throw differs(
      'ProcessorArchitecture',
      payload.architecture,
      declared.architecture,
      'AppxBundleManifest.xml declares Architecture',
    );
  }
}

/** An application package of a bundle with the device families it targets (its own, or the bundle manifest's). */
export interface BundledApplication {
  fileName: string;
  architecture: string;
  targetDeviceFamilies: readonly TargetDeviceFamily[];
}

/**
 * Checks the neutral application packages of a bundle, as MakeAppx does: two of them are refused
 * when any of them targets Windows 10.0.17763.0 or older (or names no device family, as Windows 8
 * packages do), and otherwise when two target one device family. Throws Error naming both packages.
 */
export function checkNeutralApplications(applications: readonly BundledApplication[], label: string): void {
  const neutral = applications.filter((application) => application.architecture.toLowerCase() === 'neutral');
  const [first, second] = neutral;
  if (!first || !second) return;
  const old = neutral.some(
    (application) =>
      application.targetDeviceFamilies.length === 0 ||
      application.targetDeviceFamilies.some((family) => {
        const version = family.minVersion === undefined ? undefined : parseVersion(family.minVersion);
        return !version || compareVersions(version, ONE_NEUTRAL_UP_TO) <= 0;
      }),
  );
  if (old) {
    throw new Error(
      `${label} holds two neutral application packages, ${first.fileName} and ${second.fileName}; a bundle whose ` +
        'packages target Windows 10.0.17763.0 or older holds at most one. Give each application package its ' +
        `architecture, or keep one neutral package. ${FIX}`,
    );
  }
  const byFamily = new Map<string, string>();
  for (const application of neutral) {
    for (const family of application.targetDeviceFamilies) {
      const other = byFamily.get(family.name.toLowerCase());
      if (other !== undefined && other !== application.fileName) {
        throw new Error(
          `${label} holds two neutral application packages for ${family.name}, ${other} and ${application.fileName}; ` +
            `a bundle holds at most one neutral application package per device family. ${FIX}`,
        );
      }
      byFamily.set(family.name.toLowerCase(), application.fileName);
    }
  }
}
