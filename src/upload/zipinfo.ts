/**
 * Lists a ready-made zip (the `zip-path` input) from its central directory, without reading the
 * entries: names and uncompressed sizes, Zip64 included. Used to check the file is a zip before
 * uploading it, and to report what it holds.
 */
import { open } from 'node:fs/promises';

const END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;

export async function listZipEntries(path: string): Promise<{ name: string; size: number }[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      if (bytesRead !== length) throw new Error(`'${path}' is truncated`);
      return buffer;
    };
    const tailLength = Math.min(size, 22 + 0xffff);
    if (tailLength < 22) throw new Error(`'${path}' is not a zip file (too short)`);
    const tail = await read(size - tailLength, tailLength);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
        end = i;
        break;
      }
    }
    if (end === -1) throw new Error(`'${path}' is not a zip file (no end of central directory record)`);
    let count = tail.readUInt16LE(end + 10);
    let cdSize = tail.readUInt32LE(end + 12);
    let cdOffset = tail.readUInt32LE(end + 16);
    const endOffset = size - tailLength + end;
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      if (endOffset >= 20) {
        const locator = await read(endOffset - 20, 20);
        if (locator.readUInt32LE(0) === ZIP64_LOCATOR) {
          const record = await read(Number(locator.readBigUInt64LE(8)), 56);
          if (record.readUInt32LE(0) !== ZIP64_END) throw new Error(`'${path}' has a broken Zip64 end record`);
          count = Number(record.readBigUInt64LE(32));
          cdSize = Number(record.readBigUInt64LE(40));
          cdOffset = Number(record.readBigUInt64LE(48));
        }
      }
    }
    if (cdOffset + cdSize > size) throw new Error(`'${path}' is not a valid zip file (central directory out of range)`);
    const cd = await read(cdOffset, cdSize);
    const entries: { name: string; size: number }[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_HEADER) {
        throw new Error(`'${path}' is not a valid zip file (central directory entry ${i + 1} is broken)`);
      }
      const utf8 = (cd.readUInt16LE(p + 8) & 0x0800) !== 0;
      let entrySize = cd.readUInt32LE(p + 24);
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
      const name = nameBytes.toString(utf8 ? 'utf8' : 'latin1');
      if (entrySize === 0xffffffff) {
        let q = p + 46 + nameLength;
        const extraEnd = q + extraLength;
        while (q + 4 <= extraEnd) {
          const id = cd.readUInt16LE(q);
          const length = cd.readUInt16LE(q + 2);
          if (id === 0x0001 && length >= 8) {
            entrySize = Number(cd.readBigUInt64LE(q + 4));
            break;
          }
          q += 4 + length;
        }
      }
      entries.push({ name, size: entrySize });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}
