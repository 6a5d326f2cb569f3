/**
 * Hostile package files (issues 20 and 22): a read costs what the file's size bounds and stops with
 * the run, manifests are decoded as XML says and read only in their own namespace, and what Windows
 * would refuse is refused with the file and the entry named: among that, a zip structure Windows
 * refuses (docs/store-api.md#what-windows-opens-in-a-package-zip), while deflate streams that end
 * without a final block are read, never to a size other than the one the directory declares.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { readPackage, readPackages } from '../../../src/packages/index.js';
import { RunStopped } from '../../../src/stop.js';
import {
  DEFAULT_IDENTITY,
  bundleManifestXml,
  declareSize,
  packageManifestXml,
  packageStream,
  writeEntries,
  writePackage,
  writeUpload,
} from '../../../test/support/packages.js';
import { refusalOf } from '../../../test/support/package-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const at = (name: string): string => path.join(dir, name);

const BUNDLE_MANIFEST = 'AppxMetadata/AppxBundleManifest.xml';
const INNER = 'ContosoNotes_1.0.0.0_x64.msix';

/** A bundle manifest naming INNER `times` times, without device families (so the package itself is read). */
function repeatedManifest(times: number): Buffer {
  return Buffer.from(
    bundleManifestXml({
      packages: Array.from({ length: times }, () => ({ architecture: 'x64' })),
      familiesInManifest: false,
    }),
  );
}

describe('cost bounded by the file: each inner package read once, inflation capped', () => {
  test('a bundle naming one deflated package (1 GiB of zeros) 400 times is refused at once: a bundle stores its packages', async () => {
    const file = at('zeros.msixbundle');
    await writeEntries(file, [
      {
        name: INNER,
        data: packageStream({ payloadBytes: 1024 ** 3, payload: 'zeros', compress: false }),
        compress: true,
      },
      { name: BUNDLE_MANIFEST, data: repeatedManifest(400), compress: true },
    ]);
    const message = await refusalOf(file);
    expect(message).toContain(`zeros.msixbundle > ${INNER} is compressed`);
    expect(message).toMatch(/Windows refuses a bundle whose packages are compressed/);
  });

  test('a package named 400 times is refused before any is read, as Windows refuses a FileName given twice', async () => {
    const file = at('repeated.msixbundle');
    await writeEntries(file, [
      { name: INNER, data: packageStream({ payloadBytes: 256 * 1024 }) },
      { name: BUNDLE_MANIFEST, data: repeatedManifest(400), compress: true },
    ]);
    expect(await refusalOf(file)).toContain(
      `repeated.msixbundle's AppxBundleManifest.xml declares ${INNER} more than once`,
    );
  });

  test('20,000 packages x 20,000 entries: entries are looked up by name', async () => {
    const count = 20_000;
    const packages = Array.from(
      { length: count },
      (_, i) => `<Package Type="application" Version="1.0.0.0" Architecture="x64" FileName="Named${i}.msix"/>`,
    );
    const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<Bundle xmlns="http://schemas.microsoft.com/appx/2013/bundle" SchemaVersion="5.0">
  <Identity Name="${DEFAULT_IDENTITY.name}" Publisher="${DEFAULT_IDENTITY.publisher}" Version="1.0.0.0" />
  <Packages>${packages.join('')}</Packages>
</Bundle>`;
    const file = at('wide.msixbundle');
    // Every declared package is found among 20,000 entries before the first is read (and found empty).
    await writeEntries(file, [
      ...Array.from({ length: count }, (_, i) => ({ name: `Named${i}.msix`, data: Buffer.alloc(0) })),
      { name: BUNDLE_MANIFEST, data: Buffer.from(manifest), compress: true },
    ]);
    expect(await refusalOf(file)).toContain('wide.msixbundle > Named0.msix is not a zip file');
  });

  test('an entry that inflates past the size it declares is refused, naming the package and the entry', async () => {
    const file = at('liar.msix');
    await writePackage(file);
    await declareSize(file, 'AppxManifest.xml', 100);
    const message = await refusalOf(file);
    expect(message).toContain(
      'liar.msix > AppxManifest.xml inflates to more than the 100 bytes its zip entry declares',
    );
  });

  test('a deflated upload file is inflated at most twice, whatever order its bundle lists its packages in', async () => {
    const payloadBytes = 6 * 1024 * 1024;
    const packages = ['x86', 'x64', 'arm64'].map((architecture) => ({ architecture, payloadBytes }));
    const file = at('backwards.msixupload');
    await writeUpload(file, {
      compress: true,
      symbols: false,
      bundle: {
        packages,
        familiesInManifest: false,
        manifest: bundleManifestXml({ packages: [...packages].reverse(), familiesInManifest: false }),
      },
    });
    const info = await readPackage(file);
    expect(info.architectures).toEqual(['arm64', 'x64', 'x86']);
    expect(info.deviceFamilies).toEqual(['Windows.Desktop']);
    expect(info.read.inflatedBytes).toBeLessThanOrEqual(2 * (3 * payloadBytes + 64 * 1024));
  });
});

describe('the run stop ends a read', () => {
  test('a stopped run reads no package: the stop is thrown, not taken for a bad package', async () => {
    await writePackage(at('stop.msix'));
    const controller = new AbortController();
    const stopped = new RunStopped('timeout', '0.5');
    controller.abort(stopped);
    await expect(readPackages([at('stop.msix')], { signal: controller.signal })).rejects.toBe(stopped);
  });

  test('a stop between two packages ends the read before the second; each file is announced before it is read', async () => {
    await writePackage(at('first.msix'));
    await writePackage(at('second.msix'));
    const controller = new AbortController();
    const stopped = new RunStopped('cancelled', 'SIGINT');
    const announced: string[] = [];
    const reading = readPackages([at('first.msix'), at('second.msix')], {
      signal: controller.signal,
      onRead: (file) => {
        announced.push(file);
        if (file === at('second.msix')) controller.abort(stopped);
      },
    });
    await expect(reading).rejects.toBe(stopped);
    expect(announced).toEqual([at('first.msix'), at('second.msix')]);
  });
});

describe('manifest encodings, decided as XML decides them', () => {
  const publisher = 'CN=Café Contoso';
  const xml = (encoding: string): string =>
    packageManifestXml({ publisher }).replace('encoding="utf-8"', `encoding="${encoding}"`);
  const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

  test.each<[string, Buffer]>([
    ['UTF-8 with a byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml('utf-8'))])],
    [
      'UTF-16LE with a byte order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml('utf-16'), 'utf16le')]),
    ],
    ['UTF-16LE without a byte order mark', Buffer.from(xml('utf-16'), 'utf16le')],
    ['UTF-16BE without a byte order mark', utf16be(xml('UTF-16'))],
    ['UTF-16BE with a byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(xml('utf-16'))])],
  ])('%s is read', async (label, manifest) => {
    const file = at(`${label.replaceAll(' ', '-')}.msix`);
    await writePackage(file, { manifest });
    expect(await readPackage(file)).toMatchObject({ name: DEFAULT_IDENTITY.name, publisher });
  });

  test.each<[string, Buffer, RegExp]>([
    [
      'iso-8859-1',
      Buffer.from(xml('ISO-8859-1'), 'latin1'),
      /AppxManifest\.xml declares the encoding 'ISO-8859-1'; Windows reads package manifests in UTF-8 or UTF-16 only/,
    ],
    [
      'latin1-undeclared',
      Buffer.from(xml('utf-8'), 'latin1'),
      /AppxManifest\.xml is not valid UTF-8 \(byte 0xe9 at offset \d+\)/,
    ],
    [
      'utf32',
      Buffer.concat([...xml('utf-32')].map((char) => Buffer.from([0, 0, 0, char.charCodeAt(0) & 0xff]))),
      /AppxManifest\.xml is in UTF-32 \(big-endian\)/,
    ],
    [
      'utf16-declared-as-utf8',
      Buffer.from(xml('utf-8'), 'utf16le'),
      /AppxManifest\.xml is in UTF-16LE but declares the encoding 'utf-8'/,
    ],
  ])('%s is refused, naming the encoding', async (label, manifest, says) => {
    const file = at(`${label}.msix`);
    await writePackage(file, { manifest });
    expect(await refusalOf(file)).toMatch(says);
  });
});

describe('a strict manifest reader', () => {
  test('an Identity in another namespace is not the package identity, wherever it stands', async () => {
    const manifest = packageManifestXml().replace(
      '<Identity ',
      '<evil:Identity xmlns:evil="urn:evil" Name="Evil.App" Publisher="CN=Evil" Version="9.9.9.9" />\n  <Identity ',
    );
    await writePackage(at('foreign.msix'), { manifest });
    expect(await readPackage(at('foreign.msix'))).toMatchObject({
      name: DEFAULT_IDENTITY.name,
      publisher: DEFAULT_IDENTITY.publisher,
      version: '1.0.0.0',
    });
  });

  test('a bundle Identity in another namespace is not the bundle identity', async () => {
    const manifest = bundleManifestXml().replace(
      '<Identity ',
      '<b4:Identity Name="Evil.App" Publisher="CN=Evil" Version="9.9.9.9" />\n  <Identity ',
    );
    await writeEntries(at('foreign.msixbundle'), [
      { name: INNER, data: packageStream() },
      { name: BUNDLE_MANIFEST, data: Buffer.from(manifest), compress: true },
    ]);
    expect(await readPackage(at('foreign.msixbundle'))).toMatchObject({
      name: DEFAULT_IDENTITY.name,
      version: '1.0.0.0',
    });
  });

  test.each<[string, () => Promise<void>, RegExp]>([
    [
      'twice.msix',
      () =>
        writeEntries(at('twice.msix'), [
          { name: 'AppxManifest.xml', data: Buffer.from(packageManifestXml()) },
          { name: 'appxmanifest.XML', data: Buffer.from(packageManifestXml({ name: 'Contoso.Other' })) },
        ]),
      /twice\.msix holds AppxManifest\.xml more than once \(AppxManifest\.xml, appxmanifest\.XML\)/,
    ],
    [
      'both.msixbundle',
      () =>
        writeEntries(at('both.msixbundle'), [
          { name: INNER, data: packageStream() },
          { name: 'AppxManifest.xml', data: Buffer.from(packageManifestXml()) },
          { name: BUNDLE_MANIFEST, data: Buffer.from(bundleManifestXml()) },
        ]),
      /both\.msixbundle holds both AppxManifest\.xml and AppxMetadata\/AppxBundleManifest\.xml/,
    ],
    [
      'roots.msix',
      () =>
        writePackage(at('roots.msix'), {
          manifest: packageManifestXml() + packageManifestXml({ name: 'Contoso.Other' }).replace(/^<\?xml[^>]*>/, ''),
        }),
      /roots\.msix > AppxManifest\.xml has more than one root element/,
    ],
    [
      'elsewhere.msix',
      () =>
        writePackage(at('elsewhere.msix'), {
          manifest: packageManifestXml().replace(
            'xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"',
            'xmlns="urn:elsewhere"',
          ),
        }),
      /elsewhere\.msix > AppxManifest\.xml: its root element Package is in the namespace 'urn:elsewhere', not http:\/\/schemas\.microsoft\.com\/appx\/manifest\/foundation\/windows10/,
    ],
    [
      'nested.msixbundle',
      () =>
        writeEntries(at('nested.msixbundle'), [
          { name: 'Inner.msixbundle', data: packageStream() },
          {
            name: BUNDLE_MANIFEST,
            data: Buffer.from(bundleManifestXml().replace(`FileName="${INNER}"`, 'FileName="Inner.msixbundle"')),
          },
        ]),
      /nested\.msixbundle > AppxMetadata\/AppxBundleManifest\.xml names Inner\.msixbundle, a bundle inside a bundle/,
    ],
    [
      'disguised.msixbundle',
      async () => {
        const inner = at('disguised-inner.msixbundle');
        await writeEntries(inner, [
          { name: INNER, data: packageStream() },
          { name: BUNDLE_MANIFEST, data: Buffer.from(bundleManifestXml()) },
        ]);
        await writeEntries(at('disguised.msixbundle'), [
          { name: INNER, data: createReadStream(inner) },
          { name: BUNDLE_MANIFEST, data: repeatedManifest(1) },
        ]);
      },
      /disguised\.msixbundle > ContosoNotes_1\.0\.0\.0_x64\.msix is a bundle \(it holds AppxMetadata\/AppxBundleManifest\.xml\): a bundle inside a bundle/,
    ],
  ])('%s is refused, naming the file', async (name, make, says) => {
    await make();
    expect(await refusalOf(at(name))).toMatch(says);
  });
});

const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP64_EOCD = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
const LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const MANIFEST = Buffer.from('AppxManifest.xml');
const CENTRAL_HEADER = Buffer.from([0x50, 0x4b, 0x01, 0x02]);

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
    expect(await refusalOf(file)).toMatch(
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
    expect(await refusalOf(file)).toMatch(
      /count\.msix is a damaged zip: .*the directory it points to is \d+ bytes \(4 entries\)/,
    );
  });

  test('the end record counts entries on this disk other than in all', async () => {
    const file = at('disk.msix');
    await writePackage(file);
    await patch(file, (bytes) => bytes.writeUInt16LE(3, bytes.lastIndexOf(EOCD) + 8));
    expect(await refusalOf(file)).toMatch(
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
    expect(await refusalOf(file)).toMatch(
      /zip64\.msix is a damaged zip: its Zip64 end-of-central-directory record says the central directory is \d+ bytes, but the directory it points to is \d+ bytes/,
    );
  });
});

describe('a Zip64 locator that points to no Zip64 end record is refused as a damaged zip', () => {
  const locatorOffset = (bytes: Buffer): number => bytes.lastIndexOf(EOCD) - 20 + 8;
  test.each<[string, (size: number) => bigint, (size: number) => string]>([
    [
      'past the end of the file',
      (size) => BigInt(size + 100),
      (size) => `${size + 100}, past the end of the file \\(${size} bytes\\)`,
    ],
    [
      'far past the end (2^64 - 1)',
      () => 2n ** 64n - 1n,
      (size) => `\\d+, past the end of the file \\(${size} bytes\\)`,
    ],
    ['at a local header', () => 0n, () => '0, where no Zip64 end-of-central-directory record starts'],
  ])('%s', async (label, offset, says) => {
    const file = at(`locator-${label.length}.msix`);
    await writeZip64Package(file);
    let size = 0;
    await patch(file, (bytes) => {
      size = bytes.length;
      bytes.writeBigUInt64LE(offset(size), locatorOffset(bytes));
    });
    expect(await refusalOf(file)).toMatch(
      new RegExp(
        `locator-${label.length}\\.msix is a damaged zip: its Zip64 end-of-central-directory locator points to byte ${says(size)}.* Windows refuses such a file`,
      ),
    );
  });
});

describe('local headers that disagree with the central directory are refused', () => {
  test('another name', async () => {
    const file = at('name.msix');
    await writePackage(file);
    await patch(file, (bytes) => bytes.write('appxmanifest.xml', manifestLocalHeader(bytes) + 30));
    expect(await refusalOf(file)).toMatch(
      /name\.msix > AppxManifest\.xml is damaged: its local header names 'appxmanifest\.xml', the central directory 'AppxManifest\.xml'/,
    );
  });

  test.each([
    ['inside the file', () => 1],
    ['past its end', (size: number) => size + 10],
  ])('a directory entry pointing where no local header starts (%s)', async (_label, offset) => {
    const file = at(`offset-${offset(0)}.msix`);
    await writePackage(file);
    let pointed = 0;
    await patch(file, (bytes) => {
      pointed = offset(bytes.length);
      // The central directory header of AppxManifest.xml: its local header offset is at 42, its name at 46.
      for (let at = bytes.indexOf(CENTRAL_HEADER); at >= 0; at = bytes.indexOf(CENTRAL_HEADER, at + 4)) {
        if (bytes.subarray(at + 46, at + 46 + MANIFEST.length).equals(MANIFEST)) bytes.writeUInt32LE(pointed, at + 42);
      }
    });
    expect(await refusalOf(file)).toMatch(
      new RegExp(
        `offset-${offset(0)}\\.msix > AppxManifest\\.xml is damaged: its central directory entry points to byte ${pointed}, where no local header starts \\(.*\\)\\. Windows refuses`,
      ),
    );
  });

  test('another compression method', async () => {
    const file = at('method.msix');
    await writePackage(file);
    await patch(file, (bytes) => bytes.writeUInt16LE(0, manifestLocalHeader(bytes) + 8));
    expect(await refusalOf(file)).toMatch(
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
    expect(await refusalOf(file)).toMatch(
      new RegExp(
        `short\\.msix > AppxManifest\\.xml inflates to ${manifest.length} bytes, fewer than the ${manifest.length + 10} its zip entry declares; the file is damaged or was altered`,
      ),
    );
  });
});
