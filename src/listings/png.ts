/** What the listings reader needs of a PNG image: proof that it is one, its size in pixels and its content hash. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { errorMessage } from '../errors.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The signature, then the IHDR chunk: length 13, type, width and height (big-endian). */
const HEADER_BYTES = 24;

export interface PngFacts {
  width: number;
  height: number;
  /** Lower-case hex SHA-256 of the file's bytes. */
  sha256: string;
}

/**
 * Reads the header of the image at `file` (its PNG signature and IHDR chunk) and streams its bytes
 * through SHA-256. Returns `{ problem }` instead, a sentence for the user, when the file cannot be
 * read or does not start like a PNG.
 */
export async function readPng(file: string): Promise<PngFacts | { problem: string }> {
  let header: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      header = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
      header = header.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { problem: `cannot be read (${errorMessage(error)})` };
  }
  if (
    header.length < HEADER_BYTES ||
    !header.subarray(0, 8).equals(PNG_SIGNATURE) ||
    header.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    return { problem: 'is not a PNG image (its first bytes are not the PNG signature); export it as PNG' };
  }
  try {
    return { width: header.readUInt32BE(16), height: header.readUInt32BE(20), sha256: await hashFile(file) };
  } catch (error) {
    return { problem: `cannot be read (${errorMessage(error)})` };
  }
}

/** The SHA-256 of a file's bytes, in hex, read as a stream. Throws the file system's error. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
