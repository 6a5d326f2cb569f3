/**
 * Zips over byte sources (./byte-sources.ts) with yauzl through its RandomAccessReader, so only the
 * central directory, an entry's local header and the entries asked for are read. A zip entry that
 * is itself a zip (a package in an upload file or a bundle) opens as a source of its own: stored,
 * in place; deflated, inflated as a stream.
 */
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { errorMessage } from '../errors.js';
import { throwIfStopped } from '../stop.js';
import {
  InflatedSource,
  SliceSource,
  entryStreamError,
  inflatedPastDeclared,
  type ByteSource,
  type ReadContext,
} from './byte-sources.js';
import { decodeXml } from './xml-encoding.js';

/** A manifest larger than this is refused (real ones are a few KiB to a few hundred KiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest read handed to a stream at once. */
const CHUNK_BYTES = 1024 * 1024;
/** Bytes read at once for yauzl's small reads: a directory of many entries costs a few reads, not two per entry. */
const READ_AHEAD_BYTES = 16 * 1024;

/**
 * The zip of an entry of `zip` (whose bytes come from `parent`): in place when stored, inflated when
 * deflated (never past its declared size). `what` names the entry in messages.
 */
export async function innerSource(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  parent: ByteSource,
  context: ReadContext,
  what: string,
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
  const source = new InflatedSource(() => openReadStream(zip, entry), entry.uncompressedSize, context, what);
  context.inflated.push(source);
  return source;
}

/**
 * yauzl's reader over a ByteSource; streams are served in chunks so no large range is held, and
 * small reads (directory entries, local headers) from one block read ahead.
 */
class SourceReader extends yauzl.RandomAccessReader {
  private block: { start: number; bytes: Buffer } | undefined;

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
    this.blockHolding(position, length).then(
      (block) => {
        block.bytes.copy(buffer, offset, position - block.start, position - block.start + length);
        callback(null);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** The kept block when it holds [position, position + length), else a new one from `position`. */
  private async blockHolding(position: number, length: number): Promise<{ start: number; bytes: Buffer }> {
    const kept = this.block;
    if (kept && position >= kept.start && position + length <= kept.start + kept.bytes.length) return kept;
    const end = Math.max(position + length, Math.min(this.source.size, position + READ_AHEAD_BYTES));
    this.block = { start: position, bytes: await this.source.read(position, end) };
    return this.block;
  }

  override close(callback: (err: Error | null) => void): void {
    setImmediate(() => callback(null));
  }
}

/** Opens the zip held by `source`, runs `use`, and closes it (and any inner inflated sources). */
export async function withZip<T>(
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
    throw new Error(`${label} is not a zip file (${errorMessage(error)})`, { cause: error });
  }
  try {
    return await use(zip);
  } finally {
    // Sources opened on entries of this zip stream through it: end them first.
    for (const inflated of context.inflated.splice(depth).reverse()) await inflated.close();
    zip.close();
  }
}

/**
 * The entries whose lower-cased name (forward slashes) passes `wanted`, by that name, from the
 * central directory only: a look-up costs nothing whatever the entry count. Zip part names are
 * compared without regard to case, so several entries under one key are one name given twice.
 * Rejects with the run's stop reason when it stops during the walk.
 */
export function entriesByName(
  zip: yauzl.ZipFile,
  wanted: (lowerCaseName: string) => boolean,
  context: ReadContext,
): Promise<Map<string, yauzl.Entry[]>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, yauzl.Entry[]>();
    const onEntry = (entry: yauzl.Entry): void => {
      if (context.signal?.aborted) {
        done(context.signal.reason as Error);
        return;
      }
      const name = entry.fileName.toLowerCase();
      if (wanted(name)) found.set(name, [...(found.get(name) ?? []), entry]);
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
    throwIfStopped(context.signal);
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

/**
 * The text of a manifest entry, decoded as XML says (./xml-encoding.ts). `what` names the package
 * and the entry. Throws when it is larger than any real manifest, inflates past the size it
 * declares, or is in an encoding Windows does not read.
 */
export async function readText(zip: yauzl.ZipFile, entry: yauzl.Entry, what: string): Promise<string> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES || entry.compressedSize > MAX_MANIFEST_BYTES) {
    throw new Error(
      `${what} is ${entry.uncompressedSize} bytes, larger than any real manifest (${MAX_MANIFEST_BYTES} bytes at most)`,
    );
  }
  const stream = await openReadStream(zip, entry);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    // Leaving the loop ends the stream: nothing past the declared size is inflated.
    for await (const chunk of stream) {
      length += (chunk as Buffer).length;
      if (length > entry.uncompressedSize) break;
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw entryStreamError(error, what, entry.uncompressedSize);
  }
  if (length > entry.uncompressedSize) throw inflatedPastDeclared(what, entry.uncompressedSize);
  return decodeXml(Buffer.concat(chunks), what);
}
