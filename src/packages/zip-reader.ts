/**
 * Zips over byte sources (./byte-sources.ts) with yauzl through its RandomAccessReader, so only the
 * central directory, an entry's local header and the entries asked for are read. A zip entry that
 * is itself a zip (a package in an upload file or a bundle) opens as a source of its own: stored,
 * in place; deflated, inflated as a stream.
 *
 * The structure is checked as Windows checks it (docs/store-api.md#what-windows-opens-in-a-package-zip):
 * the end records must agree with the central directory they point to, and the local header of
 * every entry read with its directory entry; a deflated entry is read to the size its directory
 * entry declares, never to another, whether or not its stream ends with a final block.
 */
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { errorMessage } from '../errors.js';
import { throwIfStopped } from '../stop.js';
import {
  EntrySizeError,
  InflatedSource,
  SliceSource,
  entryStreamError,
  inflatedPastDeclared,
  inflatedShortOfDeclared,
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
  refuseUnreadable(entry, what);
  if (entry.compressionMethod === 0) {
    return new SliceSource(parent, await checkedDataStart(zip, entry, what), entry.uncompressedSize);
  }
  const source = new InflatedSource(() => openEntryStream(zip, entry, what), entry.uncompressedSize, context, what);
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
  // The end records first: yauzl would follow a bogus Zip64 locator and say only that it is no zip.
  const end = await readEndRecord(source, label);
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
    directoryChecks.set(zip, (walked) => checkDirectory(end, walked, label));
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
 * Rejects when the directory walked disagrees with the zip's end records (see checkDirectory), and
 * with the run's stop reason when it stops during the walk.
 */
export function entriesByName(
  zip: yauzl.ZipFile,
  wanted: (lowerCaseName: string) => boolean,
  context: ReadContext,
): Promise<Map<string, yauzl.Entry[]>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, yauzl.Entry[]>();
    const walked = { bytes: 0, entries: 0 };
    const onEntry = (entry: yauzl.Entry): void => {
      if (context.signal?.aborted) {
        done(context.signal.reason as Error);
        return;
      }
      walked.bytes += CENTRAL_HEADER_BYTES + entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength;
      walked.entries++;
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
    const onEnd = (): void => {
      try {
        directoryChecks.get(zip)?.(walked);
        done();
      } catch (error) {
        done(error as Error);
      }
    };
    const onError = (error: Error): void => done(error);
    zip.on('entry', onEntry);
    zip.once('end', onEnd);
    zip.once('error', onError);
    throwIfStopped(context.signal);
    zip.readEntry();
  });
}

/** yauzl 3 members that @types/yauzl (2.x) does not describe. */
interface ZipFile3 {
  readLocalFileHeader(
    entry: yauzl.Entry,
    options: { minimal: false },
    callback: (error: Error | null, header: LocalFileHeader) => void,
  ): void;
}
interface LocalFileHeader {
  fileDataStart: number;
  generalPurposeBitFlag: number;
  compressionMethod: number;
  fileName: Buffer;
}
interface Entry3 {
  /** The name's bytes as the directory holds them. */
  fileNameRaw: Buffer;
}

/** General purpose flag bit 3: the sizes and CRC follow the data (a data descriptor). */
const DATA_DESCRIPTOR_FLAG = 0x08;

/**
 * Where `entry`'s data starts, after checking its local header against its directory entry: the
 * same name bytes, compression method and data-descriptor flag. Throws naming `what` otherwise, or
 * when no local header starts where the directory entry points.
 */
export async function checkedDataStart(zip: yauzl.ZipFile, entry: yauzl.Entry, what: string): Promise<number> {
  const header = await new Promise<LocalFileHeader>((resolve, reject) => {
    (zip as unknown as ZipFile3).readLocalFileHeader(entry, { minimal: false }, (error, found) =>
      error ? reject(error) : resolve(found),
    );
  }).catch((error: unknown) => {
    // An inner package inflated short or long is refused as such; anything else is a header that is not there.
    if (error instanceof EntrySizeError) throw error;
    throw new Error(
      `${what} is damaged: its central directory entry points to byte ${entry.relativeOffsetOfLocalHeader}, where no ` +
        `local header starts (${errorMessage(error)}). Windows refuses such a package; build the package again`,
      { cause: error },
    );
  });
  const directoryName = (entry as unknown as Entry3).fileNameRaw;
  let disagreement: string | undefined;
  if (!header.fileName.equals(directoryName)) {
    disagreement = `its local header names '${header.fileName.toString()}', the central directory '${directoryName.toString()}'`;
  } else if (header.compressionMethod !== entry.compressionMethod) {
    disagreement = `its local header gives compression method ${header.compressionMethod}, the central directory ${entry.compressionMethod}`;
  } else if (
    (header.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG) !==
    (entry.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG)
  ) {
    disagreement = 'its local header and the central directory disagree on whether a data descriptor follows the data';
  }
  if (disagreement) {
    throw new Error(
      `${what} is damaged: ${disagreement}. Windows refuses a package whose local headers disagree with its directory; build the package again`,
    );
  }
  return header.fileDataStart;
}

/** Refuses an entry no package has: encrypted, or compressed by a method other than deflate. */
function refuseUnreadable(entry: yauzl.Entry, what: string): void {
  if (entry.isEncrypted()) throw new Error(`${what} is encrypted; a package's entries never are`);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new Error(
      `${what} uses compression method ${entry.compressionMethod}; only stored and deflated entries can be read`,
    );
  }
}

/**
 * The bytes of `entry` as a stream, after its local header is checked (checkedDataStart): stored
 * as they are; deflated, inflated to exactly the size its directory entry declares. A deflate
 * stream may end without a final block, which Windows reads (it inflates up to the declared size),
 * so the stream is flushed rather than required to finish; a stream giving more or fewer bytes
 * than declared fails with EntrySizeError naming `what`. Throws as refuseUnreadable does.
 */
async function openEntryStream(zip: yauzl.ZipFile, entry: yauzl.Entry, what: string): Promise<Readable> {
  refuseUnreadable(entry, what);
  await checkedDataStart(zip, entry, what);
  const compressed = await new Promise<Readable>((resolve, reject) => {
    const raw = { decompress: entry.compressionMethod === 8 ? false : null, decrypt: null, start: null, end: null };
    zip.openReadStream(entry, raw, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
  if (entry.compressionMethod === 0) return compressed;
  return Readable.from(inflateToDeclared(compressed, entry.uncompressedSize, what), { objectMode: false });
}

async function* inflateToDeclared(compressed: Readable, declared: number, what: string): AsyncGenerator<Buffer> {
  const inflater = zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
  compressed.on('error', (error) => inflater.destroy(error));
  compressed.pipe(inflater);
  let produced = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      produced += chunk.length;
      // Ending here ends the stream: nothing past the declared size is inflated.
      if (produced > declared) throw inflatedPastDeclared(what, declared);
      yield chunk;
    }
  } finally {
    compressed.destroy();
    inflater.destroy();
  }
  if (produced < declared) throw inflatedShortOfDeclared(what, produced, declared);
}

/**
 * The text of a manifest entry, decoded as XML says (./xml-encoding.ts). `what` names the package
 * and the entry. Throws when it is larger than any real manifest, its local header disagrees with
 * its directory entry, it inflates to another size than it declares, or is in an encoding Windows
 * does not read.
 */
export async function readText(zip: yauzl.ZipFile, entry: yauzl.Entry, what: string): Promise<string> {
  if (entry.uncompressedSize > MAX_MANIFEST_BYTES || entry.compressedSize > MAX_MANIFEST_BYTES) {
    throw new Error(
      `${what} is ${entry.uncompressedSize} bytes, larger than any real manifest (${MAX_MANIFEST_BYTES} bytes at most)`,
    );
  }
  const stream = await openEntryStream(zip, entry, what);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw entryStreamError(error, what);
  }
  return decodeXml(Buffer.concat(chunks), what);
}

/** Bytes of a central directory header before its name, extra field and comment. */
const CENTRAL_HEADER_BYTES = 46;
const END_RECORD_BYTES = 22;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_END_RECORD_BYTES = 56;
const END_RECORD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_RECORD_SIGNATURE = 0x06064b50;
/** A 16-bit or 32-bit field of the end record that says "see the Zip64 end record". */
const ZIP64_MARK_16 = 0xffff;
const ZIP64_MARK_32 = 0xffffffff;

/** What a zip's end records say about its central directory (the Zip64 record's values where it has one). */
interface EndRecord {
  /** The record the values come from, for messages. */
  record: 'end-of-central-directory' | 'Zip64 end-of-central-directory';
  offset: number;
  size: number;
  entries: number;
  /** Where the end records start: the central directory ends here. */
  start: number;
}

/** For each open zip, the check of its walked directory against its end records (set by withZip). */
const directoryChecks = new WeakMap<yauzl.ZipFile, (walked: { bytes: number; entries: number }) => void>();

function damaged(label: string, problem: string): Error {
  return new Error(
    `${label} is a damaged zip: ${problem}. Windows refuses such a file (OPC_E_ZIP_CORRUPTED_ARCHIVE); build the package again`,
  );
}

/**
 * The end records of the zip in `source`, read before yauzl opens it.
 * Throws naming `label` when there is no end-of-central-directory record (not a zip), the Zip64
 * locator points past the end or where no Zip64 end record starts, a record counts entries on this
 * disk other than in all, or the end-of-central-directory record gives a value other than the
 * Zip64 record's (or its "see Zip64" mark).
 */
async function readEndRecord(source: ByteSource, label: string): Promise<EndRecord> {
  // A package has no zip comment, so its record is the last 22 bytes; else it is looked for as yauzl does.
  const near = Math.min(source.size, END_RECORD_BYTES + ZIP64_LOCATOR_BYTES);
  let tail = await source.read(source.size - near, source.size);
  let at = tail.length - END_RECORD_BYTES;
  if (at < 0 || tail.readUInt32LE(at) !== END_RECORD_SIGNATURE || tail.readUInt16LE(at + 20) !== 0) {
    const far = Math.min(source.size, END_RECORD_BYTES + ZIP64_MARK_16 + ZIP64_LOCATOR_BYTES);
    tail = await source.read(source.size - far, source.size);
    at = tail.length - END_RECORD_BYTES;
    while (at >= 0 && tail.readUInt32LE(at) !== END_RECORD_SIGNATURE) at--;
    if (at < 0) throw new Error(`${label} is not a zip file (it has no end-of-central-directory record)`);
  }
  const tailStart = source.size - tail.length;
  const plain = {
    diskEntries: tail.readUInt16LE(at + 8),
    entries: tail.readUInt16LE(at + 10),
    size: tail.readUInt32LE(at + 12),
    offset: tail.readUInt32LE(at + 16),
  };
  const locator = at - ZIP64_LOCATOR_BYTES;
  if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) {
    if (plain.diskEntries !== plain.entries) {
      throw damaged(
        label,
        `its end-of-central-directory record counts ${plain.diskEntries} entries on this disk but ${plain.entries} in all`,
      );
    }
    return { record: 'end-of-central-directory', ...plain, start: tailStart + at };
  }
  const pointedTo = tail.readBigUInt64LE(locator + 8);
  if (pointedTo + BigInt(ZIP64_END_RECORD_BYTES) > BigInt(source.size)) {
    throw damaged(
      label,
      `its Zip64 end-of-central-directory locator points to byte ${pointedTo}, past the end of the file (${source.size} bytes)`,
    );
  }
  const recordAt = Number(pointedTo);
  const record = await source.read(recordAt, recordAt + ZIP64_END_RECORD_BYTES);
  if (record.readUInt32LE(0) !== ZIP64_END_RECORD_SIGNATURE) {
    throw damaged(
      label,
      `its Zip64 end-of-central-directory locator points to byte ${recordAt}, where no Zip64 end-of-central-directory record starts`,
    );
  }
  const zip64 = {
    diskEntries: Number(record.readBigUInt64LE(24)),
    entries: Number(record.readBigUInt64LE(32)),
    size: Number(record.readBigUInt64LE(40)),
    offset: Number(record.readBigUInt64LE(48)),
  };
  if (zip64.diskEntries !== zip64.entries) {
    throw damaged(
      label,
      `its Zip64 end-of-central-directory record counts ${zip64.diskEntries} entries on this disk but ${zip64.entries} in all`,
    );
  }
  const fields = [
    ['entries on this disk', plain.diskEntries, zip64.diskEntries, ZIP64_MARK_16],
    ['entries', plain.entries, zip64.entries, ZIP64_MARK_16],
    ['directory size', plain.size, zip64.size, ZIP64_MARK_32],
    ['directory offset', plain.offset, zip64.offset, ZIP64_MARK_32],
  ] as const;
  for (const [field, value, zip64Value, mark] of fields) {
    if (value !== mark && value !== zip64Value) {
      throw damaged(
        label,
        `its end-of-central-directory record gives the ${field} as ${value}, its Zip64 end record as ${zip64Value}`,
      );
    }
  }
  return { record: 'Zip64 end-of-central-directory', ...zip64, start: recordAt };
}

/**
 * Throws naming `label` when the central directory walked (its bytes and entries, from `end.offset`)
 * is not the size `end` gives, or does not end where the end records start (bytes hidden between,
 * or a directory running into them).
 */
function checkDirectory(end: EndRecord, walked: { bytes: number; entries: number }, label: string): void {
  if (walked.bytes !== end.size) {
    throw damaged(
      label,
      `its ${end.record} record says the central directory is ${end.size} bytes, but the directory it points to is ` +
        `${walked.bytes} bytes (${walked.entries} entries)`,
    );
  }
  if (end.offset + walked.bytes !== end.start) {
    throw damaged(
      label,
      `its central directory ends at byte ${end.offset + walked.bytes}, but its ${end.record} record starts at byte ${end.start}`,
    );
  }
}
