/**
 * Random access to the bytes of a zip without loading it: a file on disk, a stored entry of a zip
 * (a range of its parent), or a deflated entry (inflated as a stream).
 *
 * Deflate has no random access, so a deflated entry is inflated front to back. While it streams,
 * only a window of the bytes asked for is kept (the zip directory and the manifest sit at the end
 * of a package, so the first pass usually holds everything). A read outside the kept windows
 * continues the stream when it lies ahead, and inflates the entry again from the start only when it
 * lies behind, at most once: a deflated entry is inflated at most twice (once to reach the
 * directory at its end, once to read what the directory names), and never past the size it
 * declares, so the work is bounded by the file whatever its layout. At most two windows of
 * WINDOW_BYTES are held, so memory stays flat whatever the package size; nothing is written to disk.
 */
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { errorMessage } from '../errors.js';
import { throwIfStopped } from '../stop.js';

/** Bytes of inflated data kept per window when a deflated inner package is read. */
export const WINDOW_BYTES = 4 * 1024 * 1024;
/** How many times a deflated entry may be inflated from its start (see the module comment). */
const MAX_INFLATE_PASSES = 2;

/** Bytes touched while reading, to show that a package is not loaded. */
export interface ReadStats {
  /** Bytes read from the file on disk. */
  fileBytes: number;
  /** Bytes produced by inflating deflated inner packages (0 when none was deflated). */
  inflatedBytes: number;
  /** The most inflated bytes held in memory at once. */
  peakBufferedBytes: number;
}

/** State of one readPackage call: its counters, the inflated sources to close, and the run's stop. */
export interface ReadContext {
  stats: ReadStats;
  /** Inflated bytes held now, over all sources. */
  buffered: number;
  inflated: InflatedSource[];
  /** The run's stop signal: checked between entries, packages and inflated chunks. */
  signal: AbortSignal | undefined;
}

/** A zip entry whose data disagrees with the size its directory entry declares; the message names it. */
export class EntrySizeError extends Error {
  override name = 'EntrySizeError';
}

/**
 * The refusal of a zip entry whose stream gives more bytes than the entry declares (`what` names the
 * package and the entry): a damaged or altered file, which Windows refuses too.
 */
export function inflatedPastDeclared(what: string, declared: number): EntrySizeError {
  return new EntrySizeError(
    `${what} inflates to more than the ${declared} bytes its zip entry declares; the file is damaged or was altered. Build the package again`,
  );
}

/**
 * The refusal of a zip entry whose stream ends before the size the entry declares (`what` names the
 * package and the entry): a truncated or damaged file, which Windows refuses too.
 */
export function inflatedShortOfDeclared(what: string, produced: number, declared: number): EntrySizeError {
  return new EntrySizeError(
    `${what} inflates to ${produced} bytes, fewer than the ${declared} its zip entry declares; the file is damaged or was altered. Build the package again`,
  );
}

/** `error` of reading `what`'s stream, named: a size refusal as it is, anything else with `what`. */
export function entryStreamError(error: unknown, what: string): Error {
  if (error instanceof EntrySizeError) return error;
  return new Error(`${what} cannot be inflated: ${errorMessage(error)}`, { cause: error });
}

/** Random access to the bytes of a zip: a file, a range of one, or an inflated entry. */
export interface ByteSource {
  readonly size: number;
  /** Bytes [start, end); rejects when the range is outside the source. */
  read(start: number, end: number): Promise<Buffer>;
}

export class FileSource implements ByteSource {
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
export class SliceSource implements ByteSource {
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
export class InflatedSource implements ByteSource {
  private windows: { start: number; bytes: Buffer }[] = [];
  /** The stream being read; its iterator never ends before `size` bytes (see the constructor), and none is read past them. */
  private cursor:
    | { iterator: AsyncIterator<Buffer, never>; stream: Readable; position: number; pending: Buffer | undefined }
    | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private passes = 0;

  /**
   * `what` names the entry in messages (`App.msixupload > App.msixbundle`); `size` is the size it
   * declares. Each stream `openStream` gives must yield exactly `size` bytes or fail (openEntryStream's
   * do), so a read, never past `size`, meets no early end.
   */
  constructor(
    private readonly openStream: () => Promise<Readable>,
    readonly size: number,
    private readonly context: ReadContext,
    private readonly what: string,
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
    // the end record to the directory), or forward from its start; never back past the stream's
    // position when the range lies ahead of it, which would cost a pass.
    const ahead = this.cursor && this.cursor.position <= start ? this.cursor.position : 0;
    const windowStart = Math.max(ahead, Math.min(start, end - WINDOW_BYTES));
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
      if (this.passes === MAX_INFLATE_PASSES) {
        throw new Error(
          `${this.what} is deflated, and its parts lie in an order that needs more than ${MAX_INFLATE_PASSES} passes through it; ` +
            'store it (no compression) in the upload file, as Visual Studio does',
        );
      }
      this.passes++;
      const stream = await this.openStream();
      this.cursor = {
        iterator: stream[Symbol.asyncIterator]() as AsyncIterator<Buffer, never>,
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
        throwIfStopped(this.context.signal);
        const next = await cursor.iterator.next().catch((error: unknown) => {
          throw entryStreamError(error, this.what);
        });
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
