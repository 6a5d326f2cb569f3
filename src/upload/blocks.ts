/**
 * Cuts a byte stream into blocks staged in parallel on one block blob, then commits the block
 * list. A pipeline: the writer fills blocks from a fixed pool of reused buffers ("chunks") while
 * other blocks are in flight, so reading the files and sending never wait for each other as long
 * as a chunk is free. Memory is the pool (`chunkSize * poolChunks`) whatever the blob size.
 *
 * Concurrency and block size come from `tuning.ts`: the stager measures each round of completed
 * blocks and applies the next setting to blocks opened from then on.
 *
 * It is also a `ZipSink`: an entry that fits in the rest of the open block has its local header
 * patched in that block before the block is sealed; the local header of a larger entry becomes a
 * block of its own, staged only once the entry's CRC is known (block order is the block list's
 * order, not staging order), so every local header is complete and each block is staged once.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import { DEFAULT_RETRY_POLICY, TransientFailure, retrying, type RetryPolicy } from '../retry.js';
import type { BlockTarget } from './blob.js';
import { errorCodeOf, httpStatusOf, scrub, uploadError } from './errors.js';
import { initialTuning, nextTuning, type TuningLimits, type TuningState } from './tuning.js';
import type { ZipSink } from './zip.js';

/**
 * Completed blocks a throughput round counts: as many as are in flight (every slot turns over once,
 * about one block's time on the link), at least 4 (fewer would be noise). Blocks launched together
 * complete together, in waves: half as many, as this once was, often fell inside one wave and read
 * 205-370 MiB/s on the bench's 96 MiB/s link, or across a gap and read too little; the search then
 * settled on 8 blocks of 3 MiB, and 1 GiB took 12.8 s instead of 11.1 s.
 */
function roundBlocks(concurrency: number): number {
  return Math.max(4, concurrency);
}

/** Azure's limit on committed blocks per blob. */
export const MAX_BLOCKS = 50_000;

/** Per-block retries: the shared policy, capped lower (a block is cheap to send again), plus a per-attempt time limit. */
export interface BlockRetryPolicy extends RetryPolicy {
  /** Abort and retry an attempt that takes longer than this. */
  attemptTimeoutMs: number;
}

export const DEFAULT_BLOCK_RETRY: BlockRetryPolicy = {
  ...DEFAULT_RETRY_POLICY,
  maxAttempts: 6,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 5 * 60_000,
};

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

/** 408, 429 and 5xx answers, resets, timeouts and other network failures are worth another try. */
export function isTransient(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  const code = errorCodeOf(error);
  if (code && TRANSIENT_CODES.has(code)) return true;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return true;
  const message = error instanceof Error ? error.message : '';
  return /socket hang up|ECONNRESET|EPIPE|ETIMEDOUT|other side closed|network/i.test(message);
}

export interface BlockStagerOptions {
  /** The frame the concurrency / block size search moves in (pool size, chunk size, bounds). */
  limits: TuningLimits;
  retry: BlockRetryPolicy;
  logger?: Logger;
  /** Called after each block is staged, with its length in bytes. */
  onStaged?: (bytes: number) => void;
  /** Called when the tuning search changes the setting (for logs and tests). */
  onTuning?: (state: TuningState) => void;
  /** Aborts the whole upload: no new attempt starts, attempts in flight are cancelled. */
  signal?: AbortSignal;
  /** Milliseconds clock for throughput rounds; default `performance.now`. */
  now?: () => number;
}

/** Counters of the stager, for logs and tests. */
export interface StagerStats {
  /** Pool chunks allocated so far (never more than `limits.poolChunks`). */
  allocatedChunks: number;
  /** Times a chunk was handed to the writer (more than `allocatedChunks` once chunks are reused). */
  chunkTakes: number;
  /** Most bytes of pool chunks held by blocks at once (open, waiting or in flight). */
  peakPoolBytes: number;
  /** Most stage requests in flight at once. */
  peakInFlight: number;
  /** Stage attempts sent, retries included. */
  stageAttempts: number;
}

/** A block of the list: its place, its bytes (pool chunks, or a header buffer of its own). */
interface Block {
  readonly index: number;
  readonly chunks: Buffer[];
  /** Bytes used in this block. */
  length: number;
  /** Bytes this block is meant to hold before it is sealed. */
  readonly target: number;
  /** Bytes used in its last chunk. */
  lastUsed: number;
  /** Made of pool chunks (not a local header block of its own). */
  readonly pooled: boolean;
  /** Tuning generation it was launched in (-1 before). */
  generation: number;
}

type PendingHeader = { kind: 'open'; block: Block; offset: number } | { kind: 'own'; index: number };

export class BlockStager implements ZipSink {
  private readonly ids: string[] = [];
  private readonly free: Buffer[] = [];
  private readonly ready: Block[] = [];
  private current: Block | undefined;
  private pending: PendingHeader | undefined;
  private inFlight = 0;
  /** Pool chunks held by blocks in flight. */
  private inFlightChunks = 0;
  private failure: unknown;
  private closed = false;
  private waiters: (() => void)[] = [];
  private heldChunks = 0;
  private readonly now: () => number;
  private tuning: TuningState;
  private generation = 0;
  private round: { start: number | undefined; bytes: number; blocks: number } = {
    start: undefined,
    bytes: 0,
    blocks: 0,
  };
  readonly stats: StagerStats = {
    allocatedChunks: 0,
    chunkTakes: 0,
    peakPoolBytes: 0,
    peakInFlight: 0,
    stageAttempts: 0,
  };

  constructor(
    private readonly client: BlockTarget,
    /** The URL as given, for messages (only its path is ever shown). */
    private readonly url: string,
    private readonly options: BlockStagerOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.tuning = initialTuning(options.limits);
    const limits = options.limits;
    const largest = limits.fixedBlockSize ?? limits.maxBlockSize;
    if (limits.poolChunks < Math.ceil(largest / limits.chunkSize) * (1 + limits.spareBlocks)) {
      throw new Error(
        `a pool of ${limits.poolChunks} chunks of ${limits.chunkSize} bytes cannot hold ${1 + limits.spareBlocks} blocks of ${largest} bytes`,
      );
    }
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => {
        this.failure ??= abortReason(signal);
        this.wake();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  }

  /** Blocks in the list so far. */
  get blockCount(): number {
    return this.ids.length;
  }

  /** The current concurrency / block size setting. */
  get setting(): TuningState {
    return this.tuning;
  }

  async beginEntry(header: Buffer, dataSize: number): Promise<void> {
    this.throwIfFailed();
    if (this.current && this.current.length === this.current.target) this.seal();
    const room = this.current ? this.current.target - this.current.length : this.tuning.blockSize;
    if (header.length + dataSize <= room) {
      const block = this.current ?? this.open();
      const offset = block.length;
      await this.write(header);
      this.pending = { kind: 'open', block, offset };
      return;
    }
    if (this.current && this.current.length > 0) this.seal();
    this.pending = { kind: 'own', index: this.nextIndex() };
  }

  async endEntry(header: Buffer): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) throw new Error('endEntry without beginEntry');
    if (pending.kind === 'open') {
      if (this.current !== pending.block) throw new Error('block sealed before its local header was completed');
      copyInto(pending.block, pending.offset, header);
      return;
    }
    this.throwIfFailed();
    this.ready.push({
      index: pending.index,
      chunks: [Buffer.from(header)],
      length: header.length,
      target: header.length,
      lastUsed: header.length,
      pooled: false,
      generation: -1,
    });
    this.pump();
  }

  async reserve(max: number): Promise<Buffer> {
    this.throwIfFailed();
    let block = this.current;
    if (block && block.length === block.target) {
      this.seal();
      block = undefined;
    }
    block ??= this.open();
    const chunkSize = this.options.limits.chunkSize;
    let last = block.chunks.at(-1);
    if (!last || block.lastUsed === chunkSize) {
      last = await this.takeChunk();
      block.chunks.push(last);
      block.lastUsed = 0;
    }
    const end = Math.min(chunkSize, block.lastUsed + (block.target - block.length), block.lastUsed + max);
    return last.subarray(block.lastUsed, end);
  }

  commit(length: number): void {
    const block = this.current;
    if (!block) throw new Error('commit without reserve');
    block.length += length;
    block.lastUsed += length;
  }

  async write(bytes: Buffer): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const region = await this.reserve(bytes.length - done);
      const n = bytes.copy(region, 0, done, done + region.length);
      this.commit(n);
      done += n;
    }
  }

  /** Stages what is left, waits for every block, then commits the block list. */
  async finish(contentType: string): Promise<void> {
    this.throwIfFailed();
    if (this.pending) throw new Error('finish with an entry still open');
    if (this.current && this.current.length > 0) this.seal();
    while (this.inFlight > 0 || this.ready.length > 0) {
      this.throwIfFailed();
      await this.change();
    }
    this.throwIfFailed();
    if (this.ids.length > MAX_BLOCKS) {
      throw new Error(
        `the upload needs ${this.ids.length} blocks, more than Azure's ${MAX_BLOCKS}: raise the block size`,
      );
    }
    try {
      await this.withRetries('Committing the block list of', (signal) =>
        this.client.commitBlockList(this.ids, contentType, signal),
      );
    } catch (error) {
      throw uploadError('Committing the block list of the upload to', this.url, error);
    }
  }

  /** After a failure elsewhere: starts nothing more and waits for the blocks in flight, so no request outlives the upload. */
  async abandon(): Promise<void> {
    this.closed = true;
    this.ready.length = 0;
    while (this.inFlight > 0) await this.change();
  }

  /** Opens the next block of the list, sized by the current setting. */
  private open(): Block {
    const block: Block = {
      index: this.nextIndex(),
      chunks: [],
      length: 0,
      target: this.tuning.blockSize,
      lastUsed: 0,
      pooled: true,
      generation: -1,
    };
    this.current = block;
    return block;
  }

  private seal(): void {
    const block = this.current;
    if (!block) return;
    this.current = undefined;
    this.ready.push(block);
    this.pump();
  }

  /**
   * Starts waiting blocks while fewer than the setting's concurrency are in flight and the chunks
   * in flight stay within concurrency x block size (blocks opened before a change may be larger:
   * they must not take the chunks the writer needs to fill the next blocks).
   */
  private pump(): void {
    const budget = this.tuning.concurrency * Math.ceil(this.tuning.blockSize / this.options.limits.chunkSize);
    while (!this.closed && this.failure === undefined && this.inFlight < this.tuning.concurrency) {
      const block = this.ready[0];
      if (!block) return;
      if (block.pooled && this.inFlight > 0 && this.inFlightChunks + block.chunks.length > budget) return;
      this.ready.shift();
      this.launch(block);
    }
  }

  private launch(block: Block): void {
    this.inFlight++;
    const chunks = block.chunks.length;
    const pooled = block.pooled;
    block.generation = this.generation;
    if (pooled) this.inFlightChunks += chunks;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.inFlight);
    const settle = (): void => {
      this.inFlight--;
      if (pooled) {
        this.inFlightChunks -= chunks;
        this.release(block);
      }
    };
    this.stage(block).then(
      () => {
        settle();
        try {
          this.options.onStaged?.(block.length);
          this.measure(block, pooled);
        } catch (error) {
          this.failure ??= error;
        }
        this.pump();
        this.wake();
      },
      (error: unknown) => {
        settle();
        this.failure ??= error;
        this.wake();
      },
    );
  }

  /** Counts a completed block toward the round at the current setting; a full round feeds the search. */
  private measure(block: Block, pooled: boolean): void {
    if (this.tuning.settled) return;
    const round = this.round;
    if (round.start === undefined) {
      // A round starts when the first block launched under this setting completes: by then the
      // pipeline runs at the new concurrency, and earlier bytes are not billed to it.
      if (pooled && block.generation === this.generation) round.start = this.now();
      return;
    }
    round.bytes += block.length;
    if (pooled) round.blocks++;
    if (round.blocks < roundBlocks(this.tuning.concurrency)) return;
    const next = nextTuning(this.tuning, { bytes: round.bytes, ms: this.now() - round.start }, this.options.limits);
    this.round = { start: undefined, bytes: 0, blocks: 0 };
    if (next.concurrency !== this.tuning.concurrency || next.blockSize !== this.tuning.blockSize) this.generation++;
    this.tuning = next;
    this.options.onTuning?.(next);
  }

  private async stage(block: Block): Promise<void> {
    const id = this.ids[block.index] ?? '';
    const length = block.length;
    const parts = blockParts(block.chunks, length);
    // Content-MD5: the service checks every block as it arrives; a block damaged on the way is
    // refused (and retried) instead of ending up in the package the Store ingests.
    const hash = createHash('md5');
    for (const part of parts) hash.update(part);
    const md5 = hash.digest();
    const what = `Staging block ${block.index + 1} (${length} bytes) of`;
    try {
      await this.withRetries(what, (signal) => {
        this.stats.stageAttempts++;
        return this.client.stageBlock(id, parts, length, md5, signal);
      });
    } catch (error) {
      throw uploadError(`${what} the upload to`, this.url, error);
    }
  }

  /** One request with retries; every attempt has its own deadline and also ends when the upload is aborted. */
  private async withRetries<T>(what: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const outer = this.options.signal;
    const policy: BlockRetryPolicy = outer
      ? { ...this.options.retry, sleep: (ms) => abortableSleep(ms, outer, this.options.retry.sleep) }
      : this.options.retry;
    return retrying(`${what} the upload`, policy, this.options.logger, async () => {
      if (outer?.aborted) throw abortReason(outer);
      // Another block already failed for good: no point sending this one.
      if (this.failure !== undefined) throw this.failure;
      const deadline = AbortSignal.timeout(this.options.retry.attemptTimeoutMs);
      const signal = outer ? AbortSignal.any([deadline, outer]) : deadline;
      try {
        return await attempt(signal);
      } catch (error) {
        if (outer?.aborted) throw abortReason(outer);
        if (!isTransient(error) || this.failure !== undefined) throw error;
        const status = httpStatusOf(error);
        const reason = deadline.aborted
          ? `no answer within ${formatSeconds(this.options.retry.attemptTimeoutMs)}`
          : status !== undefined
            ? `HTTP ${status}`
            : (errorCodeOf(error) ?? 'network error');
        throw new TransientFailure(`failed (${scrub(reason)})`, undefined, error);
      }
    });
  }

  /** A free pool chunk: reused, or allocated while the pool is below its size. */
  private async takeChunk(): Promise<Buffer> {
    for (;;) {
      this.throwIfFailed();
      let chunk = this.free.pop();
      if (!chunk && this.stats.allocatedChunks < this.options.limits.poolChunks) {
        this.stats.allocatedChunks++;
        chunk = Buffer.allocUnsafeSlow(this.options.limits.chunkSize);
      }
      if (chunk) {
        this.stats.chunkTakes++;
        this.heldChunks++;
        this.stats.peakPoolBytes = Math.max(this.stats.peakPoolBytes, this.heldChunks * this.options.limits.chunkSize);
        return chunk;
      }
      await this.change();
    }
  }

  private release(block: Block): void {
    for (const chunk of block.chunks) this.free.push(chunk);
    this.heldChunks -= block.chunks.length;
    block.chunks.length = 0;
  }

  /** Resolves at the next completion, failure, abort or freed chunk. */
  private change(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Appends the next block ID to the list; returns its index. */
  private nextIndex(): number {
    this.ids.push(Buffer.from(`ss-${String(this.ids.length).padStart(6, '0')}`).toString('base64'));
    return this.ids.length - 1;
  }
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** The used bytes of a block's chunks, in order. */
function blockParts(chunks: readonly Buffer[], length: number): Buffer[] {
  const parts: Buffer[] = [];
  let left = length;
  for (const chunk of chunks) {
    if (left <= 0) break;
    const n = Math.min(chunk.length, left);
    parts.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    left -= n;
  }
  return parts;
}

/** Copies `bytes` into a block at byte `offset`, across chunk boundaries. */
function copyInto(block: Block, offset: number, bytes: Buffer): void {
  let done = 0;
  let position = 0;
  for (const chunk of block.chunks) {
    const end = position + chunk.length;
    if (offset + done < end && done < bytes.length) {
      done += bytes.copy(chunk, offset + done - position, done);
    }
    position = end;
    if (done === bytes.length) return;
  }
  throw new Error('local header outside its block');
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new Error(`the upload was aborted${reason === undefined ? '' : `: ${String(reason)}`}`);
}

/** `sleep`, cut short (rejecting with the abort reason) when `signal` aborts. */
async function abortableSleep(ms: number, signal: AbortSignal, sleep: (ms: number) => Promise<void>): Promise<void> {
  if (signal.aborted) throw abortReason(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
