/**
 * The upload to the Store's `fileUploadUrl`: one pass from disk to blob. Files are read into a
 * streaming stored-entry zip writer whose output is cut into blocks staged in parallel on the
 * block blob, then the block list is committed. No temporary zip; memory is a fixed pool of
 * buffers (`memoryBytes`, 24 MiB by default) whatever the package size. How many blocks are in
 * flight, and how large they are, is chosen from the throughput the link gives (`tuning.ts`).
 */
import { open, stat } from 'node:fs/promises';
import { errorMessage } from '../errors.js';
import { urlWithoutQuery } from '../redact.js';
import { openBlockBlob, type BlockTarget } from './block-blob.js';
import { DEFAULT_BLOCK_RETRY, type BlockRetryPolicy } from './block-retry.js';
import { BlockStager, type StagerStats } from './block-stager.js';
import { UploadError } from './errors.js';
import { MB, megabytes, ProgressReporter, type ProgressOptions } from './progress.js';
import { MiB, tuningLimits, uploadSettings, type UploadSizing } from './settings.js';
import { maxConcurrencyFor, type TuningState } from './tuning.js';
import { openUploadUrl } from './url.js';
import { fileReader, writeZip, zipLayout, type ZipInput } from './zip.js';

export interface ZipEntrySource {
  /** Path inside the zip, forward slashes (e.g. `en-us/Screenshot_1.png`). */
  name: string;
  /** File on disk. */
  path: string;
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

export interface UploadOptions extends ProgressOptions, UploadSizing {
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
    `Uploading ${what} (${megabytes(totalBytes)} MB) to ${urlWithoutQuery(uploadUrl)} with ${mib(limits.poolChunks * limits.chunkSize)} MiB of buffers${tuned}`,
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
    `Uploaded ${megabytes(totalBytes)} MB in ${seconds.toFixed(1)} s (${mbPerSecond.toFixed(1)} MB/s), ${stager.blockCount} blocks; ended with ${describeSetting(setting)}`,
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
