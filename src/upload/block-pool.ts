/**
 * The upload's memory: blocks are filled into a fixed pool of equal buffers ("chunks") that return
 * to the pool once their block is staged, so memory is the pool whatever the size of the blob.
 */

/** Counters of the pool, for logs and tests. */
export interface PoolStats {
  /** Chunks allocated so far (never more than the pool's size). */
  allocatedChunks: number;
  /** Times a chunk was handed out (more than `allocatedChunks` once chunks are reused). */
  chunkTakes: number;
  /** Most bytes of chunks held at once (by blocks open, waiting or in flight). */
  peakPoolBytes: number;
}

/** At most `size` chunks of `chunkSize` bytes, allocated on first need and reused after. */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  private held = 0;
  readonly stats: PoolStats = { allocatedChunks: 0, chunkTakes: 0, peakPoolBytes: 0 };

  constructor(
    readonly chunkSize: number,
    readonly size: number,
  ) {}

  /** A free chunk (reused, or allocated while the pool is below its size); undefined when every chunk is held. */
  take(): Buffer | undefined {
    let chunk = this.free.pop();
    if (!chunk && this.stats.allocatedChunks < this.size) {
      this.stats.allocatedChunks++;
      chunk = Buffer.allocUnsafeSlow(this.chunkSize);
    }
    if (!chunk) return undefined;
    this.stats.chunkTakes++;
    this.held++;
    this.stats.peakPoolBytes = Math.max(this.stats.peakPoolBytes, this.held * this.chunkSize);
    return chunk;
  }

  /** Gives `chunks` back to the pool and empties the list. */
  release(chunks: Buffer[]): void {
    for (const chunk of chunks) this.free.push(chunk);
    this.held -= chunks.length;
    chunks.length = 0;
  }
}

/** A block of the list: its place, its bytes (pool chunks, or a local header buffer of its own). */
export interface Block {
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

/** The used bytes of a block's chunks, in order (views, not copies). */
export function blockParts(block: Block): Buffer[] {
  const parts: Buffer[] = [];
  let left = block.length;
  for (const chunk of block.chunks) {
    if (left <= 0) break;
    const n = Math.min(chunk.length, left);
    parts.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    left -= n;
  }
  return parts;
}

/** Copies `bytes` into a block at byte `offset`, across chunk boundaries; throws when they do not fit in its chunks. */
export function copyInto(block: Block, offset: number, bytes: Buffer): void {
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
