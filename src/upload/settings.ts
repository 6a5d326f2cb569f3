/**
 * How large the upload's blocks and buffer pool are: what the caller fixed, the environment's
 * overrides for experiments, the defaults, and the frame the tuning search moves in.
 */
import { MAX_BLOCKS } from './block-stager.js';
import type { TuningLimits } from './tuning.js';

/** What a caller may fix about the upload's blocks and memory; each is tuned or defaulted when absent. */
export interface UploadSizing {
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
   * `STORE_SUBMIT_UPLOAD_MEMORY_MB` MiB when set, else 24 MiB. With a fixed block size and
   * concurrency the pool is whatever they need (block size x (concurrency + 1)).
   */
  memoryBytes?: number;
}

export const MiB = 1024 * 1024;
/** Pool buffers are 1 MiB: block sizes move in 1 MiB steps and a partly filled block wastes little. */
export const CHUNK_SIZE = MiB;
/**
 * 24 MiB of buffers: the pool is the largest single part of the upload's peak RSS, and 11 blocks
 * of 2 MiB in flight (the pool less the spare block) still fill a link of 12 MiB/s per connection
 * and 96 MiB/s in all (docs/performance.md#current-figures).
 */
export const DEFAULT_MEMORY_BYTES = 24 * MiB;
export const MIN_TUNED_BLOCK_SIZE = 2 * MiB;
export const MAX_TUNED_BLOCK_SIZE = 16 * MiB;
export const MAX_TUNED_CONCURRENCY = 32;
/**
 * Blocks being filled while the others are in flight: one is enough, as filling (disk read and
 * CRC-32) runs faster than sending; the pool lets the writer run further ahead when blocks are small.
 */
export const SPARE_BLOCKS = 1;
/** Azure's largest block (service versions 2019-12-12 and later). */
const MAX_BLOCK_SIZE = 4000 * MiB;

/** What the caller fixed (block size, concurrency) and the pool budget; undefined means "tuned". */
export interface UploadSettings {
  blockSize: number | undefined;
  concurrency: number | undefined;
  memoryBytes: number;
}

/** Block size, concurrency and pool budget: options, then the environment (for experiments), then defaults. */
export function uploadSettings(options: UploadSizing = {}, env: NodeJS.ProcessEnv = process.env): UploadSettings {
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
