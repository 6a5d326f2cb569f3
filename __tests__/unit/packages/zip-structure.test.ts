/**
 * The zip structure of a package, checked as Windows checks it (docs/store-api.md#what-windows-opens-in-a-package-zip):
 * end records that disagree with the central directory they point to, and local headers that
 * disagree with the directory, are refused naming the file; deflate streams that end without a
 * final block are read, but never to a size other than the one the directory declares.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { readPackage } from '../../../src/packages/index.js';
import {
  DEFAULT_IDENTITY,
  declareSize,
  packageManifestXml,
  writeEntries,
  writePackage,
} from '../../../test/support/packages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'zip-structure-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const at = (name: string): string => path.join(dir, name);

const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP64_EOCD = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const MANIFEST = Buffer.from('AppxManifest.xml');

/** Rewrites the bytes of the zip at `file` with `change`. */
async function patch(file: string, change: (bytes: Buffer) => void): Promise<void> {
  const bytes = await readFile(file);
  change(bytes);
  await writeFile(file, bytes);
}

/** The offset of the local header of AppxManifest.xml (the first header naming it: local headers precede the directory). */
function manifestLocalHeader(bytes: Buffer): number {
  for (let at = bytes.indexOf(LOCAL_HEADER); at >= 0; at = bytes.indexOf(LOCAL_HEADER, at + 4)) {
    const length = bytes.readUInt16LE(at + 26);
    if (bytes.subarray(at + 30, at + 30 + length).equals(MANIFEST)) return at;
  }
  throw new Error('no local header for AppxManifest.xml');
}

/** A package whose small entries are written with Zip64 end records, as MakeAppx writes them. */
async function writeZip64Package(file: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('payload'), 'app.dat', { compress: false });
  zip.addBuffer(Buffer.from(packageManifestXml()), 'AppxManifest.xml', { compress: true });
  zip.end({ forceZip64Format: true, comment: '' });
  await pipeline(zip.outputStream as Readable, createWriteStream(file));
}

async function refusal(file: string): Promise<string> {
  const error = await readPackage(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe('end records that disagree with the central directory are refused', () => {
  test("the end record's directory size is not the directory's", async () => {
    const file = at('size.msix');
    await writePackage(file);
    let declared = 0;
    await patch(file, (bytes) => {
      const end = bytes.lastIndexOf(EOCD);
      declared = bytes.readUInt32LE(end + 12) - 140;
      bytes.writeUInt32LE(declared, end + 12);
    });
    expect(await refusal(file)).toMatch(
      new RegExp(
        `^${file.replace(/[.\\/]/g, '\\$&')} is not a readable package: size\\.msix is a damaged zip: its end-of-central-directory record says the central directory is ${declared} bytes, but the directory it points to is ${declared + 140} bytes \\(5 entries\\).* Windows refuses such a file`,
      ),
    );
  });

  test('the end record counts fewer entries than the directory holds', async () => {
    const file = at('count.msix');
    await writePackage(file);
    await patch(file, (bytes) => {
      const end = bytes.lastIndexOf(EOCD);
      bytes.writeUInt16LE(4, end + 8);
      bytes.writeUInt16LE(4, end + 10);
    });
    expect(await refusal(file)).toMatch(
      /count\.msix is a damaged zip: .*the directory it points to is \d+ bytes \(4 entries\)/,
    );
  });

  test('the end record counts entries on this disk other than in all', async () => {
    const file = at('disk.msix');
    await writePackage(file);
    await patch(file, (bytes) => bytes.writeUInt16LE(3, bytes.lastIndexOf(EOCD) + 8));
    expect(await refusal(file)).toMatch(
      /disk\.msix is a damaged zip: its end-of-central-directory record counts 3 entries on this disk but 5 in all/,
    );
  });

  test('a well-formed Zip64 end record is read; one whose directory size disagrees is refused', async () => {
    const file = at('zip64.msix');
    await writeZip64Package(file);
    expect((await readPackage(file)).name).toBe(DEFAULT_IDENTITY.name);
    await patch(file, (bytes) => {
      const record = bytes.lastIndexOf(ZIP64_EOCD);
      bytes.writeBigUInt64LE(bytes.readBigUInt64LE(record + 40) + 8n, record + 40);
    });
    expect(await refusal(file)).toMatch(
      /zip64\.msix is a damaged zip: its Zip64 end-of-central-directory record says the central directory is \d+ bytes, but the directory it points to is \d+ bytes/,
    );
  });
});

describe('local headers that disagree with the central directory are refused', () => {
  test('another name', async () => {
    const file = at('name.msix');
    await writePackage(file);
    await patch(file, (bytes) => bytes.write('appxmanifest.xml', manifestLocalHeader(bytes) + 30));
    expect(await refusal(file)).toMatch(
      /name\.msix > AppxManifest\.xml is damaged: its local header names 'appxmanifest\.xml', the central directory 'AppxManifest\.xml'/,
    );
  });

  test('another compression method', async () => {
    const file = at('method.msix');
    await writePackage(file);
    await patch(file, (bytes) => bytes.writeUInt16LE(0, manifestLocalHeader(bytes) + 8));
    expect(await refusal(file)).toMatch(
      /method\.msix > AppxManifest\.xml is damaged: its local header gives compression method 0, the central directory 8/,
    );
  });
});

describe('deflate streams that end without a final block', () => {
  test('are read, as Windows reads them, when they give the size the directory declares', async () => {
    const file = at('nofinal.msix');
    await writePackage(file);
    // A small manifest deflates to one block: clearing its BFINAL bit leaves a stream with no final block.
    await patch(file, (bytes) => {
      const header = manifestLocalHeader(bytes);
      const data = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
      bytes.writeUInt8(bytes.readUInt8(data) & 0xfe, data);
    });
    const info = await readPackage(file);
    expect(info).toMatchObject({ name: DEFAULT_IDENTITY.name, version: '1.0.0.0', architectures: ['x64'] });
  });

  test('a stream that gives fewer bytes than the directory declares is refused, naming the entry', async () => {
    const file = at('short.msix');
    const manifest = Buffer.from(packageManifestXml());
    // Streamed entries carry a data descriptor: their local header has no sizes to disagree with.
    await writeEntries(file, [{ name: 'AppxManifest.xml', data: Readable.from([manifest]), compress: true }]);
    await declareSize(file, 'AppxManifest.xml', manifest.length + 10);
    expect(await refusal(file)).toMatch(
      new RegExp(
        `short\\.msix > AppxManifest\\.xml inflates to ${manifest.length} bytes, fewer than the ${manifest.length + 10} its zip entry declares; the file is damaged or was altered`,
      ),
    );
  });
});
