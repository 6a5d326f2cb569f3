/**
 * Cuts a byte stream into blocks staged in parallel on one block blob, then commits the block list.
 * A pipeline: the writer fills blocks from the chunk pool while other blocks are in flight, so
 * reading the files and sending never wait for each other as long as a chunk is free.
 *
 * It is also a `ZipSink`: an entry that fits in the rest of the open block has its local header
 * patched in that block before the block is sealed; the local header of a larger entry becomes a
 * block of its own, staged only once the entry's CRC is known (block order is the block list's
 * order, not staging order), so every local header is complete and each block is staged once.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import type { BlockTarget } from './block-blob.js';
import { ChunkPool, blockParts, copyInto, type Block, type PoolStats } from './block-pool.js';
import { sendWithRetries, type BlockRetryPolicy } from './block-retry.js';
import { uploadError } from './errors.js';
import type { TuningLimits, TuningState } from './tuning.js';
import { TuningRounds } from './tuning-rounds.js';
import type { ZipSink } from './zip.js';

/** Azure's limit on committed blocks per blob. */
export const MAX_BLOCKS = 50_000;

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

/** Counters of the stager, for logs and tests: the pool's, plus requests. */
export interface StagerStats extends PoolStats {
  /** Most stage requests in flight at once. */
  peakInFlight: number;
  /** Stage attempts sent, retries included. */
  stageAttempts: number;
}

type PendingHeader = { kind: 'open'; block: Block; offset: number } | { kind: 'own'; index: number };

export class BlockStager implements ZipSink {
  private readonly ids: string[] = [];
  private readonly ready: Block[] = [];
  private readonly pool: ChunkPool;
  private readonly rounds: TuningRounds;
  private current: Block | undefined;
  private pending: PendingHeader | undefined;
  private inFlight = 0;
  /** Pool chunks held by blocks in flight. */
  private inFlightChunks = 0;
  private failure: unknown;
  private closed = false;
  private waiters: (() => void)[] = [];
  private peakInFlight = 0;
  private stageAttempts = 0;

  constructor(
    private readonly client: BlockTarget,
    /** The URL as given, for messages (only its path is ever shown). */
    private readonly url: string,
    private readonly options: BlockStagerOptions,
  ) {
    const limits = options.limits;
    const largest = limits.fixedBlockSize ?? limits.maxBlockSize;
    if (limits.poolChunks < Math.ceil(largest / limits.chunkSize) * (1 + limits.spareBlocks)) {
      throw new Error(
        `a pool of ${limits.poolChunks} chunks of ${limits.chunkSize} bytes cannot hold ${1 + limits.spareBlocks} blocks of ${largest} bytes`,
      );
    }
    this.pool = new ChunkPool(limits.chunkSize, limits.poolChunks);
    this.rounds = new TuningRounds(limits, options.now ?? (() => performance.now()), options.onTuning);
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => {
        this.failure ??= signal.reason;
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
    return this.rounds.setting;
  }

  get stats(): StagerStats {
    return { ...this.pool.stats, peakInFlight: this.peakInFlight, stageAttempts: this.stageAttempts };
  }

  async beginEntry(header: Buffer, dataSize: number): Promise<void> {
    this.throwIfFailed();
    if (this.current && this.current.length === this.current.target) this.seal();
    const room = this.current ? this.current.target - this.current.length : this.setting.blockSize;
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

  /** Stages what is left, waits for every block, then commits the block list with this Content-Type. */
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
      await this.send('Committing the block list of', (signal) =>
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
      target: this.setting.blockSize,
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
    const { concurrency, blockSize } = this.setting;
    const budget = concurrency * Math.ceil(blockSize / this.options.limits.chunkSize);
    while (!this.closed && this.failure === undefined && this.inFlight < concurrency) {
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
    block.generation = this.rounds.generation;
    if (block.pooled) this.inFlightChunks += chunks;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    const settle = (): void => {
      this.inFlight--;
      if (block.pooled) {
        this.inFlightChunks -= chunks;
        this.pool.release(block.chunks);
      }
    };
    this.stage(block).then(
      () => {
        settle();
        try {
          this.options.onStaged?.(block.length);
          this.rounds.completed(block.length, block.pooled, block.generation);
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

  private async stage(block: Block): Promise<void> {
    const id = this.ids[block.index] ?? '';
    const length = block.length;
    const parts = blockParts(block);
    // Content-MD5: the service checks every block as it arrives; a block damaged on the way is
    // refused (and retried) instead of ending up in the package the Store ingests.
    const hash = createHash('md5');
    for (const part of parts) hash.update(part);
    const md5 = hash.digest();
    const what = `Staging block ${block.index + 1} (${length} bytes) of`;
    try {
      await this.send(what, (signal) => {
        this.stageAttempts++;
        return this.client.stageBlock(id, parts, length, md5, signal);
      });
    } catch (error) {
      throw uploadError(`${what} the upload to`, this.url, error);
    }
  }

  /** One blob request with the upload's retries, abort signal and failure. */
  private send(what: string, attempt: (signal: AbortSignal) => Promise<void>): Promise<void> {
    return sendWithRetries(
      `${what} the upload`,
      this.options.retry,
      { logger: this.options.logger, signal: this.options.signal, failure: () => this.failure },
      attempt,
    );
  }

  /** A free pool chunk, waiting for a block to be staged when every chunk is held. */
  private async takeChunk(): Promise<Buffer> {
    for (;;) {
      this.throwIfFailed();
      const chunk = this.pool.take();
      if (chunk) return chunk;
      await this.change();
    }
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
