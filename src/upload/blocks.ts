/**
 * Cuts a byte stream into blocks staged in parallel on one block blob, then commits the block
 * list. Memory is a pool of `concurrency + 1` block buffers, reused, whatever the blob size.
 *
 * It is also a `ZipSink`: an entry that fits in the rest of the current block has its local header
 * patched in that buffer before it is staged; the local header of a larger entry becomes a block
 * of its own, staged only once the entry's CRC is known (block order is the block list's order,
 * not staging order), so every local header is complete and each block is staged exactly once.
 */
import { createHash } from 'node:crypto';
import type { BlockBlobClient } from '@azure/storage-blob';
import type { Logger } from '../log.js';
import { DEFAULT_RETRY_POLICY, TransientFailure, retrying, type RetryPolicy } from '../retry.js';
import { errorCodeOf, httpStatusOf, scrub, uploadError } from './errors.js';
import type { ZipSink } from './zip.js';

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
  blockSize: number;
  concurrency: number;
  retry: BlockRetryPolicy;
  logger?: Logger;
  /** Called after each block is staged, with its length. */
  onStaged?: (bytes: number) => void;

}

type PendingHeader = { kind: 'buffer'; offset: number } | { kind: 'block'; index: number };

export class BlockStager implements ZipSink {
  private readonly ids: string[] = [];
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private current: Buffer | undefined;
  private used = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private pending: PendingHeader | undefined;

  constructor(
    private readonly client: BlockBlobClient,
    /** The URL as given, for messages (only its path is ever shown). */
    private readonly url: string,
    private readonly options: BlockStagerOptions,
  ) {
  }

  /** Blocks in the list so far. */
  get blockCount(): number {
    return this.ids.length;
  }

  async beginEntry(header: Buffer, dataSize: number): Promise<void> {
    this.throwIfFailed();
    const room = this.current ? this.current.length - this.used : 0;
    if (header.length + dataSize <= room && this.current) {
      header.copy(this.current, this.used);
      this.pending = { kind: 'buffer', offset: this.used };
      this.used += header.length;
      return;
    }
    await this.flush();
    this.pending = { kind: 'block', index: this.nextIndex() };
  }

  async endEntry(header: Buffer): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) throw new Error('endEntry without beginEntry');
    if (pending.kind === 'buffer') {
      if (!this.current) throw new Error('block buffer lost before its header was completed');
      header.copy(this.current, pending.offset);
      return;
    }
    await this.slot();
    this.launch(pending.index, Buffer.from(header), undefined);
  }

  async reserve(max: number): Promise<Buffer> {
    this.throwIfFailed();
    if (!this.current || this.used === this.current.length) {
      await this.flush();
      this.current = await this.takeBuffer();
    }
    const end = Math.min(this.current.length, this.used + max);
    return this.current.subarray(this.used, end);
  }

  commit(length: number): void {
    this.used += length;
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
    await this.flush();
    await this.drain();
    this.throwIfFailed();
    if (this.ids.length > MAX_BLOCKS) {
      throw new Error(`the upload needs ${this.ids.length} blocks, more than Azure's ${MAX_BLOCKS}: raise the block size`);
    }
    try {
      await this.withRetries('Committing the block list of', () =>
        this.client.commitBlockList(this.ids, {
          blobHTTPHeaders: { blobContentType: contentType },
          abortSignal: AbortSignal.timeout(this.options.retry.attemptTimeoutMs),
        }),
      );
    } catch (error) {
      throw uploadError('Committing the block list of the upload to', this.url, error);
    }
  }

  /** Waits for staged blocks after a failure elsewhere, so no request outlives the upload. */
  async abandon(): Promise<void> {
    await this.drain();
  }

  private async flush(): Promise<void> {
    if (!this.current || this.used === 0) return;
    const index = this.nextIndex();
    const buffer = this.current;
    const length = this.used;
    this.current = undefined;
    this.used = 0;
    await this.slot();
    this.launch(index, buffer.subarray(0, length), buffer);
  }

  private launch(index: number, body: Buffer, pooled: Buffer | undefined): void {
    const task = this.stage(this.ids[index] ?? '', index, body)
      .then(
        () => this.options.onStaged?.(body.length),
        (error: unknown) => {
          this.failure ??= error;
        },
      )
      .finally(() => {
        this.inFlight.delete(task);
        if (pooled) this.free.push(pooled);
      });
    this.inFlight.add(task);
  }

  private async stage(id: string, index: number, body: Buffer): Promise<void> {
    // Content-MD5: the service checks every block as it arrives; a block damaged on the way is
    // refused (and retried) instead of ending up in the package the Store ingests.
    const md5 = createHash('md5').update(body).digest();
    try {
      await this.withRetries(`Staging block ${index + 1} (${body.length} bytes) of`, () =>
        this.client.stageBlock(id, body, body.length, {
          transactionalContentMD5: md5,
          abortSignal: AbortSignal.timeout(this.options.retry.attemptTimeoutMs),
        }),
      );
    } catch (error) {
      throw uploadError(`Staging block ${index + 1} (${body.length} bytes) of the upload to`, this.url, error);
    }
  }

  private async withRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
    return retrying(`${what} the upload`, this.options.retry, this.options.logger, async () => {
      try {
        return await attempt();
      } catch (error) {
        // Another block already failed for good: no point trying this one again.
        if (!isTransient(error) || this.failure !== undefined) throw error;
        const status = httpStatusOf(error);
        const reason = status !== undefined ? `HTTP ${status}` : (errorCodeOf(error) ?? 'network error');
        throw new TransientFailure(`failed (${scrub(reason)})`, undefined, error);
      }
    });
  }

  /** Waits until fewer than `concurrency` requests are in flight. */
  private async slot(): Promise<void> {
    while (this.inFlight.size >= this.options.concurrency) {
      await Promise.race(this.inFlight);
      this.throwIfFailed();
    }
  }

  /** A free block buffer: reused, or allocated while the pool is below `concurrency + 1`. */
  private async takeBuffer(): Promise<Buffer> {
    for (;;) {
      this.throwIfFailed();
      const buffer = this.free.pop();
      if (buffer) return buffer;
      if (this.allocated < this.options.concurrency + 1) {
        this.allocated++;
        return Buffer.allocUnsafe(this.options.blockSize);
      }
      await Promise.race(this.inFlight);
    }
  }

  private async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
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
