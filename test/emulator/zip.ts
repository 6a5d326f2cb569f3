/**
 * A tiny in-memory zip writer (stored entries) for tests of the emulator. Not for large files.
 * `zip64: true` writes the Zip64 form a writer uses past 4 GiB (sizes and offsets in the Zip64
 * extra field, a Zip64 end record and its locator), so small tests reach the readers' Zip64 paths.
 */
import { crc32 } from 'node:zlib';

const ZIP64_MARK = 0xffffffff;

export function makeZip(
  entries: Array<{ name: string; data: Buffer | string }>,
  options: { zip64?: boolean } = {},
): Buffer {
  const zip64 = options.zip64 ?? false;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const crc = crc32(data);
    const size32 = zip64 ? ZIP64_MARK : data.length;
    // Zip64 extra field: tag 1, then the 8-byte values whose 32-bit fields say 0xffffffff.
    const extra = (values: number[]): Buffer => {
      if (!zip64) return Buffer.alloc(0);
      const field = Buffer.alloc(4 + 8 * values.length);
      field.writeUInt16LE(0x0001, 0);
      field.writeUInt16LE(8 * values.length, 2);
      values.forEach((value, i) => field.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
      return field;
    };
    const localExtra = extra([data.length, data.length]);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(0, 10);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size32, 18);
    local.writeUInt32LE(size32, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    locals.push(local, name, localExtra, data);
    const centralExtra = extra([data.length, data.length, offset]);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(zip64 ? 45 : 20, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size32, 20);
    central.writeUInt32LE(size32, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt32LE(zip64 ? ZIP64_MARK : offset, 42);
    centrals.push(central, name, centralExtra);
    offset += 30 + name.length + localExtra.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const records: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(centralSize), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + centralSize), 8);
    locator.writeUInt32LE(1, 16);
    records.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(zip64 ? ZIP64_MARK : centralSize, 12);
  end.writeUInt32LE(zip64 ? ZIP64_MARK : offset, 16);
  return Buffer.concat([...locals, ...centrals, ...records, end]);
}
