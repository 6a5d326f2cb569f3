/**
 * Real package files for tests, the emulator and the demo: zips with an AppxManifest.xml
 * (`.msix`/`.appx`), bundles with AppxMetadata/AppxBundleManifest.xml, and `.msixupload` files
 * wrapping a bundle or a package with a symbols file, laid out in the order MakeAppx writes them
 * (payload first, manifests near the end). They are not signed and hold no runnable code: the
 * action only reads their identity.
 *
 * The default identity is the emulator's seeded app (test/emulator/seed.ts): its
 * `packageIdentityName` is DEFAULT_IDENTITY.name and its `packageFamilyName` ends with the
 * publisher hash of DEFAULT_IDENTITY.publisher.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

export const DEFAULT_IDENTITY = {
  name: 'Contoso.ContosoNotes',
  publisher: 'CN=4AB1C2D3-0000-4000-8000-00000000C0DE',
} as const;

/** publisherHash(DEFAULT_IDENTITY.publisher), as the emulator's seeded packageFamilyName ends. */
export const DEFAULT_PUBLISHER_HASH = 'mj48pws67hrft';
export const DEFAULT_FAMILY_NAME = `${DEFAULT_IDENTITY.name}_${DEFAULT_PUBLISHER_HASH}`;

export interface DeviceFamilySpec {
  name: string;
  minVersion?: string;
}

export interface PackageSpec {
  name?: string;
  publisher?: string;
  /** Default 1.0.0.0. */
  version?: string;
  /** `ProcessorArchitecture`; default x64; null leaves the attribute out (neutral). */
  architecture?: string | null;
  /** Default Windows.Desktop 10.0.17763.0. */
  deviceFamilies?: DeviceFamilySpec[];
  /** Bytes of payload (an `app.dat` entry, streamed, stored); default 1024. */
  payloadBytes?: number;
  /** What the payload holds: random bytes (default) or zeros, which deflate about 1000 to 1. */
  payload?: 'random' | 'zeros';
  /** The manifest's text (or bytes, for other encodings) instead of the generated one; null leaves AppxManifest.xml out. */
  manifest?: string | Buffer | null;
  /** Deflate the small entries (manifests, block map); default true, as MakeAppx does. */
  compress?: boolean;
  /** A resource package (`Properties/ResourcePackage` true), as a bundle's language packages are; default false. */
  resourcePackage?: boolean;
}

export interface BundleSpec {
  name?: string;
  publisher?: string;
  /** The bundle's version; default 1.0.0.0. */
  version?: string;
  /** Application packages; default one x64 package. Each gets the bundle's identity unless it says otherwise. */
  packages?: PackageSpec[];
  /** Adds a resource package (languages only) for each of these languages. */
  resourceLanguages?: string[];
  /** Write each package's device families into the bundle manifest (the 2018 schema); default true. */
  familiesInManifest?: boolean;
  /** The bundle manifest's text instead of the generated one; null leaves it out. */
  manifest?: string | null;
}

export interface UploadSpec {
  /** Wrap a bundle (the default) ... */
  bundle?: BundleSpec;
  /** ... or a single package. */
  package?: PackageSpec;
  /** Deflate the wrapped package entry (default false: stored, as Visual Studio writes them). */
  compress?: boolean;
  /** Add an `.appxsym` symbols entry beside the package; default true. */
  symbols?: boolean;
}

function xmlAttribute(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function version(spec: { version?: string }): string {
  return spec.version ?? '1.0.0.0';
}

function families(spec: PackageSpec): DeviceFamilySpec[] {
  return spec.deviceFamilies ?? [{ name: 'Windows.Desktop', minVersion: '10.0.17763.0' }];
}

/** The file name MakeAppx would give: `ContosoNotes_1.0.0.0_x64.msix`. */
export function packageFileName(spec: PackageSpec = {}, extension = '.msix'): string {
  const short = (spec.name ?? DEFAULT_IDENTITY.name).split('.').pop();
  return `${short}_${version(spec)}_${spec.architecture ?? 'neutral'}${extension}`;
}

/** The AppxManifest.xml of a package. */
export function packageManifestXml(spec: PackageSpec = {}): string {
  const architecture =
    spec.architecture === null ? '' : ` ProcessorArchitecture="${xmlAttribute(spec.architecture ?? 'x64')}"`;
  const targets = families(spec)
    .map(
      (family) =>
        `    <TargetDeviceFamily Name="${xmlAttribute(family.name)}"${family.minVersion ? ` MinVersion="${family.minVersion}"` : ''} MaxVersionTested="10.0.22621.0" />`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"
  xmlns:uap="http://schemas.microsoft.com/appx/manifest/uap/windows10"
  xmlns:rescap="http://schemas.microsoft.com/appx/manifest/foundation/windows10/restrictedcapabilities"
  IgnorableNamespaces="uap rescap">
  <Identity Name="${xmlAttribute(spec.name ?? DEFAULT_IDENTITY.name)}" Publisher="${xmlAttribute(spec.publisher ?? DEFAULT_IDENTITY.publisher)}" Version="${xmlAttribute(version(spec))}"${architecture} />
  <Properties>${spec.resourcePackage ? '\n    <ResourcePackage>true</ResourcePackage>' : ''}
    <DisplayName>Contoso Notes</DisplayName>
    <PublisherDisplayName>Contoso</PublisherDisplayName>
    <Logo>Assets\\StoreLogo.png</Logo>
  </Properties>
  <Dependencies>
${targets}
  </Dependencies>
  <Resources>
    <Resource Language="en-us" />
  </Resources>
  <Applications>
    <Application Id="App" Executable="ContosoNotes.exe" EntryPoint="Windows.FullTrustApplication">
      <uap:VisualElements DisplayName="Contoso Notes" Description="Notes" BackgroundColor="transparent"
        Square150x150Logo="Assets\\Square150x150Logo.png" Square44x44Logo="Assets\\Square44x44Logo.png" />
    </Application>
  </Applications>
  <Capabilities>
    <rescap:Capability Name="runFullTrust" />
  </Capabilities>
</Package>
`;
}

/** The AppxBundleManifest.xml of a bundle holding these packages (file names as writeBundle gives them). */
export function bundleManifestXml(spec: BundleSpec = {}): string {
  const withFamilies = spec.familiesInManifest ?? true;
  const packages = bundlePackages(spec).map(({ spec: inner, fileName }) => {
    const dependencies = withFamilies
      ? `\n      <b4:Dependencies>\n${families(inner)
          .map(
            (family) =>
              `        <b4:TargetDeviceFamily Name="${xmlAttribute(family.name)}"${family.minVersion ? ` MinVersion="${family.minVersion}"` : ''} MaxVersionTested="10.0.22621.0" />`,
          )
          .join('\n')}\n      </b4:Dependencies>`
      : '';
    return `    <Package Type="application" Version="${xmlAttribute(version(inner))}" Architecture="${xmlAttribute(inner.architecture ?? 'neutral')}" FileName="${xmlAttribute(fileName)}">
      <Resources>
        <Resource Language="en-us" />
      </Resources>${dependencies}
    </Package>`;
  });
  const resources = (spec.resourceLanguages ?? []).map(
    (
      language,
    ) => `    <Package Type="resource" Version="${xmlAttribute(version(spec))}" ResourceId="split.language-${language}" FileName="${resourceFileName(spec, language)}">
      <Resources>
        <Resource Language="${xmlAttribute(language)}" />
      </Resources>
    </Package>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<Bundle xmlns="http://schemas.microsoft.com/appx/2013/bundle" xmlns:b4="http://schemas.microsoft.com/appx/2018/bundle" SchemaVersion="5.0" IgnorableNamespaces="b4">
  <Identity Name="${xmlAttribute(spec.name ?? DEFAULT_IDENTITY.name)}" Publisher="${xmlAttribute(spec.publisher ?? DEFAULT_IDENTITY.publisher)}" Version="${xmlAttribute(version(spec))}" />
  <Packages>
${[...packages, ...resources].join('\n')}
  </Packages>
</Bundle>
`;
}

function bundlePackages(spec: BundleSpec): { spec: PackageSpec; fileName: string }[] {
  const inners = spec.packages ?? [{ architecture: 'x64' }];
  return inners.map((inner) => {
    const merged: PackageSpec = {
      name: spec.name ?? DEFAULT_IDENTITY.name,
      publisher: spec.publisher ?? DEFAULT_IDENTITY.publisher,
      version: version(spec),
      ...inner,
    };
    return { spec: merged, fileName: packageFileName(merged) };
  });
}

function resourceFileName(spec: BundleSpec, language: string): string {
  return `${(spec.name ?? DEFAULT_IDENTITY.name).split('.').pop()}_${version(spec)}_language-${language}.msix`;
}

/** Random bytes (or zeros), streamed in 1 MiB chunks so a large payload is never held at once. */
function payloadStream(bytes: number, payload: 'random' | 'zeros' = 'random'): Readable {
  let left = bytes;
  const zeros = payload === 'zeros' ? Buffer.alloc(Math.min(bytes, 1 << 20)) : undefined;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const size = Math.min(left, 1 << 20);
      left -= size;
      this.push(zeros ? zeros.subarray(0, size) : randomBytes(size));
    },
  });
}

function zipStream(fill: (zip: yazl.ZipFile) => void): Readable {
  const zip = new yazl.ZipFile();
  fill(zip);
  zip.end();
  return zip.outputStream as Readable;
}

async function writeZip(file: string, fill: (zip: yazl.ZipFile) => void): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await pipeline(zipStream(fill), createWriteStream(file));
}

/** One entry of writeEntries: its bytes (a stream is written with a data descriptor), deflated or stored. */
export interface ZipEntrySpec {
  name: string;
  data: Buffer | Readable;
  /** Deflate the entry; default false. */
  compress?: boolean;
}

/** Writes a zip of exactly these entries, in this order, to `file`: for packages no other helper builds. */
export async function writeEntries(file: string, entries: readonly ZipEntrySpec[]): Promise<void> {
  await writeZip(file, (zip) => {
    for (const entry of entries) {
      const options = { compress: entry.compress ?? false };
      if (Buffer.isBuffer(entry.data)) zip.addBuffer(entry.data, entry.name, options);
      else zip.addReadStream(entry.data, entry.name, options);
    }
  });
}

/**
 * Rewrites the uncompressed size that the central directory of the zip at `file` declares for the
 * entry `name`, so the entry inflates to more (or less) than it declares. Throws when the zip has no
 * such entry.
 */
export async function declareSize(file: string, name: string, uncompressedSize: number): Promise<void> {
  const bytes = await readFile(file);
  const wanted = Buffer.from(name);
  // Central directory headers: signature 0x02014b50, uncompressed size at 24, name length at 28, name at 46.
  for (let at = bytes.indexOf(CENTRAL_HEADER); at >= 0; at = bytes.indexOf(CENTRAL_HEADER, at + 4)) {
    const length = bytes.readUInt16LE(at + 28);
    if (bytes.subarray(at + 46, at + 46 + length).equals(wanted)) {
      bytes.writeUInt32LE(uncompressedSize, at + 24);
      await writeFile(file, bytes);
      return;
    }
  }
  throw new Error(`${file} has no entry ${name}`);
}
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

const BLOCK_MAP =
  '<?xml version="1.0" encoding="UTF-8"?>\n<BlockMap xmlns="http://schemas.microsoft.com/appx/2010/blockmap" HashMethod="http://www.w3.org/2001/04/xmlenc#sha256" />\n';
const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/vnd.ms-appx.manifest+xml" /></Types>\n';

/** Writes a package (`.msix`/`.appx`) to `file`, creating its folder. */
export async function writePackage(file: string, spec: PackageSpec = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await pipeline(packageStream(spec), createWriteStream(file));
}

/** The bytes of a package (`.msix`/`.appx`) as a stream, for writeEntries: a package is never held or written apart. */
export function packageStream(spec: PackageSpec = {}): Readable {
  const compress = spec.compress ?? true;
  return zipStream((zip) => {
    zip.addReadStream(payloadStream(spec.payloadBytes ?? 1024, spec.payload), 'app.dat', {
      compress: false,
      size: spec.payloadBytes ?? 1024,
    });
    zip.addBuffer(Buffer.from('MZ fake executable for tests'), 'ContosoNotes.exe', { compress });
    if (spec.manifest !== null) {
      const manifest = spec.manifest ?? packageManifestXml(spec);
      zip.addBuffer(typeof manifest === 'string' ? Buffer.from(manifest) : manifest, 'AppxManifest.xml', { compress });
    }
    zip.addBuffer(Buffer.from(BLOCK_MAP), 'AppxBlockMap.xml', { compress });
    zip.addBuffer(Buffer.from(CONTENT_TYPES), '[Content_Types].xml', { compress });
  });
}

/** Writes a bundle (`.msixbundle`/`.appxbundle`): its packages stored, as MakeAppx stores them. */
export async function writeBundle(file: string, spec: BundleSpec = {}): Promise<void> {
  const work = `${file}.parts`;
  await mkdir(work, { recursive: true });
  try {
    const inners = bundlePackages(spec);
    for (const inner of inners) await writePackage(path.join(work, inner.fileName), inner.spec);
    for (const language of spec.resourceLanguages ?? []) {
      await writePackage(path.join(work, resourceFileName(spec, language)), {
        name: spec.name ?? DEFAULT_IDENTITY.name,
        publisher: spec.publisher ?? DEFAULT_IDENTITY.publisher,
        version: version(spec),
        architecture: null,
        resourcePackage: true,
      });
    }
    await writeZip(file, (zip) => {
      for (const inner of inners) zip.addFile(path.join(work, inner.fileName), inner.fileName, { compress: false });
      for (const language of spec.resourceLanguages ?? []) {
        const name = resourceFileName(spec, language);
        zip.addFile(path.join(work, name), name, { compress: false });
      }
      if (spec.manifest !== null) {
        zip.addBuffer(Buffer.from(spec.manifest ?? bundleManifestXml(spec)), 'AppxMetadata/AppxBundleManifest.xml', {
          compress: true,
        });
      }
      zip.addBuffer(Buffer.from(BLOCK_MAP), 'AppxBlockMap.xml', { compress: true });
      zip.addBuffer(Buffer.from(CONTENT_TYPES), '[Content_Types].xml', { compress: true });
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Writes an upload file (`.msixupload`/`.appxupload`) wrapping a bundle (default) or a package,
 * with an `.appxsym` beside it. Returns the wrapped entry's name.
 */
export async function writeUpload(file: string, spec: UploadSpec = {}): Promise<string> {
  const work = `${file}.parts`;
  await mkdir(work, { recursive: true });
  try {
    let innerName: string;
    if (spec.package) {
      innerName = packageFileName({ architecture: 'x64', ...spec.package });
      await writePackage(path.join(work, innerName), spec.package);
    } else {
      const bundle = spec.bundle ?? {};
      const architectures = (bundle.packages ?? [{ architecture: 'x64' }]).map(
        (inner) => inner.architecture ?? 'neutral',
      );
      const short = (bundle.name ?? DEFAULT_IDENTITY.name).split('.').pop();
      innerName = `${short}_${version(bundle)}_${architectures.join('_')}.msixbundle`;
      await writeBundle(path.join(work, innerName), bundle);
    }
    await writeZip(file, (zip) => {
      zip.addFile(path.join(work, innerName), innerName, { compress: spec.compress ?? false });
      if (spec.symbols ?? true)
        zip.addBuffer(randomBytes(256), innerName.replace(/\.[^.]+$/, '.appxsym'), { compress: true });
    });
    return innerName;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Architectures a package file name may carry, as MakeAppx and Visual Studio write them. */
const NAME_ARCHITECTURES = new Set(['x86', 'x64', 'arm', 'arm64', 'neutral']);

/**
 * The identity a package file name announces, as Visual Studio names them:
 * `ContosoNotes_1.2.0.0_x64.msixupload`, `ContosoNotes_1.2.0.0_x64_arm64.msixbundle`. Version
 * default 1.0.0.0, architectures default [x64]; the extension decides the format (undefined for a
 * name that is not a package's).
 */
export function specFromName(
  fileName: string,
): { version: string; architectures: string[]; format: 'package' | 'bundle' | 'upload' } | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const extension = /\.(msix|appx)(upload|bundle)?$/i.exec(base);
  if (!extension) return undefined;
  const match = /_(\d+\.\d+\.\d+\.\d+)((?:_[A-Za-z0-9]+)*)\.[a-z]+$/i.exec(base);
  const architectures = (match?.[2] ?? '')
    .split('_')
    .map((part) => part.toLowerCase())
    .filter((part) => NAME_ARCHITECTURES.has(part));
  const kind = extension[2]?.toLowerCase();
  return {
    version: match?.[1] ?? '1.0.0.0',
    architectures: architectures.length ? architectures : ['x64'],
    format: kind === 'upload' ? 'upload' : kind === 'bundle' ? 'bundle' : 'package',
  };
}

/**
 * Writes a real package at `file` whose identity is what its name announces (specFromName) and
 * the emulator app's by default (`identity` overrides name and publisher), with about
 * `payloadBytes` of random payload spread over its packages: a plain package for `.msix`/`.appx`,
 * a bundle of one package per architecture for bundles, and an upload file wrapping such a bundle.
 * Throws for a name that is not a package's.
 */
export async function writeNamedPackage(
  file: string,
  payloadBytes = 1024,
  identity: { name?: string; publisher?: string } = {},
): Promise<void> {
  const spec = specFromName(file);
  if (!spec) throw new Error(`${file} is not named like a package (.msix, .appx, bundles, upload files)`);
  const count = spec.architectures.length;
  const per = Math.max(1, Math.floor(payloadBytes / count));
  // The first package takes what the division leaves, so the payloads add up to payloadBytes.
  const first = Math.max(1, payloadBytes - per * (count - 1));
  const packages = spec.architectures.map((architecture, i) => ({
    ...identity,
    architecture,
    payloadBytes: i === 0 ? first : per,
  }));
  const bundle: BundleSpec = { ...identity, version: spec.version, packages };
  if (spec.format === 'package')
    await writePackage(file, {
      ...identity,
      version: spec.version,
      architecture: spec.architectures[0] ?? 'x64',
      payloadBytes,
    });
  else if (spec.format === 'bundle') await writeBundle(file, bundle);
  else await writeUpload(file, { bundle });
}

/**
 * The `shared/realdata` folder (material nobody here wrote: Microsoft's test packages, recorded live
 * Store API exchanges; see its SOURCES.md) that sits beside the repository or beside one of its
 * parent folders (CI lays shared/ beside its clone); undefined when there is none. Tests read it in
 * place; it is never copied into the repository.
 */
export function realDataDir(): string | undefined {
  for (
    let folder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
    ;
    folder = path.dirname(folder)
  ) {
    const candidate = path.join(folder, 'shared/realdata');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(folder) === folder) return undefined;
  }
}

/** Why a suite that needs `shared/realdata` is skipped, for its title and the console. */
export const REAL_DATA_ABSENT = 'skipped: shared/realdata is not beside this clone (CI always has it)';

/**
 * Microsoft's own test packages (microsoft/msix-packaging, src/test/testData/unpack) in
 * realDataDir(); undefined when there is none.
 */
export function microsoftTestPackagesDir(): string | undefined {
  const root = realDataDir();
  const candidate = root && path.join(root, 'microsoft-msix-packaging/src/test/testData/unpack');
  return candidate && existsSync(candidate) ? candidate : undefined;
}
