/**
 * The upload to the Store's `fileUploadUrl`: one pass from disk to blob. Files are read into a
 * streaming stored-entry zip writer whose output is cut into blocks staged in parallel on the
 * block blob, then the block list is committed. No temporary zip; memory is
 * block size x (concurrency + 1) whatever the package size.
 */
import { open, stat } from 'node:fs/promises';
import { AnonymousCredential, BlockBlobClient } from '@azure/storage-blob';
import { errorMessage } from '../errors.js';
import { formatDuration } from '../format.js';
import type { Logger } from '../log.js';
import { urlWithoutQuery } from '../redact.js';
import { BlockStager, DEFAULT_BLOCK_RETRY, MAX_BLOCKS, type BlockRetryPolicy } from './blocks.js';
import { UploadError } from './errors.js';
import { openUploadUrl } from './url.js';
import { fileReader, writeZip, zipLayout, type ZipInput } from './zip.js';

export interface ZipEntrySource {
  /** Path inside the zip, forward slashes (e.g. `en-us/Screenshot_1.png`). */
  name: string;
  /** File on disk. */
  path: string;
}

export interface UploadProgress {
  bytesSent: number;
  totalBytes: number;
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
}

export interface UploadOptions {
  logger?: Logger;
  /** Called after every staged block. */
  onProgress?: (p: UploadProgress) => void;
  /** Bytes per block; default `STORE_SUBMIT_BLOCK_SIZE_MB` MiB, else 12 MiB. */
  blockSize?: number;
  /** Blocks staged at once; default `STORE_SUBMIT_UPLOAD_CONCURRENCY`, else 4. */
  concurrency?: number;
  /** How often a progress line is logged; default 5000 ms. */
  progressIntervalMs?: number;
  now?: () => Date;
  /** Per-block retries (tests shorten the delays). */
  retry?: Partial<BlockRetryPolicy>;
}

const MiB = 1024 * 1024;
/**
 * Measured with `npm run bench` (Azurite on loopback, 2 cores, 256 MiB, Content-MD5 on): 8 MiB x 4
 * ran at 1.38x the time of one `curl -T` PUT, 16 MiB x 2 at 1.31x, 16 MiB x 3 at 1.09-1.28x,
 * 12 MiB x 4 at 1.16x; peak RSS follows block x (concurrency + 1): 115, 123, 136, 132 MB. 12 MiB x 4
 * is the fastest that stays well under 150 MB, and four requests in flight cover the round trips
 * to a real storage account. (Blocks over 4 MiB also get Azure's high-throughput block path.)
 */
export const DEFAULT_BLOCK_SIZE = 12 * MiB;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;
/** Azure's largest block (service versions 2019-12-12 and later). */
const MAX_BLOCK_SIZE = 4000 * MiB;

/** Block size and concurrency: options, then the environment (for experiments), then defaults. */
export function uploadSettings(options: UploadOptions = {}, env: NodeJS.ProcessEnv = process.env): { blockSize: number; concurrency: number } {
  let blockSize = options.blockSize;
  if (blockSize === undefined && env.STORE_SUBMIT_BLOCK_SIZE_MB) {
    const mb = Number(env.STORE_SUBMIT_BLOCK_SIZE_MB);
    if (!Number.isFinite(mb) || mb <= 0 || mb > 4000) {
      throw new Error(`STORE_SUBMIT_BLOCK_SIZE_MB must be a number of MiB in (0, 4000], got '${env.STORE_SUBMIT_BLOCK_SIZE_MB}'`);
    }
    blockSize = Math.round(mb * MiB);
  }
  let concurrency = options.concurrency;
  if (concurrency === undefined && env.STORE_SUBMIT_UPLOAD_CONCURRENCY) {
    const n = Number(env.STORE_SUBMIT_UPLOAD_CONCURRENCY);
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      throw new Error(`STORE_SUBMIT_UPLOAD_CONCURRENCY must be an integer from 1 to 64, got '${env.STORE_SUBMIT_UPLOAD_CONCURRENCY}'`);
    }
    concurrency = n;
  }
  blockSize ??= DEFAULT_BLOCK_SIZE;
  concurrency ??= DEFAULT_CONCURRENCY;
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
    throw new Error(`Upload block size must be an integer from 1 to ${MAX_BLOCK_SIZE} bytes, got ${blockSize}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Upload concurrency must be a positive integer, got ${concurrency}`);
  return { blockSize, concurrency };
}

/**
 * The block size for a blob of `totalBytes`: never more than the blob, and large enough that the
 * block list stays under Azure's 50,000 blocks (`extraBlocks`: header and short blocks, up to 2
 * per entry).
 */
function fitBlockSize(blockSize: number, totalBytes: number, extraBlocks: number): number {
  const room = Math.max(1000, MAX_BLOCKS - extraBlocks - 1);
  let size = blockSize;
  if (Math.ceil(totalBytes / size) > room) size = Math.ceil(totalBytes / room / MiB) * MiB;
  return Math.max(1, Math.min(size, totalBytes));
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

function blobClient(encodedUrl: string): BlockBlobClient {
  // Retries are ours (per block, with jitter, on more statuses than the SDK's 500/503).
  return new BlockBlobClient(encodedUrl, new AnonymousCredential(), {
    retryOptions: { maxTries: 1 },
    keepAliveOptions: { enable: true },
    userAgentOptions: { userAgentPrefix: 'store-submit' },
  });
}

interface Run {
  encodedUrl: string;
  client: BlockBlobClient;
  now: () => Date;
  retry: BlockRetryPolicy;
}

function prepare(uploadUrl: string, options: UploadOptions): Run {
  const now = options.now ?? (() => new Date());
  const encodedUrl = openUploadUrl(uploadUrl, now());
  return {
    encodedUrl,
    client: blobClient(encodedUrl),
    now,
    retry: { ...DEFAULT_BLOCK_RETRY, ...options.retry },
  };
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
): Promise<{ seconds: number; mbPerSecond: number }> {
  const settings = uploadSettings(options);
  const blockSize = fitBlockSize(settings.blockSize, totalBytes, extraBlocks);
  const logger = options.logger;
  logger?.info(
    `Uploading ${what} (${mb(totalBytes)} MB) to ${urlWithoutQuery(uploadUrl)} in ${(blockSize / MiB).toFixed(blockSize % MiB ? 2 : 0)} MiB blocks, ${settings.concurrency} at a time`,
  );
  const progress = new ProgressReporter(totalBytes, options, run.now);
  const stager = new BlockStager(run.client, uploadUrl, {
    blockSize,
    concurrency: settings.concurrency,
    retry: run.retry,
    ...(logger ? { logger } : {}),
    onStaged: (bytes) => progress.add(bytes),
  });
  try {
    await produce(stager);
    await stager.finish('application/zip');
  } catch (error) {
    await stager.abandon();
    if (error instanceof UploadError) throw error;
    throw new UploadError(`Upload to ${urlWithoutQuery(uploadUrl)} failed: ${errorMessage(error)}`);
  } finally {
    progress.stop();
  }
  const seconds = Math.max(progress.elapsedMs, 1) / 1000;
  const mbPerSecond = totalBytes / MB / seconds;
  logger?.info(`Uploaded ${mb(totalBytes)} MB in ${seconds.toFixed(1)} s (${mbPerSecond.toFixed(1)} MB/s), ${stager.blockCount} blocks`);
  return { seconds, mbPerSecond };
}

/** Builds the zip of `entries` while uploading it to the blob at `uploadUrl`. */
export async function uploadEntries(uploadUrl: string, entries: ZipEntrySource[], options: UploadOptions = {}): Promise<UploadResult> {
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
  const timing = await stageAndCommit(run, uploadUrl, layout.totalSize, 2 * entries.length, options, files, async (stager) => {
    await writeZip(inputs, stager, layout);
  });
  return { bytes: layout.totalSize, ...timing, entries: layout.entries.map((e) => ({ name: e.name, size: e.size })) };
}

/** Uploads a ready-made zip file as it is (the `zip-path` input), same block staging and progress. */
export async function uploadZipFile(uploadUrl: string, zipPath: string, options: UploadOptions = {}): Promise<UploadResult> {
  const run = prepare(uploadUrl, options);
  let entries: { name: string; size: number }[];
  let size: number;
  try {
    size = (await stat(zipPath)).size;
    // yauzl loads only when a ready-made zip is uploaded, not on the action's cold start.
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
  return { bytes: size, ...timing, entries };
}
