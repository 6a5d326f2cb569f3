/**
 * Reads the identity of a package file without loading it: `.msix`/`.appx` (AppxManifest.xml),
 * `.msixbundle`/`.appxbundle` (AppxMetadata/AppxBundleManifest.xml), and the
 * `.msixupload`/`.appxupload` zips that wrap one of those (plus symbol files). store-api.md §7.5.
 *
 * Zips are read with yauzl through its RandomAccessReader, so only the central directory, the
 * manifest's local header and the manifest itself are read from disk.
 *
 * A package inside an upload file (or a package inside a bundle) is itself a zip, read through the
 * same interface:
 * - stored (no compression, what bundles always do and upload tools usually do): its bytes are a
 *   range of the outer file, so the inner zip is read in place, again only its directory and
 *   manifest;
 * - deflated: deflate has no random access, so the inner entry is inflated as a stream, front to
 *   back. While it streams, only a window of the bytes yauzl asked for is kept (the zip directory
 *   and the manifest sit at the end of a package, so the first pass usually holds everything). A
 *   read outside the kept windows continues the stream when it lies ahead, and inflates the entry
 *   again from the start only when it lies behind. At most two windows of WINDOW_BYTES are held,
 *   so memory stays flat whatever the package size; nothing is written to disk.
 *
 * Heavy (yauzl, fast-xml-parser): import this module with `await import()` when a package is read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { publisherHash } from './identity.js';
import { parseBundleManifest, parsePackageManifest, type TargetDeviceFamily } from './manifest.js';
import { READABLE_EXTENSIONS, isReadablePackageName, packageFormat, type PackageFormat } from './names.js';

/** A manifest larger than this is refused (real ones are a few KiB to a few hundred KiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Bytes of inflated data kept per window when a deflated inner package is read. */
export const WINDOW_BYTES = 4 * 1024 * 1024;
/** Largest read handed to a stream at once. */
const CHUNK_BYTES = 1024 * 1024;

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

/** Bytes touched while reading, to show that a package is not loaded. */
export interface ReadStats {
  /** Bytes read from the file on disk. */
  fileBytes: number;
  /** Bytes produced by inflating deflated inner packages (0 when none was deflated). */
  inflatedBytes: number;
  /** The most inflated bytes held in memory at once. */
  peakBufferedBytes: number;
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
    throw new PackageReadError(file, `it cannot be opened (${messageOf(error)})`);
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
    throw new PackageReadError(file, messageOf(error));
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
      readings.push({ file, error: messageOf(error) });
    }
  }
  return readings;
}

type Found = Omit<PackageInfo, 'file' | 'format' | 'read'>;

/** State of one readPackage call: its counters and the inflated sources to close. */
interface ReadContext {
  stats: ReadStats;
  /** Inflated bytes held now, over all sources. */
  buffered: number;
  inflated: InflatedSource[];
}

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

// ---- zips over byte sources ---------------------------------------------------------------------

/** Random access to the bytes of a zip: a file, a range of one, or an inflated entry. */
interface ByteSource {
  readonly size: number;
  /** Bytes [start, end); rejects when the range is outside the source. */
  read(start: number, end: number): Promise<Buffer>;
}

class FileSource implements ByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly stats: ReadStats,
  ) {}

  async read(start: number, end: number): Promise<Buffer> {
    const buffer = Buffer.alloc(end - start);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await this.handle.read(buffer, filled, buffer.length - filled, start + filled);
      if (bytesRead === 0) throw new Error(`the file ended at byte ${start + filled} (it is ${this.size} bytes long)`);
      filled += bytesRead;
    }
    this.stats.fileBytes += filled;
    return buffer;
  }
}

/** A stored entry: a range of its parent. */
class SliceSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly base: number,
    readonly size: number,
  ) {}

  read(start: number, end: number): Promise<Buffer> {
    return this.parent.read(this.base + start, this.base + end);
  }
}

/** A deflated entry, inflated as a forward stream; see the module comment. */
class InflatedSource implements ByteSource {
  private windows: { start: number; bytes: Buffer }[] = [];
  private cursor:
    { iterator: AsyncIterator<Buffer>; stream: Readable; position: number; pending: Buffer | undefined } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly openStream: () => Promise<Readable>,
    readonly size: number,
    private readonly context: ReadContext,
  ) {}

  read(start: number, end: number): Promise<Buffer> {
    // yauzl reads one range at a time, but serialise anyway: the stream has one position.
    const result = this.queue.then(() => this.readNow(start, end));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    this.cursor?.stream.destroy();
    this.cursor = undefined;
    this.windows = [];
    this.account();
  }

  private async readNow(start: number, end: number): Promise<Buffer> {
    if (start < 0 || end > this.size || end < start)
      throw new Error(`read of bytes ${start}-${end} outside an entry of ${this.size} bytes`);
    const hit = this.windows.find((window) => window.start <= start && end <= window.start + window.bytes.length);
    if (hit) return Buffer.from(hit.bytes.subarray(start - hit.start, end - hit.start));

    // Keep a window around the range: reaching back from its end (zip readers walk backwards from
    // the end record to the directory), or forward from its start.
    const windowStart = Math.max(0, Math.min(start, end - WINDOW_BYTES));
    const windowEnd = Math.min(this.size, Math.max(end, windowStart + WINDOW_BYTES));
    const bytes = Buffer.alloc(windowEnd - windowStart);
    await this.fill(bytes, windowStart);
    this.windows.push({ start: windowStart, bytes });
    if (this.windows.length > 2) this.windows.splice(0, this.windows.length - 2);
    this.account();
    return Buffer.from(bytes.subarray(start - windowStart, end - windowStart));
  }

  /** Copies inflated bytes [from, from + into.length) into `into`, streaming forward. */
  private async fill(into: Buffer, from: number): Promise<void> {
    if (!this.cursor || this.cursor.position > from) {
      this.cursor?.stream.destroy();
      this.cursor = undefined;
      const stream = await this.openStream();
      this.cursor = {
        iterator: stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
        stream,
        position: 0,
        pending: undefined,
      };
    }
    const cursor = this.cursor;
    const to = from + into.length;
    while (cursor.position < to) {
      let chunk = cursor.pending;
      cursor.pending = undefined;
      if (!chunk) {
        const next = await cursor.iterator.next();
        if (next.done) throw new Error(`the inner package ended after ${cursor.position} of ${this.size} bytes`);
        chunk = next.value;
        this.context.stats.inflatedBytes += chunk.length;
      }
      const chunkStart = cursor.position;
      const chunkEnd = chunkStart + chunk.length;
      const copyFrom = Math.max(chunkStart, from);
      const copyTo = Math.min(chunkEnd, to);
      if (copyFrom < copyTo) chunk.copy(into, copyFrom - from, copyFrom - chunkStart, copyTo - chunkStart);
      if (chunkEnd > to) {
        // Keep the rest for the next forward read instead of inflating it again.
        cursor.pending = chunk.subarray(to - chunkStart);
        cursor.position = to;
      } else {
        cursor.position = chunkEnd;
      }
    }
  }

  /** Bytes this source holds now: its windows and the unread rest of the last inflated chunk. */
  private held = 0;

  /** Updates the read's count of inflated bytes held (all sources together) and its peak. */
  private account(): void {
    const held =
      this.windows.reduce((sum, window) => sum + window.bytes.length, 0) + (this.cursor?.pending?.length ?? 0);
    this.context.buffered += held - this.held;
    this.held = held;
    this.context.stats.peakBufferedBytes = Math.max(this.context.stats.peakBufferedBytes, this.context.buffered);
  }
}

/** The zip of an entry of `zip` (whose bytes come from `parent`): in place when stored, inflated when deflated. */
async function innerSource(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  parent: ByteSource,
  context: ReadContext,
): Promise<ByteSource> {
  if (entry.isEncrypted()) throw new Error(`${entry.fileName} is encrypted`);
  if (entry.compressionMethod === 0) {
    const header = await readLocalFileHeader(zip, entry);
    return new SliceSource(parent, header.fileDataStart, entry.uncompressedSize);
  }
  if (entry.compressionMethod !== 8) {
    throw new Error(
      `${entry.fileName} uses compression method ${entry.compressionMethod}; only stored and deflated entries can be read`,
    );
  }
  const source = new InflatedSource(() => openReadStream(zip, entry), entry.uncompressedSize, context);
  context.inflated.push(source);
  return source;
}

/** yauzl's reader over a ByteSource; streams are served in chunks so no large range is held. */
class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ByteSource) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const source = this.source;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let at = start; at < end; at += CHUNK_BYTES) yield await source.read(at, Math.min(end, at + CHUNK_BYTES));
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    this.source.read(position, position + length).then(
      (bytes) => {
        bytes.copy(buffer, offset);
        callback(null);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override close(callback: (err: Error | null) => void): void {
    setImmediate(() => callback(null));
  }
}

/** Opens the zip held by `source`, runs `use`, and closes it (and any inner inflated sources). */
async function withZip<T>(
  source: ByteSource,
  label: string,
  context: ReadContext,
  use: (zip: yauzl.ZipFile) => Promise<T>,
): Promise<T> {
  const depth = context.inflated.length;
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.fromRandomAccessReader(
        new SourceReader(source),
        source.size,
        { lazyEntries: true, autoClose: false },
        (error, opened) => (error ? reject(error) : resolve(opened)),
      );
    });
  } catch (error) {
    throw new Error(`${label} is not a zip file (${messageOf(error)})`, { cause: error });
  }
  try {
    return await use(zip);
  } finally {
    // Sources opened on entries of this zip stream through it: end them first.
    for (const inflated of context.inflated.splice(depth).reverse()) await inflated.close();
    zip.close();
  }
}

/** Entries whose lower-cased name (forward slashes) passes `wanted`, from the central directory only. */
function findEntries(zip: yauzl.ZipFile, wanted: (lowerCaseName: string) => boolean): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const found: yauzl.Entry[] = [];
    const onEntry = (entry: yauzl.Entry): void => {
      if (wanted(entry.fileName.toLowerCase())) found.push(entry);
      zip.readEntry();
    };
    const done = (error?: Error): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
      if (error) reject(error);
      else resolve(found);
    };
    const onEnd = (): void => done();
    const onError = (error: Error): void => done(error);
    zip.on('entry', onEntry);
    zip.once('end', onEnd);
    zip.once('error', onError);
    zip.readEntry();
  });
}

/** yauzl 3 methods that @types/yauzl (2.x) does not describe. */
interface ZipFile3 {
  readLocalFileHeader(
    entry: yauzl.Entry,
    options: { minimal: true },
    callback: (error: Error | null, header: { fileDataStart: number }) => void,
  ): void;
}

function readLocalFileHeader(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<{ fileDataStart: number }> {
  return new Promise((resolve, reject) => {
    (zip as unknown as ZipFile3).readLocalFileHeader(entry, { minimal: true }, (error, header) =>
      error ? reject(error) : resolve(header),
    );
  });
}

function openReadStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

/** The text of a manifest entry: UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark. */
async function readText(zip: yauzl.ZipFile, entry: yauzl.Entry, what: string): Promise<string> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES || entry.compressedSize > MAX_MANIFEST_BYTES) {
    throw new Error(
      `${what} is ${entry.uncompressedSize} bytes, larger than any real manifest (${MAX_MANIFEST_BYTES} bytes at most)`,
    );
  }
  const stream = await openReadStream(zip, entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return new TextDecoder('utf-8').decode(bytes);
}

/** An error's message; also for errors from another realm (Node's fs errors under a VM), which fail instanceof. */
function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
