/** The zip writer, read back by an independent reader (yauzl). */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import {
  fileReader,
  writeZip,
  zipLayout,
  zipSize,
  type EntryReader,
  type ZipInput,
  type ZipSink,
} from '../../../src/upload/zip.js';
import { zipEntryNameProblem } from '../../../src/zip-name.js';
import { BufferSink } from '../../../test/support/buffer-sink.js';
import { listZipEntries } from '../../../src/upload/zipinfo.js';

function bytesInput(name: string, data: Buffer): ZipInput {
  return {
    name,
    size: data.length,
    open: async (): Promise<EntryReader> => {
      let at = 0;
      return {
        read: async (into) => {
          const n = data.copy(into, 0, at, Math.min(data.length, at + into.length));
          at += n;
          return n;
        },
        close: async () => undefined,
      };
    },
  };
}

/** `size` zero bytes, made on demand (nothing on disk, nothing held in memory). */
function zerosInput(name: string, size: number): ZipInput {
  return {
    name,
    size,
    open: async () => {
      let left = size;
      return {
        read: async (into) => {
          const n = Math.min(left, into.length);
          into.fill(0, 0, n);
          left -= n;
          return n;
        },
        close: async () => undefined,
      };
    },
  };
}

interface ReadEntry {
  name: string;
  size: number;
  crc: number;
  data: Buffer;
  generalPurposeBitFlag: number;
  compressionMethod: number;
  localHeaderOffset: number;
}

function readEntries(zip: yauzl.ZipFile, keepData = true): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    const out: ReadEntry[] = [];
    zip.on('error', reject);
    zip.on('end', () => resolve(out));
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        let crc = 0;
        stream.on('data', (chunk: Buffer) => {
          crc = zlib.crc32(chunk, crc);
          if (keepData) chunks.push(chunk);
        });
        stream.on('error', reject);
        stream.on('end', () => {
          if (crc !== entry.crc32)
            return reject(new Error(`CRC of ${entry.fileName}: data ${crc}, directory ${entry.crc32}`));
          out.push({
            name: entry.fileName,
            size: entry.uncompressedSize,
            crc: entry.crc32,
            data: Buffer.concat(chunks),
            generalPurposeBitFlag: entry.generalPurposeBitFlag,
            compressionMethod: entry.compressionMethod,
            localHeaderOffset: entry.relativeOffsetOfLocalHeader,
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

function openBuffer(zip: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (e, z) =>
      e ? reject(e) : resolve(z),
    ),
  );
}

async function zipOf(inputs: ZipInput[]): Promise<Buffer> {
  const sink = new BufferSink();
  await writeZip(inputs, sink);
  return sink.toBuffer();
}

describe('writeZip', () => {
  it('writes stored entries with subfolders, complete local headers and CRCs a reader accepts', async () => {
    const files = [
      { name: 'MyApp_1.0.0.0_x64.msixupload', data: randomBytes(300_000) },
      { name: 'en-us/Screenshot_1.png', data: randomBytes(5000) },
      { name: 'en-us/trailers/Trailer 1.mp4', data: randomBytes(70_000) },
      { name: 'de-de/Überblick.png', data: randomBytes(10) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];
    const zip = await zipOf(files.map((f) => bytesInput(f.name, f.data)));
    expect(zip.length).toBe(zipSize(files.map((f) => ({ name: f.name, size: f.data.length }))));
    const entries = await readEntries(await openBuffer(zip));
    expect(entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
    for (const [i, entry] of entries.entries()) {
      const file = files[i]!;
      expect(entry.compressionMethod).toBe(0);
      expect(entry.data.equals(file.data)).toBe(true);
      expect(entry.crc).toBe(zlib.crc32(file.data));
      // No data descriptor: the local header itself carries the CRC and both sizes.
      expect(entry.generalPurposeBitFlag & 0x0008).toBe(0);
      const at = entry.localHeaderOffset;
      expect(zip.readUInt32LE(at)).toBe(0x04034b50);
      expect(zip.readUInt16LE(at + 6) & 0x0008).toBe(0);
      expect(zip.readUInt32LE(at + 14)).toBe(zlib.crc32(file.data));
      expect(zip.readUInt32LE(at + 18)).toBe(file.data.length);
      expect(zip.readUInt32LE(at + 22)).toBe(file.data.length);
    }
  });

  it('reads files from disk, and the zip lists back through listZipEntries', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zip-test-'));
    try {
      const a = randomBytes(123_456);
      await writeFile(path.join(dir, 'a.msix'), a);
      const zip = await zipOf([{ name: 'pkg/a.msix', size: a.length, open: fileReader(path.join(dir, 'a.msix')) }]);
      await writeFile(path.join(dir, 'out.zip'), zip);
      expect(await listZipEntries(path.join(dir, 'out.zip'))).toEqual([{ name: 'pkg/a.msix', size: a.length }]);
      const [entry] = await readEntries(await openBuffer(zip));
      expect(entry?.data.equals(a)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails when a file is shorter or longer than its declared size', async () => {
    const short: ZipInput = { ...bytesInput('a.bin', Buffer.alloc(10)), size: 11 };
    await expect(zipOf([short])).rejects.toThrow(/'a\.bin' ended after 10 of 11 bytes/);
    const long: ZipInput = { ...bytesInput('a.bin', Buffer.alloc(10)), size: 9 };
    await expect(zipOf([long])).rejects.toThrow(/'a\.bin' is larger than the 9 bytes/);
  });

  it('rejects names a zip or the Store cannot take', () => {
    expect(zipEntryNameProblem('en-us/a.png')).toBeUndefined();
    for (const bad of ['', 'a\\b.png', '/abs.png', 'dir/', 'a/../b', './a', 'a//b', 'C:/x.png']) {
      expect(zipEntryNameProblem(bad)).toBeDefined();
    }
    expect(() =>
      zipLayout([
        { name: 'A.png', size: 1 },
        { name: 'a.png', size: 1 },
      ]),
    ).toThrow(/appears twice/);
    expect(() => zipLayout([{ name: 'a.png', size: -1 }])).toThrow(/invalid size/);
  });

  it('switches to Zip64 end records above 65534 entries', async () => {
    const count = 70_000;
    const inputs = Array.from({ length: count }, (_, i) => bytesInput(`f/${i}.txt`, Buffer.from([i & 0xff])));
    const zip = await zipOf(inputs);
    expect(zip.length).toBe(zipSize(inputs.map((i) => ({ name: i.name, size: i.size }))));
    expect(zip.readUInt16LE(zip.length - 22 + 10)).toBe(0xffff);
    const entries = await readEntries(await openBuffer(zip));
    expect(entries).toHaveLength(count);
    expect(entries[69_999]).toMatchObject({ name: 'f/69999.txt', size: 1 });
    expect(entries[69_999]?.data[0]).toBe(69_999 & 0xff);
  }, 120_000);
});

/**
 * A sink for zips larger than memory: runs of zero bytes are kept as lengths, everything else
 * (headers, small entries, the central directory) as bytes. A yauzl reader reads it back.
 */
class SparseSink implements ZipSink {
  readonly parts: { offset: number; length: number; data?: Buffer }[] = [];
  length = 0;
  private readonly scratch = Buffer.alloc(1 << 20);
  private readonly zeros = Buffer.alloc(1 << 20);
  private header: Buffer | undefined;

  async beginEntry(header: Buffer): Promise<void> {
    this.header = Buffer.from(header);
    this.append(this.header);
  }
  async reserve(max: number): Promise<Buffer> {
    return this.scratch.subarray(0, Math.min(max, this.scratch.length));
  }
  commit(length: number): void {
    const chunk = this.scratch.subarray(0, length);
    if (chunk.equals(this.zeros.subarray(0, length))) {
      const last = this.parts[this.parts.length - 1];
      if (last && !last.data) last.length += length;
      else this.parts.push({ offset: this.length, length });
      this.length += length;
    } else {
      this.append(Buffer.from(chunk));
    }
  }
  async endEntry(header: Buffer): Promise<void> {
    header.copy(this.header!);
  }
  async write(bytes: Buffer): Promise<void> {
    this.append(Buffer.from(bytes));
  }
  private append(data: Buffer): void {
    this.parts.push({ offset: this.length, length: data.length, data });
    this.length += data.length;
  }
  /** Bytes [start, end) as a stream of chunks, zero runs as a shared zero buffer. */
  range(start: number, end: number): Readable {
    const parts = this.parts;
    const zeros = this.zeros;
    return Readable.from(
      (function* () {
        for (const part of parts) {
          const from = Math.max(start, part.offset);
          const to = Math.min(end, part.offset + part.length);
          if (from >= to) continue;
          if (part.data) {
            yield part.data.subarray(from - part.offset, to - part.offset);
            continue;
          }
          for (let p = from; p < to; p += zeros.length) yield zeros.subarray(0, Math.min(zeros.length, to - p));
        }
      })(),
      { objectMode: false },
    );
  }
}

class SparseReader extends yauzl.RandomAccessReader {
  constructor(private readonly sink: SparseSink) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return this.sink.range(start, end);
  }
}

describe('Zip64 entries', () => {
  it('writes an entry over 4 GiB (zeros made lazily) and the entries after it, readable by yauzl', async () => {
    const big = 4 * 1024 ** 3 + 4099;
    const small = randomBytes(1000);
    const inputs = [
      bytesInput('first.png', small),
      zerosInput('huge.msixupload', big),
      bytesInput('after/4GiB.png', small),
    ];
    const sink = new SparseSink();
    const crcs = await writeZip(inputs, sink);
    const expectedSize = zipSize(inputs.map((i) => ({ name: i.name, size: i.size })));
    expect(sink.length).toBe(expectedSize);

    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(
        new SparseReader(sink),
        sink.length,
        { lazyEntries: true, validateEntrySizes: true },
        (e, z) => (e ? reject(e) : resolve(z)),
      ),
    );
    const entries = await readEntries(zip, false);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['first.png', 1000],
      ['huge.msixupload', big],
      ['after/4GiB.png', 1000],
    ]);
    expect(entries.map((e) => e.crc)).toEqual(crcs);
    // The third local header starts beyond 4 GiB: its offset is in the Zip64 extra field.
    expect(entries[2]!.localHeaderOffset).toBeGreaterThan(0xffffffff);
    expect(entries[2]!.crc).toBe(zlib.crc32(small));
    // The huge entry's local header carries the Zip64 sizes and the real CRC.
    const header = sink.parts.find((p) => p.offset === entries[1]!.localHeaderOffset)!.data!;
    expect(header.readUInt32LE(18)).toBe(0xffffffff);
    expect(Number(header.readBigUInt64LE(30 + 'huge.msixupload'.length + 4))).toBe(big);
    expect(header.readUInt32LE(14)).toBe(crcs[1]);
  }, 120_000);
});
