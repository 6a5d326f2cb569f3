/**
 * The upload to the Store's `fileUploadUrl`: one pass from disk to blob. Files are read into a
 * streaming stored-entry zip writer whose output is cut into blocks staged in parallel on the
 * block blob, then the block list is committed. No temporary zip; memory is a fixed pool of
 * buffers (`memoryBytes`, 32 MiB by default) whatever the package size. How many blocks are in
 * flight, and how large they are, is chosen from the throughput the link gives (`tuning.ts`).
 */
import { open, stat } from 'node:fs/promises';
import { errorMessage } from '../errors.js';
import { formatDuration } from '../format.js';
import type { Logger } from '../log.js';
import { urlWithoutQuery } from '../redact.js';
import { openBlockBlob, type BlockTarget } from './block-blob.js';
import { DEFAULT_BLOCK_RETRY, type BlockRetryPolicy } from './block-retry.js';
import { BlockStager, MAX_BLOCKS, type StagerStats } from './block-stager.js';
import { UploadError } from './errors.js';
import { openUploadUrl } from './url.js';
import { maxConcurrencyFor, type TuningLimits, type TuningState } from './tuning.js';
import { fileReader, writeZip, zipLayout, type ZipInput } from './zip.js';

export interface ZipEntrySource {
  /** Path inside the zip, forward slashes (e.g. `en-us/Screenshot_1.png`). */
  name: string;
  /** File on disk. */
  path: string;
}

export interface UploadProgress {
  /** Bytes of the zip staged so far. */
  bytesSent: number;
  /** Bytes of the whole zip. */
  totalBytes: number;
  /** Milliseconds since the upload started. */
  elapsedMs: number;
}

export interface UploadResult {
  /** Bytes of the blob (the zip). */
  bytes: number;
  seconds: number;
  /** Decimal megabytes (10^6 bytes) per second. */
  mbPerSecond: number;
  /** The zip's entries and their (uncompressed) sizes. */
  entries: { name: string; size: number }[];
  /** The concurrency and block size (bytes) the upload ended with. */
  concurrency: number;
  blockSize: number;
  /** Blocks in the committed list. */
  blocks: number;
  /** Pipeline counters: pool chunks allocated and reused, peak pool bytes, peak requests in flight, attempts. */
  stats: StagerStats;
}

export interface UploadOptions {
  logger?: Logger;
  /** Called after every staged block. */
  onProgress?: (p: UploadProgress) => void;
  /**
   * Bytes per block, fixed. Default: `STORE_SUBMIT_BLOCK_SIZE_MB` MiB when set, else chosen by the
   * tuning search (2 to 16 MiB, shrinking as concurrency grows so the pool holds them).
   */
  blockSize?: number;
  /**
   * Blocks staged at once, fixed. Default: `STORE_SUBMIT_UPLOAD_CONCURRENCY` when set, else chosen by
   * the tuning search (starts at 8, doubles while throughput grows, at most 32).
   */
  concurrency?: number;
  /**
   * Bytes of block buffers (the pool): the memory bound of the upload. Default
   * `STORE_SUBMIT_UPLOAD_MEMORY_MB` MiB when set, else 32 MiB. With a fixed block size and
   * concurrency the pool is whatever they need (block size x (concurrency + 1)).
   */
  memoryBytes?: number;
  /** How often a progress line is logged; default 5000 ms. */
  progressIntervalMs?: number;
  now?: () => Date;
  /** Per-block retries (tests shorten the delays). */
  retry?: Partial<BlockRetryPolicy>;
  /**
   * Aborts the whole upload (e.g. the run's deadline): no new request starts, requests in flight
   * are cancelled, and the upload rejects with the signal's reason.
   */
  signal?: AbortSignal;
  /** The blob calls, for tests; default Put Block / Put Block List through the Azure SDK on the URL (`openBlockBlob`). */
  target?: BlockTarget;
}

const MiB = 1024 * 1024;
/** Pool buffers are 1 MiB: block sizes move in 1 MiB steps and a partly filled block wastes little. */
export const CHUNK_SIZE = MiB;
/**
 * 32 MiB of buffers keeps the action's peak RSS under 150 MB and still fills a link of 12 MiB/s
 * per connection and 96 MiB/s in all with 15 blocks of 2 MiB in flight (docs/performance.md).
 */
export const DEFAULT_MEMORY_BYTES = 32 * MiB;
export const MIN_TUNED_BLOCK_SIZE = 2 * MiB;
export const MAX_TUNED_BLOCK_SIZE = 16 * MiB;
export const MAX_TUNED_CONCURRENCY = 32;
/**
 * Blocks being filled while the others are in flight: one is enough, as filling (disk read and
 * CRC-32) runs faster than sending; the pool lets the writer run further ahead when blocks are small.
 */
export const SPARE_BLOCKS = 1;
export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;
/** Azure's largest block (service versions 2019-12-12 and later). */
const MAX_BLOCK_SIZE = 4000 * MiB;

/** What the caller fixed (block size, concurrency) and the pool budget; undefined means "tuned". */
export interface UploadSettings {
  blockSize: number | undefined;
  concurrency: number | undefined;
  memoryBytes: number;
}

/** Block size, concurrency and pool budget: options, then the environment (for experiments), then defaults. */
export function uploadSettings(options: UploadOptions = {}, env: NodeJS.ProcessEnv = process.env): UploadSettings {
  let blockSize = options.blockSize;
  if (blockSize === undefined && env.STORE_SUBMIT_BLOCK_SIZE_MB) {
    const mb = Number(env.STORE_SUBMIT_BLOCK_SIZE_MB);
    if (!Number.isFinite(mb) || mb <= 0 || mb > 4000) {
      throw new Error(
        `STORE_SUBMIT_BLOCK_SIZE_MB must be a number of MiB in (0, 4000], got '${env.STORE_SUBMIT_BLOCK_SIZE_MB}'`,
      );
    }
    blockSize = Math.round(mb * MiB);
  }
  let concurrency = options.concurrency;
  if (concurrency === undefined && env.STORE_SUBMIT_UPLOAD_CONCURRENCY) {
    const n = Number(env.STORE_SUBMIT_UPLOAD_CONCURRENCY);
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new Error(
        `STORE_SUBMIT_UPLOAD_CONCURRENCY must be an integer from 1 to 64, got '${env.STORE_SUBMIT_UPLOAD_CONCURRENCY}'`,
      );
    }
    concurrency = n;
  }
  let memoryBytes = options.memoryBytes;
  if (memoryBytes === undefined && env.STORE_SUBMIT_UPLOAD_MEMORY_MB) {
    const mb = Number(env.STORE_SUBMIT_UPLOAD_MEMORY_MB);
    if (!Number.isFinite(mb) || mb < 8 || mb > 4096) {
      throw new Error(
        `STORE_SUBMIT_UPLOAD_MEMORY_MB must be a number of MiB from 8 to 4096, got '${env.STORE_SUBMIT_UPLOAD_MEMORY_MB}'`,
      );
    }
    memoryBytes = Math.round(mb * MiB);
  }
  memoryBytes ??= DEFAULT_MEMORY_BYTES;
  if (blockSize !== undefined && (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE)) {
    throw new Error(`Upload block size must be an integer from 1 to ${MAX_BLOCK_SIZE} bytes, got ${blockSize}`);
  }
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new Error(`Upload concurrency must be a positive integer, got ${concurrency}`);
  }
  if (!Number.isInteger(memoryBytes) || memoryBytes < MiB)
    throw new Error(`Upload memory must be an integer of at least ${MiB} bytes, got ${memoryBytes}`);
  return { blockSize, concurrency, memoryBytes };
}

/**
 * The tuning frame for a blob of `totalBytes`: the pool from the settings, blocks no larger than
 * the blob, and large enough that the block list stays under Azure's 50,000 blocks
 * (`extraBlocks`: header and short blocks, up to 2 per entry).
 */
export function tuningLimits(settings: UploadSettings, totalBytes: number, extraBlocks: number): TuningLimits {
  const room = Math.max(1000, MAX_BLOCKS - extraBlocks - 1);
  const floor = Math.ceil(totalBytes / room);
  const roundUp = (n: number, step: number): number => Math.ceil(n / step) * step;
  const fixed =
    settings.blockSize === undefined
      ? undefined
      : Math.max(1, Math.min(Math.max(settings.blockSize, floor), Math.max(totalBytes, 1)));
  const chunkSize = fixed === undefined ? CHUNK_SIZE : Math.min(CHUNK_SIZE, fixed);
  const blob = roundUp(Math.max(totalBytes, 1), chunkSize);
  let poolChunks = Math.floor(settings.memoryBytes / chunkSize);
  const minBlockSize = Math.min(roundUp(Math.max(MIN_TUNED_BLOCK_SIZE, floor), chunkSize), blob);
  const minChunks = Math.ceil((fixed ?? minBlockSize) / chunkSize);
  if (fixed !== undefined && settings.concurrency !== undefined)
    poolChunks = minChunks * (settings.concurrency + SPARE_BLOCKS);
  // Never less than one block in flight and the spare.
  poolChunks = Math.max(poolChunks, minChunks * (1 + SPARE_BLOCKS));
  // The largest block leaves room in the pool for the spare.
  const poolShare = Math.floor(poolChunks / (1 + SPARE_BLOCKS)) * chunkSize;
  const maxBlockSize = Math.max(minBlockSize, Math.min(MAX_TUNED_BLOCK_SIZE, blob, poolShare));
  return {
    chunkSize,
    poolChunks,
    spareBlocks: SPARE_BLOCKS,
    minBlockSize,
    maxBlockSize,
    maxConcurrency: MAX_TUNED_CONCURRENCY,
    ...(fixed !== undefined ? { fixedBlockSize: fixed } : {}),
    ...(settings.concurrency !== undefined ? { fixedConcurrency: settings.concurrency } : {}),
  };
}

const MB = 1e6;
function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

/** Logs percent, MB sent, MB/s and ETA every `intervalMs`, and feeds `onProgress`. */
class ProgressReporter {
  private sent = 0;
  private readonly started: number;
  private lastLog: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly total: number,
    private readonly options: UploadOptions,
    private readonly now: () => Date,
  ) {
    this.started = now().getTime();
    this.lastLog = this.started;
    const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    if (options.logger && interval > 0) {
      // Also when no block completes for a while (slow link, retries): a line shows the upload lives.
      this.timer = setInterval(() => {
        if (this.now().getTime() - this.lastLog >= interval) this.log();
      }, interval);
      this.timer.unref();
    }
  }

  get elapsedMs(): number {
    return this.now().getTime() - this.started;
  }

  add(bytes: number): void {
    this.sent += bytes;
    const elapsedMs = this.elapsedMs;
    this.options.onProgress?.({ bytesSent: this.sent, totalBytes: this.total, elapsedMs });
    const interval = this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    if (this.sent < this.total && this.now().getTime() - this.lastLog >= interval) this.log();
  }

  private log(): void {
    this.lastLog = this.now().getTime();
    const seconds = this.elapsedMs / 1000;
    const percent = this.total > 0 ? Math.floor((this.sent / this.total) * 100) : 100;
    const rate = seconds > 0 ? this.sent / MB / seconds : 0;
    let line = `Uploading: ${percent}% (${mb(this.sent)} of ${mb(this.total)} MB), ${rate.toFixed(1)} MB/s`;
    if (rate > 0) line += `, about ${formatDuration(Math.ceil((this.total - this.sent) / MB / rate))} left`;
    this.options.logger?.info(line);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

interface Run {
  encodedUrl: string;
  now: () => Date;
  retry: BlockRetryPolicy;
}

function prepare(uploadUrl: string, options: UploadOptions): Run {
  options.signal?.throwIfAborted();
  const now = options.now ?? (() => new Date());
  const encodedUrl = openUploadUrl(uploadUrl, now());
  return {
    encodedUrl,
    now,
    retry: { ...DEFAULT_BLOCK_RETRY, ...options.retry },
  };
}

function mib(bytes: number): string {
  return (bytes / MiB).toFixed(bytes % MiB ? 2 : 0);
}

function describeSetting(state: TuningState): string {
  return `${state.concurrency} block${state.concurrency === 1 ? '' : 's'} of ${mib(state.blockSize)} MiB in flight`;
}

interface Staged {
  seconds: number;
  mbPerSecond: number;
  concurrency: number;
  blockSize: number;
  blocks: number;
  stats: StagerStats;
}

/** Stages `produce`'s bytes on the blob and commits them; shared by both upload forms. */
async function stageAndCommit(
  run: Run,
  uploadUrl: string,
  totalBytes: number,
  extraBlocks: number,
  options: UploadOptions,
  what: string,
  produce: (stager: BlockStager) => Promise<void>,
): Promise<Staged> {
  const limits = tuningLimits(uploadSettings(options), totalBytes, extraBlocks);
  const logger = options.logger;
  const client = options.target ?? (await openBlockBlob(run.encodedUrl));
  const tuned =
    limits.fixedConcurrency === undefined ? `, tuned to the link (up to ${maxConcurrencyFor(limits)} at once)` : '';
  logger?.info(
    `Uploading ${what} (${mb(totalBytes)} MB) to ${urlWithoutQuery(uploadUrl)} with ${mib(limits.poolChunks * limits.chunkSize)} MiB of buffers${tuned}`,
  );
  const progress = new ProgressReporter(totalBytes, options, run.now);
  const stager = new BlockStager(client, uploadUrl, {
    limits,
    retry: run.retry,
    ...(logger ? { logger } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onStaged: (bytes) => progress.add(bytes),
    onTuning: (state) => logger?.debug(`Upload: ${describeSetting(state)}${state.settled ? ' (settled)' : ''}`),
  });
  logger?.debug(`Upload: starting with ${describeSetting(stager.setting)}`);
  try {
    await produce(stager);
    await stager.finish('application/zip');
  } catch (error) {
    await stager.abandon();
    if (options.signal?.aborted) throw options.signal.reason;
    if (error instanceof UploadError) throw error;
    throw new UploadError(`Upload to ${urlWithoutQuery(uploadUrl)} failed: ${errorMessage(error)}`);
  } finally {
    progress.stop();
    if (!options.target) await client.close().catch(() => undefined);
  }
  const seconds = Math.max(progress.elapsedMs, 1) / 1000;
  const mbPerSecond = totalBytes / MB / seconds;
  const setting = stager.setting;
  logger?.info(
    `Uploaded ${mb(totalBytes)} MB in ${seconds.toFixed(1)} s (${mbPerSecond.toFixed(1)} MB/s), ${stager.blockCount} blocks; ended with ${describeSetting(setting)}`,
  );
  return {
    seconds,
    mbPerSecond,
    concurrency: setting.concurrency,
    blockSize: setting.blockSize,
    blocks: stager.blockCount,
    stats: stager.stats,
  };
}

/** Builds the zip of `entries` while uploading it to the blob at `uploadUrl`. */
export async function uploadEntries(
  uploadUrl: string,
  entries: ZipEntrySource[],
  options: UploadOptions = {},
): Promise<UploadResult> {
  const run = prepare(uploadUrl, options);
  if (entries.length === 0) throw new UploadError('Nothing to upload: no files were given for the zip');
  const inputs: ZipInput[] = [];
  for (const entry of entries) {
    let info;
    try {
      info = await stat(entry.path);
    } catch (error) {
      throw new UploadError(`Cannot read '${entry.path}' (zip entry '${entry.name}'): ${errorMessage(error)}`);
    }
    if (!info.isFile()) throw new UploadError(`'${entry.path}' (zip entry '${entry.name}') is not a file`);
    inputs.push({ name: entry.name, size: info.size, mtime: info.mtime, open: fileReader(entry.path) });
  }
  let layout;
  try {
    layout = zipLayout(inputs);
  } catch (error) {
    throw new UploadError(errorMessage(error));
  }
  const files = `${entries.length} file${entries.length === 1 ? '' : 's'} zipped on the fly`;
  const timing = await stageAndCommit(
    run,
    uploadUrl,
    layout.totalSize,
    2 * entries.length,
    options,
    files,
    async (stager) => {
      await writeZip(inputs, stager, layout);
    },
  );
  return { bytes: layout.totalSize, entries: layout.entries.map((e) => ({ name: e.name, size: e.size })), ...timing };
}

/** Uploads a ready-made zip file as it is (the `zip-path` input), same block staging and progress. */
export async function uploadZipFile(
  uploadUrl: string,
  zipPath: string,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const run = prepare(uploadUrl, options);
  let entries: { name: string; size: number }[];
  let size: number;
  try {
    size = (await stat(zipPath)).size;
    // The zip reader loads only when a ready-made zip is uploaded, not on the action's cold start.
    const { listZipEntries } = await import('./zipinfo.js');
    entries = await listZipEntries(zipPath);
  } catch (error) {
    throw new UploadError(`Cannot use '${zipPath}' as the upload zip: ${errorMessage(error)}`);
  }
  const timing = await stageAndCommit(run, uploadUrl, size, 0, options, `'${zipPath}'`, async (stager) => {
    const handle = await open(zipPath, 'r');
    try {
      let remaining = size;
      while (remaining > 0) {
        const region = await stager.reserve(remaining);
        const { bytesRead } = await handle.read(region, 0, region.length, null);
        if (bytesRead === 0) throw new Error(`'${zipPath}' shrank while being uploaded`);
        stager.commit(bytesRead);
        remaining -= bytesRead;
      }
    } finally {
      await handle.close();
    }
  });
  return { bytes: size, entries, ...timing };
}
