/**
 * The clock side of the tuning search: counts the blocks completed at the current setting into
 * rounds, and hands each full round's throughput to `nextTuning` (`tuning.ts`), so a change applies
 * to blocks opened from then on.
 */
import { initialTuning, nextTuning, type TuningLimits, type TuningState } from './tuning.js';

/**
 * Completed blocks a round counts: as many as are in flight (every slot turns over once, about one
 * block's time on the link), at least 4. Blocks launched together complete together, in waves, and
 * a shorter round falls inside one wave, or across a gap, and misreads the link.
 */
function roundBlocks(concurrency: number): number {
  return Math.max(4, concurrency);
}

export class TuningRounds {
  private state: TuningState;
  private changes = 0;
  private round: { start: number | undefined; bytes: number; blocks: number } = {
    start: undefined,
    bytes: 0,
    blocks: 0,
  };

  constructor(
    private readonly limits: TuningLimits,
    /** Milliseconds clock. */
    private readonly now: () => number,
    /** Called when a round ends, with the setting for the next one (for logs and tests). */
    private readonly onTuning?: (state: TuningState) => void,
  ) {
    this.state = initialTuning(limits);
  }

  /** The current concurrency / block size setting. */
  get setting(): TuningState {
    return this.state;
  }

  /** How often the setting has changed: blocks launched under an earlier one do not start a round. */
  get generation(): number {
    return this.changes;
  }

  /**
   * Counts a completed block of `bytes` launched in `generation`; `pooled` is false for a local header
   * block of its own (its bytes count, not the block). A full round feeds the search.
   */
  completed(bytes: number, pooled: boolean, generation: number): void {
    if (this.state.settled) return;
    const round = this.round;
    if (round.start === undefined) {
      // A round starts when the first block launched under this setting completes: by then the
      // pipeline runs at the new concurrency, and earlier bytes are not billed to it.
      if (pooled && generation === this.changes) round.start = this.now();
      return;
    }
    round.bytes += bytes;
    if (pooled) round.blocks++;
    if (round.blocks < roundBlocks(this.state.concurrency)) return;
    const next = nextTuning(this.state, { bytes: round.bytes, ms: this.now() - round.start }, this.limits);
    this.round = { start: undefined, bytes: 0, blocks: 0 };
    if (next.concurrency !== this.state.concurrency || next.blockSize !== this.state.blockSize) this.changes++;
    this.state = next;
    this.onTuning?.(next);
  }
}
