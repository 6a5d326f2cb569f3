/** A zip sink that keeps the whole zip in memory, for tests of the streaming zip writer. */
import type { ZipSink } from '../../src/upload/zip.js';

export class BufferSink implements ZipSink {
  private chunks: Buffer[] = [];
  private length = 0;
  private scratch = Buffer.alloc(0);
  private headerAt = -1;
  private headerChunk: Buffer | undefined;

  async beginEntry(header: Buffer): Promise<void> {
    this.headerAt = this.length;
    this.headerChunk = Buffer.from(header);
    this.push(this.headerChunk);
  }
  async reserve(max: number): Promise<Buffer> {
    const size = Math.min(max, 1 << 20);
    if (this.scratch.length < size) this.scratch = Buffer.alloc(size);
    return this.scratch.subarray(0, size);
  }
  commit(length: number): void {
    this.push(Buffer.from(this.scratch.subarray(0, length)));
  }
  async endEntry(header: Buffer): Promise<void> {
    if (!this.headerChunk || this.headerAt < 0) throw new Error('endEntry without beginEntry');
    header.copy(this.headerChunk);
    this.headerChunk = undefined;
  }
  async write(bytes: Buffer): Promise<void> {
    this.push(Buffer.from(bytes));
  }
  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  /** The zip written so far. */
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}
