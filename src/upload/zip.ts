/**
 * A thin streaming zip writer for stored (uncompressed) entries, with Zip64.
 *
 * Store uploads hold packages (already zip containers), PNG/JPEG images and videos: deflating
 * them again costs CPU for nothing, so every entry is stored. That makes every size known before
 * the first byte is written: the whole layout (offsets, header sizes, total size) is computed up
 * front, and only the CRC-32 of each entry is learnt while streaming it (`zlib.crc32`, native).
 *
 * Local headers are complete (CRC and sizes, no data descriptor): the writer hands the sink a
 * placeholder header when an entry starts and the final header when its data is done; the sink
 * puts the final bytes in place (patches a buffer, or stages the header's block after the data).
 *
 * Why not a library writer (yazl): its CRC-32 is JavaScript, about ten times slower than the native
 * `zlib.crc32` on the cores the upload shares (figures in docs/performance.md), and a streamed
 * entry gets a data descriptor, so its local header cannot be complete.
 */
import { open, type FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';
import { zipEntryNameProblem } from '../zip-name.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END = 0x06054b50;

const MAX16 = 0xffff;
const MAX32 = 0xffffffff;
/** General purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
const VERSION_STORED = 10;
const VERSION_ZIP64 = 45;
/** Made by: Unix (3), spec 4.5; external attributes carry a regular file, mode 0644. */
const MADE_BY = (3 << 8) | VERSION_ZIP64;
const EXTERNAL_ATTRS = (0o100644 << 16) >>> 0;

const LOCAL_FIXED = 30;
const CENTRAL_FIXED = 46;
const ZIP64_END_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;
const END_SIZE = 22;

/** One entry of the layout: where everything goes, decided before any data is read. */
export interface ZipLayoutEntry {
  readonly name: string;
  readonly nameBytes: Buffer;
  readonly size: number;
  readonly mtime: Date;
  /** Offset of the local header in the zip. */
  readonly offset: number;
  /** Local header length (fixed part + name + Zip64 extra when the size needs it). */
  readonly headerSize: number;
  /** Sizes need Zip64 (>= 4 GiB - 1): local and central headers carry a Zip64 extra field. */
  readonly zip64Size: boolean;
  /** The local header starts at or beyond 4 GiB - 1: the central header carries a Zip64 offset. */
  readonly zip64Offset: boolean;
}

export interface ZipLayout {
  readonly entries: readonly ZipLayoutEntry[];
  readonly centralDirectoryOffset: number;
  readonly centralDirectorySize: number;
  /** Zip64 end of central directory record and locator are written (count, offset or size overflow). */
  readonly zip64End: boolean;
  /** Exact length of the zip in bytes. */
  readonly totalSize: number;
}

/** Computes where every byte of the zip goes. Throws on a bad or duplicate name, or a bad size. */
export function zipLayout(entries: readonly { name: string; size: number; mtime?: Date }[]): ZipLayout {
  const seen = new Map<string, string>();
  const laid: ZipLayoutEntry[] = [];
  let offset = 0;
  for (const entry of entries) {
    const problem = zipEntryNameProblem(entry.name);
    if (problem) throw new Error(`Zip entry name ${problem}`);
    // The Store matches file names without regard to case, as Windows does.
    const key = entry.name.toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) throw new Error(`Zip entry name '${entry.name}' appears twice (also as '${previous}')`);
    seen.set(key, entry.name);
    if (!Number.isSafeInteger(entry.size) || entry.size < 0) {
      throw new Error(`Zip entry '${entry.name}' has an invalid size ${entry.size}`);
    }
    const nameBytes = Buffer.from(entry.name, 'utf8');
    const zip64Size = entry.size >= MAX32;
    const headerSize = LOCAL_FIXED + nameBytes.length + (zip64Size ? 20 : 0);
    laid.push({
      name: entry.name,
      nameBytes,
      size: entry.size,
      mtime: entry.mtime ?? new Date(1980, 0, 1),
      offset,
      headerSize,
      zip64Size,
      zip64Offset: offset >= MAX32,
    });
    offset += headerSize + entry.size;
  }
  const centralDirectoryOffset = offset;
  let centralDirectorySize = 0;
  for (const entry of laid) centralDirectorySize += CENTRAL_FIXED + entry.nameBytes.length + centralExtraSize(entry);
  const zip64End = laid.length >= MAX16 || centralDirectoryOffset >= MAX32 || centralDirectorySize >= MAX32;
  const totalSize =
    centralDirectoryOffset + centralDirectorySize + (zip64End ? ZIP64_END_SIZE + ZIP64_LOCATOR_SIZE : 0) + END_SIZE;
  return { entries: laid, centralDirectoryOffset, centralDirectorySize, zip64End, totalSize };
}

/** The exact size of the zip `uploadEntries` would write for files of these sizes. */
export function zipSize(entries: { name: string; size: number }[]): number {
  return zipLayout(entries).totalSize;
}

function centralExtraSize(entry: ZipLayoutEntry): number {
  const fields = (entry.zip64Size ? 2 : 0) + (entry.zip64Offset ? 1 : 0);
  return fields === 0 ? 0 : 4 + 8 * fields;
}

function versionNeeded(entry: ZipLayoutEntry): number {
  return entry.zip64Size || entry.zip64Offset ? VERSION_ZIP64 : VERSION_STORED;
}

/** MS-DOS date and time (local time, 2 s resolution, 1980..2107). */
function dosDateTime(date: Date): { time: number; date: number } {
  let d = date;
  if (Number.isNaN(d.getTime()) || d.getFullYear() < 1980) d = new Date(1980, 0, 1);
  if (d.getFullYear() > 2107) d = new Date(2107, 11, 31, 23, 59, 58);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** The local header of `entry` with this CRC-32 (0 as a placeholder before the data is read). */
export function localHeader(entry: ZipLayoutEntry, crc: number): Buffer {
  const b = Buffer.alloc(entry.headerSize);
  const { time, date } = dosDateTime(entry.mtime);
  b.writeUInt32LE(LOCAL_HEADER, 0);
  b.writeUInt16LE(versionNeeded(entry), 4);
  b.writeUInt16LE(FLAG_UTF8, 6);
  b.writeUInt16LE(0, 8); // stored
  b.writeUInt16LE(time, 10);
  b.writeUInt16LE(date, 12);
  b.writeUInt32LE(crc >>> 0, 14);
  const size32 = entry.zip64Size ? MAX32 : entry.size;
  b.writeUInt32LE(size32, 18);
  b.writeUInt32LE(size32, 22);
  b.writeUInt16LE(entry.nameBytes.length, 26);
  b.writeUInt16LE(entry.zip64Size ? 20 : 0, 28);
  entry.nameBytes.copy(b, LOCAL_FIXED);
  if (entry.zip64Size) {
    const p = LOCAL_FIXED + entry.nameBytes.length;
    b.writeUInt16LE(0x0001, p);
    b.writeUInt16LE(16, p + 2);
    b.writeBigUInt64LE(BigInt(entry.size), p + 4);
    b.writeBigUInt64LE(BigInt(entry.size), p + 12);
  }
  return b;
}

/** The central directory followed by the end records, for entries with these CRCs. */
export function centralDirectory(layout: ZipLayout, crcs: readonly number[]): Buffer {
  const tail = layout.zip64End ? ZIP64_END_SIZE + ZIP64_LOCATOR_SIZE + END_SIZE : END_SIZE;
  const b = Buffer.alloc(layout.centralDirectorySize + tail);
  let p = 0;
  layout.entries.forEach((entry, i) => {
    const { time, date } = dosDateTime(entry.mtime);
    const extra = centralExtraSize(entry);
    b.writeUInt32LE(CENTRAL_HEADER, p);
    b.writeUInt16LE(MADE_BY, p + 4);
    b.writeUInt16LE(versionNeeded(entry), p + 6);
    b.writeUInt16LE(FLAG_UTF8, p + 8);
    b.writeUInt16LE(0, p + 10);
    b.writeUInt16LE(time, p + 12);
    b.writeUInt16LE(date, p + 14);
    b.writeUInt32LE((crcs[i] ?? 0) >>> 0, p + 16);
    const size32 = entry.zip64Size ? MAX32 : entry.size;
    b.writeUInt32LE(size32, p + 20);
    b.writeUInt32LE(size32, p + 24);
    b.writeUInt16LE(entry.nameBytes.length, p + 28);
    b.writeUInt16LE(extra, p + 30);
    b.writeUInt16LE(0, p + 32); // comment
    b.writeUInt16LE(0, p + 34); // disk
    b.writeUInt16LE(0, p + 36); // internal attributes
    b.writeUInt32LE(EXTERNAL_ATTRS, p + 38);
    b.writeUInt32LE(entry.zip64Offset ? MAX32 : entry.offset, p + 42);
    entry.nameBytes.copy(b, p + CENTRAL_FIXED);
    p += CENTRAL_FIXED + entry.nameBytes.length;
    if (extra > 0) {
      b.writeUInt16LE(0x0001, p);
      b.writeUInt16LE(extra - 4, p + 2);
      p += 4;
      if (entry.zip64Size) {
        b.writeBigUInt64LE(BigInt(entry.size), p);
        b.writeBigUInt64LE(BigInt(entry.size), p + 8);
        p += 16;
      }
      if (entry.zip64Offset) {
        b.writeBigUInt64LE(BigInt(entry.offset), p);
        p += 8;
      }
    }
  });
  const count = layout.entries.length;
  if (layout.zip64End) {
    const recordOffset = layout.centralDirectoryOffset + layout.centralDirectorySize;
    b.writeUInt32LE(ZIP64_END, p);
    b.writeBigUInt64LE(BigInt(ZIP64_END_SIZE - 12), p + 4);
    b.writeUInt16LE(MADE_BY, p + 12);
    b.writeUInt16LE(VERSION_ZIP64, p + 14);
    b.writeUInt32LE(0, p + 16);
    b.writeUInt32LE(0, p + 20);
    b.writeBigUInt64LE(BigInt(count), p + 24);
    b.writeBigUInt64LE(BigInt(count), p + 32);
    b.writeBigUInt64LE(BigInt(layout.centralDirectorySize), p + 40);
    b.writeBigUInt64LE(BigInt(layout.centralDirectoryOffset), p + 48);
    p += ZIP64_END_SIZE;
    b.writeUInt32LE(ZIP64_LOCATOR, p);
    b.writeUInt32LE(0, p + 4);
    b.writeBigUInt64LE(BigInt(recordOffset), p + 8);
    b.writeUInt32LE(1, p + 16);
    p += ZIP64_LOCATOR_SIZE;
  }
  b.writeUInt32LE(END, p);
  b.writeUInt16LE(0, p + 4);
  b.writeUInt16LE(0, p + 6);
  b.writeUInt16LE(Math.min(count, MAX16), p + 8);
  b.writeUInt16LE(Math.min(count, MAX16), p + 10);
  b.writeUInt32LE(Math.min(layout.centralDirectorySize, MAX32), p + 12);
  b.writeUInt32LE(Math.min(layout.centralDirectoryOffset, MAX32), p + 16);
  b.writeUInt16LE(0, p + 20);
  return b;
}

/**
 * Where the zip bytes go. Entry data is read straight into the sink's memory (`reserve` then
 * `commit`), so a block-staging sink gets file bytes without an extra copy.
 */
export interface ZipSink {
  /** A local header with a placeholder CRC; `dataSize` bytes of entry data follow. */
  beginEntry(header: Buffer, dataSize: number): Promise<void>;
  /** A writable region of 1..`max` bytes at the current position. */
  reserve(max: number): Promise<Buffer>;
  /** `length` bytes of the last reserved region were filled. */
  commit(length: number): void;
  /** The final local header (same length) of the entry begun last; its data is complete. */
  endEntry(header: Buffer): Promise<void>;
  /** Appends bytes (the central directory and end records). */
  write(bytes: Buffer): Promise<void>;
}

/** Entry data, read sequentially. */
export interface EntryReader {
  /** Fills `into` from the current position; returns the byte count, 0 at the end. */
  read(into: Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface ZipInput {
  name: string;
  size: number;
  mtime?: Date;
  open(): Promise<EntryReader>;
}

/** A file on disk as a zip input, with the size and time it has now. */
export function fileReader(path: string): () => Promise<EntryReader> {
  return async () => {
    const handle: FileHandle = await open(path, 'r');
    return {
      read: async (into) => (await handle.read(into, 0, into.length, null)).bytesRead,
      close: () => handle.close(),
    };
  };
}

/**
 * Streams the zip of `inputs` into `sink`, reading each input once. Returns the CRC-32 of each
 * entry. Throws when an input yields more or fewer bytes than its declared size.
 */
export async function writeZip(
  inputs: readonly ZipInput[],
  sink: ZipSink,
  layout: ZipLayout = zipLayout(inputs),
): Promise<number[]> {
  const crcs: number[] = [];
  for (const [i, entry] of layout.entries.entries()) {
    const input = inputs[i];
    if (!input) throw new Error('zip layout and inputs differ');
    await sink.beginEntry(localHeader(entry, 0), entry.size);
    const reader = await input.open();
    let crc = 0;
    try {
      let remaining = entry.size;
      while (remaining > 0) {
        const region = await sink.reserve(remaining);
        const n = await reader.read(region);
        if (n === 0) {
          throw new Error(
            `'${entry.name}' ended after ${entry.size - remaining} of ${entry.size} bytes (was it changed while being zipped?)`,
          );
        }
        crc = zlib.crc32(region.subarray(0, n), crc);
        sink.commit(n);
        remaining -= n;
      }
      const probe = Buffer.alloc(1);
      if ((await reader.read(probe)) !== 0) {
        throw new Error(
          `'${entry.name}' is larger than the ${entry.size} bytes it had when the upload started (was it changed while being zipped?)`,
        );
      }
    } finally {
      await reader.close();
    }
    crcs.push(crc);
    await sink.endEntry(localHeader(entry, crc));
  }
  await sink.write(centralDirectory(layout, crcs));
  return crcs;
}
