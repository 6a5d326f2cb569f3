/** The concurrency / block size search: pure functions of measured throughput, tested with tables. */
import {
  blockSizeFor,
  initialTuning,
  maxConcurrencyFor,
  nextTuning,
  type TuningLimits,
  type TuningState,
} from '../../../src/upload/tuning.js';

const MiB = 1024 * 1024;

/** The frame of an upload with a pool of 32 MiB of 1 MiB chunks, one spare block, blocks of 2 to 16 MiB. */
const LIMITS: TuningLimits = {
  chunkSize: MiB,
  poolChunks: 32,
  spareBlocks: 1,
  minBlockSize: 2 * MiB,
  maxBlockSize: 16 * MiB,
  maxConcurrency: 32,
};

/** One round of `mibPerSecond` measured over a second. */
const round = (mibPerSecond: number) => ({ bytes: mibPerSecond * MiB, ms: 1000 });

/**
 * Runs the search against a link whose throughput (MiB/s) is `link(concurrency, round number)`,
 * until it settles; returns every setting it went through as "C x block MiB".
 */
function search(
  link: (concurrency: number, n: number) => number,
  limits: TuningLimits = LIMITS,
): { path: string[]; final: TuningState } {
  let state = initialTuning(limits);
  const path = [`${state.concurrency}x${state.blockSize / MiB}`];
  for (let n = 0; !state.settled; n++) {
    if (n > 50) throw new Error('the search did not settle');
    state = nextTuning(state, round(link(state.concurrency, n)), limits);
    path.push(`${state.concurrency}x${state.blockSize / MiB}${state.settled ? ' settled' : ''}`);
  }
  return { path, final: state };
}

describe('blockSizeFor and maxConcurrencyFor', () => {
  it.each([
    [1, 16], // the pool's half (one block in flight, one being filled), at most 16 MiB
    [2, 10], // 32 / 3 = 10.7: whole chunks
    [4, 6],
    [8, 3],
    [15, 2],
    [31, 2], // never below the smallest block
  ])('%i in flight: blocks of %i MiB', (concurrency, mib) => {
    expect(blockSizeFor(concurrency, LIMITS)).toBe(mib * MiB);
  });

  it('keeps a fixed block size whatever the concurrency', () => {
    expect(blockSizeFor(1, { ...LIMITS, fixedBlockSize: 3 * MiB + 5 })).toBe(3 * MiB + 5);
    expect(blockSizeFor(12, { ...LIMITS, fixedBlockSize: 3 * MiB + 5 })).toBe(3 * MiB + 5);
  });

  it.each<[string, TuningLimits, number]>([
    ['32 chunks hold 16 blocks of 2 MiB: 15 in flight and 1 being filled', LIMITS, 15],
    ['a large pool is capped by maxConcurrency', { ...LIMITS, poolChunks: 256 }, 32],
    ['a tiny pool still allows 1', { ...LIMITS, poolChunks: 4 }, 1],
    ['a fixed block size of 8 MiB', { ...LIMITS, fixedBlockSize: 8 * MiB }, 3],
    ['a fixed concurrency', { ...LIMITS, fixedConcurrency: 7 }, 7],
  ])('%s', (_name, limits, max) => {
    expect(maxConcurrencyFor(limits)).toBe(max);
  });
});

describe('initialTuning', () => {
  it('starts searching from 8 small blocks', () => {
    expect(initialTuning(LIMITS)).toEqual({ concurrency: 8, blockSize: 2 * MiB, misses: 0, settled: false });
  });
  it('is settled from the start with a fixed concurrency, blocks sized to the pool', () => {
    expect(initialTuning({ ...LIMITS, fixedConcurrency: 3 })).toEqual({
      concurrency: 3,
      blockSize: 8 * MiB,
      misses: 0,
      settled: true,
    });
  });
  it('is settled from the start when the pool allows no more than the start', () => {
    expect(initialTuning({ ...LIMITS, poolChunks: 6 })).toEqual({
      concurrency: 2,
      blockSize: 2 * MiB,
      misses: 0,
      settled: true,
    });
  });
});

describe('nextTuning', () => {
  it.each<[string, (c: number, n: number) => number, string[]]>([
    [
      // The link of issue 14: 12 MiB/s per connection (80% of it with 2 MiB blocks and 40 ms round trips), 96 MiB/s in all.
      'a link that limits each connection grows to the pool and settles there',
      (c) => Math.min(96, 12 * 0.8 * c),
      ['8x2', '15x2', '15x2 settled'],
    ],
    [
      'a link one connection fills (loopback) settles after two rounds without gain, on the doubling (a tie)',
      () => 100,
      ['8x2', '15x2', '15x2', '15x2 settled'],
    ],
    [
      'one slow round on a busy machine does not end the search',
      (c, n) => (n === 1 ? 30 : Math.min(96, 10 * c)),
      ['8x2', '15x2', '15x2', '15x2 settled'],
    ],
    [
      'throughput that falls with more connections settles on the best seen',
      (c) => (c <= 8 ? 50 : 40),
      ['8x2', '15x2', '15x2', '8x3 settled'],
    ],
    [
      'a higher concurrency that is faster, but by less than a doubling should give, is kept when clearly ahead',
      (c) => (c <= 8 ? 50 : 55),
      ['8x2', '15x2', '15x2', '15x2 settled'],
    ],
    [
      'a near tie keeps the higher concurrency (the same memory, more blocks in flight)',
      (c) => (c <= 8 ? 50 : 48),
      ['8x2', '15x2', '15x2', '15x2 settled'],
    ],
  ])('%s', (_name, link, path) => {
    expect(search(link).path).toEqual(path);
  });

  it('grows by doubling as long as each doubling gains 15% or more', () => {
    const limits = { ...LIMITS, poolChunks: 256, maxConcurrency: 32 };
    // Settled at the top, blocks grow to the pool's share: 256 MiB / 33.
    expect(search((c) => c * 10, limits).path).toEqual(['8x2', '16x2', '32x2', '32x7 settled']);
    // +14% per doubling is not enough to go on (16 is still kept: 14% is more than half the gain).
    expect(search((c) => 100 * 1.14 ** Math.log2(c), limits).path).toEqual(['8x2', '16x2', '16x2', '16x15 settled']);
  });

  it('records the best setting with its throughput in bytes per second', () => {
    const { final } = search((c) => (c <= 8 ? 50 : 40));
    expect(final.best).toEqual({ concurrency: 8, bytesPerSecond: 50 * MiB });
  });

  it('keeps a fixed block size through the search', () => {
    const limits = { ...LIMITS, fixedBlockSize: MiB };
    expect(search((c) => Math.min(96, 12 * c), limits).path).toEqual(['8x1', '16x1', '16x1', '16x1 settled']);
  });

  it('returns a settled state, or one given an empty sample, unchanged', () => {
    const settled: TuningState = { concurrency: 3, blockSize: 8 * MiB, misses: 0, settled: true };
    expect(nextTuning(settled, round(1000), LIMITS)).toBe(settled);
    const start = initialTuning(LIMITS);
    expect(nextTuning(start, { bytes: 0, ms: 1000 }, LIMITS)).toBe(start);
    expect(nextTuning(start, { bytes: MiB, ms: 0 }, LIMITS)).toBe(start);
  });
});
