/**
 * How many blocks to keep in flight and how large to make them, chosen from what the link gives.
 *
 * Pure functions, no clock: the stager measures the throughput of one round of blocks at the
 * current setting and hands it to `nextTuning`, which answers with the setting for the next round.
 * While searching, blocks are small (`minBlockSize`), so that rounds are short and the search ends
 * early in the upload; concurrency doubles while a doubling still raises throughput by
 * `GROWTH_GAIN`. The first doubling that does not settles the search on the last two settings'
 * better one (on a near tie the higher), and blocks then grow to the pool's share: the blocks in
 * flight plus those being filled always fit the buffer pool. So a link that one connection already
 * fills (loopback, fast paths) ends with few large blocks, and a link that holds each connection
 * back (per-connection limits, long round trips) with many smaller ones.
 */

/** A doubling of concurrency must raise throughput by at least this fraction to be kept going. */
export const GROWTH_GAIN = 0.15;
/** Rounds without that gain, at one concurrency, that end the search. */
export const MAX_MISSES = 2;

/** The fixed frame a tuning search moves in (all sizes in bytes). */
export interface TuningLimits {
  /** Size of one pool buffer; block sizes are whole multiples of it (except a fixed block size). */
  readonly chunkSize: number;
  /** Buffers in the pool: pool memory is `chunkSize * poolChunks` bytes. */
  readonly poolChunks: number;
  /** Blocks being filled while the others are in flight (1 or more). */
  readonly spareBlocks: number;
  /** Smallest block the search may choose, in bytes (a multiple of `chunkSize`). */
  readonly minBlockSize: number;
  /** Largest block the search may choose, in bytes (a multiple of `chunkSize`). */
  readonly maxBlockSize: number;
  /** Upper bound of concurrency whatever the pool allows. */
  readonly maxConcurrency: number;
  /** A block size that never changes (set by the caller); the search then only moves concurrency. */
  readonly fixedBlockSize?: number;
  /** A concurrency that never changes (set by the caller): the search is settled from the start. */
  readonly fixedConcurrency?: number;
}

export interface TuningState {
  /** Blocks in flight at once. */
  readonly concurrency: number;
  /** Bytes per block for blocks opened from now on. */
  readonly blockSize: number;
  /** The fastest setting seen so far, with its throughput in bytes per second. */
  readonly best?: { readonly concurrency: number; readonly bytesPerSecond: number };
  /** Rounds in a row at this concurrency that did not beat the best by `GROWTH_GAIN`. */
  readonly misses: number;
  /** No more changes: the search has ended (or concurrency is fixed). */
  readonly settled: boolean;
}

/** One round of blocks at `state.concurrency`: `bytes` completed in `ms` milliseconds. */
export interface ThroughputSample {
  readonly bytes: number;
  readonly ms: number;
}

/** Pool chunks one block of `size` bytes takes. */
export function chunksPerBlock(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** The largest concurrency whose blocks (at the smallest allowed size) and spares fit the pool; at least 1. */
export function maxConcurrencyFor(limits: TuningLimits): number {
  if (limits.fixedConcurrency !== undefined) return limits.fixedConcurrency;
  const smallest = chunksPerBlock(limits.fixedBlockSize ?? limits.minBlockSize, limits.chunkSize);
  const fits = Math.floor(limits.poolChunks / smallest) - limits.spareBlocks;
  return Math.max(1, Math.min(limits.maxConcurrency, fits));
}

/**
 * Bytes per block at `concurrency`: the pool shared by `concurrency + spareBlocks` blocks, in whole
 * chunks, within [minBlockSize, maxBlockSize]; the fixed block size when there is one.
 */
export function blockSizeFor(concurrency: number, limits: TuningLimits): number {
  if (limits.fixedBlockSize !== undefined) return limits.fixedBlockSize;
  const share = Math.floor(limits.poolChunks / (concurrency + limits.spareBlocks)) * limits.chunkSize;
  return Math.max(limits.minBlockSize, Math.min(limits.maxBlockSize, share));
}

/** Block size while searching: the smallest (or the fixed one), so that rounds are short. */
function probeBlockSize(limits: TuningLimits): number {
  return limits.fixedBlockSize ?? limits.minBlockSize;
}

/**
 * Concurrency the search starts from. 8, not 4: each doubling costs a round at less than the link's
 * rate, and where one connection fills the link, 8 blocks of the smallest size cost nothing extra
 * (docs/performance.md).
 */
export const INITIAL_CONCURRENCY = 8;

/** The first setting: `INITIAL_CONCURRENCY` blocks in flight (a fixed concurrency when given); small blocks unless settled from the start. */
export function initialTuning(limits: TuningLimits): TuningState {
  const fixed = limits.fixedConcurrency;
  const concurrency = fixed ?? Math.min(INITIAL_CONCURRENCY, maxConcurrencyFor(limits));
  const settled = fixed !== undefined || concurrency >= maxConcurrencyFor(limits);
  return {
    concurrency,
    blockSize: settled ? blockSizeFor(concurrency, limits) : probeBlockSize(limits),
    misses: 0,
    settled,
  };
}

/**
 * The setting after a round measured at `state`. Doubles concurrency (capped by the pool) while
 * throughput grows by `GROWTH_GAIN` or more per doubling. A round that does not is measured once
 * more at the same setting (one slow round on a shared machine or link is not a verdict); after
 * `MAX_MISSES` such rounds the search settles on the fastest setting seen (the higher concurrency
 * unless it is slower by half the gain), with blocks of
 * `blockSizeFor` that concurrency. A settled state, or an empty sample, comes back unchanged.
 */
export function nextTuning(state: TuningState, sample: ThroughputSample, limits: TuningLimits): TuningState {
  if (state.settled || !(sample.ms > 0) || !(sample.bytes > 0)) return state;
  const bytesPerSecond = (sample.bytes / sample.ms) * 1000;
  const best = state.best;
  const grew = best === undefined || bytesPerSecond >= best.bytesPerSecond * (1 + GROWTH_GAIN);
  if (grew) {
    const concurrency = Math.min(maxConcurrencyFor(limits), state.concurrency * 2);
    const settled = concurrency === state.concurrency;
    return {
      concurrency,
      blockSize: settled ? blockSizeFor(concurrency, limits) : probeBlockSize(limits),
      best: { concurrency: state.concurrency, bytesPerSecond },
      misses: 0,
      settled,
    };
  }
  // On a near tie the higher concurrency wins. The same pool is in flight either way, and more
  // blocks keep the link busy through a late answer or a stalled connection.
  const keep =
    bytesPerSecond >= best.bytesPerSecond * (1 - GROWTH_GAIN / 2)
      ? { concurrency: state.concurrency, bytesPerSecond }
      : best;
  if (state.misses + 1 < MAX_MISSES) return { ...state, best: keep, misses: state.misses + 1 };
  return {
    concurrency: keep.concurrency,
    blockSize: blockSizeFor(keep.concurrency, limits),
    best: keep,
    misses: state.misses + 1,
    settled: true,
  };
}
