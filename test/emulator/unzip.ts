/**
 * The emulator's own zip reader, written apart from the action's (which uses yauzl) so that the
 * emulator, like the Store, judges an upload by the zip format and not by the code under test.
 * It reads the end record (and its Zip64 form), the central directory and the local headers, and
 * streams stored and deflated entries, checking each entry's size and CRC-32 as it goes.
 */
import { createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, crc32, createInflateRaw } from 'node:zlib';

const END_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const END_BYTES = 22;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_END_BYTES = 56;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
/** The end record's comment is at most this long, so the record lies in the file's last 64 KiB + 22 bytes. */
const MAX_COMMENT_BYTES = 0xffff;
const STORED = 0;
const DEFLATED = 8;
const UTF8_NAME_FLAG = 0x0800;
const ZIP64_EXTRA_ID = 0x0001;
/** Largest read of entry data at once. */
const CHUNK_BYTES = 1 << 20;

/** One file or folder of a zip, as its central directory describes it. */
export interface ZipEntry {
  /** The name as stored, with `\` turned into `/`. */
  name: string;
  /** 0 stored, 8 deflated (others cannot be read). */
  method: number;
  crc32: number;
  /** Bytes of the entry's data in the zip. */
  compressedSize: number;
  /** Bytes once inflated. */
  size: number;
  /** Offset of the entry's local header from the zip's start. */
  headerOffset: number;
}

/** A zip whose bytes could not be read as one; the message says what is wrong. */
export class ZipFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipFormatError';
  }
}

/** A window [start, start + size) of an open file. */
interface ByteRange {
  handle: FileHandle;
  start: number;
  size: number;
}

async function readAt(range: ByteRange, position: number, length: number): Promise<Buffer> {
  if (position < 0 || position + length > range.size) {
    throw new ZipFormatError(`a read of ${length} bytes at ${position} falls outside the ${range.size}-byte zip`);
  }
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await range.handle.read(buffer, filled, length - filled, range.start + position + filled);
    if (bytesRead === 0) throw new ZipFormatError(`the file ended ${length - filled} bytes early`);
    filled += bytesRead;
  }
  return buffer;
}

/** A 64-bit field as a number (zip sizes stay far below 2^53). */
function uint64(buffer: Buffer, offset: number): number {
  return Number(buffer.readBigUInt64LE(offset));
}

/** Where the central directory is and how many entries it has, from the end record (Zip64 when present). */
async function findDirectory(range: ByteRange): Promise<{ offset: number; size: number; count: number }> {
  if (range.size < END_BYTES) throw new ZipFormatError(`${range.size} bytes is too short for a zip`);
  const tailLength = Math.min(range.size, END_BYTES + MAX_COMMENT_BYTES);
  const tailStart = range.size - tailLength;
  const tail = await readAt(range, tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - END_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) === END_SIGNATURE && i + END_BYTES + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('no end-of-central-directory record');
  const endOffset = tailStart + at;
  let count = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  // The directory must end where the record after it begins: the Zip64 end record when there is one.
  let directoryEnd = endOffset;
  const locatorOffset = endOffset - ZIP64_LOCATOR_BYTES;
  if (locatorOffset >= 0) {
    const locator = await readAt(range, locatorOffset, ZIP64_LOCATOR_BYTES);
    if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
      const zip64Offset = uint64(locator, 8);
      const zip64 = await readAt(range, zip64Offset, ZIP64_END_BYTES);
      if (zip64.readUInt32LE(0) !== ZIP64_END_SIGNATURE) {
        throw new ZipFormatError(`the Zip64 locator points at ${zip64Offset}, where there is no Zip64 end record`);
      }
      count = uint64(zip64, 32);
      size = uint64(zip64, 40);
      offset = uint64(zip64, 48);
      directoryEnd = zip64Offset;
    }
  }
  if (offset + size !== directoryEnd) {
    throw new ZipFormatError(
      `the end record gives a ${size}-byte central directory at ${offset}, but the directory runs to ${directoryEnd}`,
    );
  }
  return { offset, size, count };
}

/** The central directory's entries, with the Zip64 extra field applied. */
function parseDirectory(directory: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + CENTRAL_BYTES > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ZipFormatError(`central directory entry ${index + 1} of ${count} is missing or damaged`);
    }
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const next = at + CENTRAL_BYTES + nameLength + extraLength + commentLength;
    if (next > directory.length) throw new ZipFormatError(`central directory entry ${index + 1} runs past its end`);
    const rawName = directory.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength);
    // Without the UTF-8 flag a name is in the DOS code page; the names packages use are ASCII either way.
    const name = rawName.toString(flags & UTF8_NAME_FLAG ? 'utf8' : 'latin1').replaceAll('\\', '/');
    const entry: ZipEntry = {
      name,
      method: directory.readUInt16LE(at + 10),
      crc32: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      headerOffset: directory.readUInt32LE(at + 42),
    };
    const extra = directory.subarray(at + CENTRAL_BYTES + nameLength, at + CENTRAL_BYTES + nameLength + extraLength);
    for (let field = 0; field + 4 <= extra.length;) {
      const id = extra.readUInt16LE(field);
      const length = extra.readUInt16LE(field + 2);
      if (id === ZIP64_EXTRA_ID) {
        // Only the fields whose 32-bit value is all ones are present, in this order.
        let value = field + 4;
        const take = (): number => {
          if (value + 8 > field + 4 + length) throw new ZipFormatError(`${name}: the Zip64 extra field is too short`);
          const read = uint64(extra, value);
          value += 8;
          return read;
        };
        if (entry.size === 0xffffffff) entry.size = take();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
        if (entry.headerOffset === 0xffffffff) entry.headerOffset = take();
      }
      field += 4 + length;
    }
    entries.push(entry);
    at = next;
  }
  return entries;
}

/** A zip read from a file or from a stored entry of another zip (read in place). */
export class ZipArchive {
  private constructor(
    private readonly range: ByteRange,
    /** Every file and folder, in directory order. */
    readonly entries: readonly ZipEntry[],
    private readonly ownsHandle: boolean,
  ) {}

  /** Opens a zip file. Rejects with ZipFormatError when it is not a readable zip. */
  static async open(file: string): Promise<ZipArchive> {
    const handle = await open(file, 'r');
    try {
      return await ZipArchive.over({ handle, start: 0, size: (await handle.stat()).size }, true);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  private static async over(range: ByteRange, ownsHandle: boolean): Promise<ZipArchive> {
    const directory = await findDirectory(range);
    const entries = parseDirectory(await readAt(range, directory.offset, directory.size), directory.count);
    return new ZipArchive(range, entries, ownsHandle);
  }

  /** Closes the file (a zip nested in place leaves its parent's file open). */
  async close(): Promise<void> {
    if (this.ownsHandle) await this.range.handle.close();
  }

  /** The entry named `name`, compared without case as package readers do; undefined when absent. */
  find(name: string): ZipEntry | undefined {
    const wanted = name.toLowerCase();
    return this.entries.find((entry) => entry.name.toLowerCase() === wanted);
  }

  /** Bytes [start, start + length) of the zip, in chunks of at most 1 MiB. */
  private async *chunks(start: number, length: number): AsyncGenerator<Buffer> {
    for (let done = 0; done < length;) {
      const chunk = await readAt(this.range, start + done, Math.min(CHUNK_BYTES, length - done));
      done += chunk.length;
      yield chunk;
    }
  }

  /** Offset of the entry's data, past its local header. */
  private async dataStart(entry: ZipEntry): Promise<number> {
    const header = await readAt(this.range, entry.headerOffset, LOCAL_BYTES);
    if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
      throw new ZipFormatError(`${entry.name}: no local header at ${entry.headerOffset}`);
    }
    const start = entry.headerOffset + LOCAL_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.range.size) {
      throw new ZipFormatError(`${entry.name}: its ${entry.compressedSize} bytes run past the end of the zip`);
    }
    return start;
  }

  /**
   * The entry's content, inflated, in chunks. The iteration throws ZipFormatError when the method
   * is neither stored nor deflated, or when the content's length or CRC-32 differs from the
   * directory's. Deflate data that stops without a final block is taken as it is, as Windows does.
   */
  async *content(entry: ZipEntry): AsyncGenerator<Buffer> {
    if (entry.method !== STORED && entry.method !== DEFLATED) {
      throw new ZipFormatError(`${entry.name}: compression method ${entry.method} is neither stored nor deflated`);
    }
    const start = await this.dataStart(entry);
    const raw = Readable.from(this.chunks(start, entry.compressedSize));
    let source: Readable = raw;
    if (entry.method === DEFLATED) {
      const inflate = createInflateRaw({ finishFlush: constants.Z_SYNC_FLUSH });
      // pipeline hands a read error on to `inflate`, which the loop below then throws.
      pipeline(raw, inflate).catch(() => undefined);
      source = inflate;
    }
    let size = 0;
    let crc = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        crc = crc32(chunk, crc);
        yield chunk;
      }
    } catch (error) {
      throw new ZipFormatError(`${entry.name}: ${(error as Error).message}`);
    } finally {
      source.destroy();
    }
    if (size !== entry.size) throw new ZipFormatError(`${entry.name}: ${size} bytes, the directory says ${entry.size}`);
    if (crc !== entry.crc32) throw new ZipFormatError(`${entry.name}: its CRC-32 does not match the directory's`);
  }

  /** The entry's whole content; rejects when it would be more than `maxBytes` bytes. */
  async read(entry: ZipEntry, maxBytes: number): Promise<Buffer> {
    if (entry.size > maxBytes) throw new ZipFormatError(`${entry.name} is ${entry.size} bytes, over ${maxBytes}`);
    const chunks: Buffer[] = [];
    for await (const chunk of this.content(entry)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /**
   * The zip held in `entry`: read in place when stored (as bundles and upload files hold their
   * packages), else inflated to `spillFile` first. Close it when done.
   */
  async nested(entry: ZipEntry, spillFile: string): Promise<ZipArchive> {
    if (entry.method === STORED) {
      // Its CRC-32 is checked where the whole upload is hashed (listZipFiles), not again here.
      const start = await this.dataStart(entry);
      return ZipArchive.over(
        { handle: this.range.handle, start: this.range.start + start, size: entry.compressedSize },
        false,
      );
    }
    await pipeline(Readable.from(this.content(entry)), createWriteStream(spillFile));
    return ZipArchive.open(spillFile);
  }
}
