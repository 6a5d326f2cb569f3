import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readPackage, readPackages } from '../../../src/packages/index.js';
import { PackageReadError } from '../../../src/packages/read.js';
import { WINDOW_BYTES } from '../../../src/packages/byte-sources.js';
import { MAX_MANIFEST_BYTES } from '../../../src/packages/zip-reader.js';
import {
  DEFAULT_IDENTITY,
  DEFAULT_PUBLISHER_HASH,
  packageManifestXml,
  writeBundle,
  writePackage,
  writeUpload,
} from '../../../test/support/packages.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'packages-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const at = (name: string): string => path.join(dir, name);

const DESKTOP = { name: 'Windows.Desktop', minVersion: '10.0.17763.0' };

describe('manifest reading of each package kind', () => {
  test('.msix: identity, architecture, device families', async () => {
    await writePackage(at('app.msix'), {
      version: '1.2.3.0',
      architecture: 'arm64',
      deviceFamilies: [DESKTOP, { name: 'Windows.Team' }],
    });
    expect(await readPackage(at('app.msix'))).toMatchObject({
      file: at('app.msix'),
      format: 'msix',
      kind: 'package',
      name: DEFAULT_IDENTITY.name,
      publisher: DEFAULT_IDENTITY.publisher,
      version: '1.2.3.0',
      publisherHash: DEFAULT_PUBLISHER_HASH,
      architectures: ['arm64'],
      deviceFamilies: ['Windows.Desktop', 'Windows.Team'],
      parts: [
        {
          type: 'application',
          architecture: 'arm64',
          version: '1.2.3.0',
          targetDeviceFamilies: [DESKTOP, { name: 'Windows.Team' }],
        },
      ],
    });
  });

  test('.appx without ProcessorArchitecture is neutral; a publisher with XML escapes reads back as written', async () => {
    const publisher = 'CN="Contoso & Sons", O=Contoso <EU>';
    await writePackage(at('app.appx'), { architecture: null, publisher, compress: false });
    expect(await readPackage(at('app.appx'))).toMatchObject({ format: 'appx', architectures: ['neutral'], publisher });
  });

  test('.msixbundle: the bundle identity and each package, resource packages apart', async () => {
    await writeBundle(at('app.msixbundle'), {
      version: '2.0.0.0',
      packages: [
        { architecture: 'x64' },
        { architecture: 'arm64', deviceFamilies: [{ name: 'Windows.Universal', minVersion: '10.0.0.0' }] },
      ],
      resourceLanguages: ['de-de'],
    });
    const info = await readPackage(at('app.msixbundle'));
    expect(info).toMatchObject({
      format: 'msixbundle',
      kind: 'bundle',
      version: '2.0.0.0',
      architectures: ['x64', 'arm64'],
      deviceFamilies: ['Windows.Desktop', 'Windows.Universal'],
    });
    expect(info.parts.map((part) => [part.type, part.architecture, part.fileName])).toEqual([
      ['application', 'x64', 'ContosoNotes_2.0.0.0_x64.msix'],
      ['application', 'arm64', 'ContosoNotes_2.0.0.0_arm64.msix'],
      ['resource', 'neutral', 'ContosoNotes_2.0.0.0_language-de-de.msix'],
    ]);
  });

  test('.appxbundle whose manifest has no device families: read from each inner package', async () => {
    await writeBundle(at('old.appxbundle'), {
      packages: [{ architecture: 'x86', deviceFamilies: [{ name: 'Windows.Xbox' }] }],
      familiesInManifest: false,
    });
    expect(await readPackage(at('old.appxbundle'))).toMatchObject({
      format: 'appxbundle',
      deviceFamilies: ['Windows.Xbox'],
    });
  });

  test.each([
    ['stored', false],
    ['deflated', true],
  ])('.msixupload wrapping a bundle (%s)', async (_label, compress) => {
    const file = at(`bundle-${compress}.msixupload`);
    const inner = await writeUpload(file, {
      compress,
      bundle: { version: '3.1.0.0', packages: [{ architecture: 'x86' }, { architecture: 'x64' }] },
    });
    const info = await readPackage(file);
    expect(info).toMatchObject({
      format: 'msixupload',
      kind: 'bundle',
      wrapped: [inner],
      version: '3.1.0.0',
      architectures: ['x86', 'x64'],
      deviceFamilies: ['Windows.Desktop'],
    });
    expect(info.read.inflatedBytes > 0).toBe(compress);
  });

  test('.appxupload wrapping a package', async () => {
    const inner = await writeUpload(at('single.appxupload'), { package: { version: '1.0.5.0', architecture: 'x86' } });
    expect(await readPackage(at('single.appxupload'))).toMatchObject({
      format: 'appxupload',
      kind: 'package',
      wrapped: [inner],
      architectures: ['x86'],
      parts: [{ fileName: inner, version: '1.0.5.0' }],
    });
  });
});

describe('files that are not readable packages', () => {
  test.each<[string, () => Promise<void>, RegExp]>([
    ['random.msix', () => writeFile(at('random.msix'), Buffer.alloc(5000, 7)), /not a zip file/],
    ['empty.msixupload', () => writeFile(at('empty.msixupload'), ''), /not a zip file/],
    [
      'nomanifest.msix',
      () => writePackage(at('nomanifest.msix'), { manifest: null }),
      /has neither AppxManifest\.xml nor AppxMetadata\/AppxBundleManifest\.xml/,
    ],
    [
      'nobundlemanifest.msixbundle',
      () => writeBundle(at('nobundlemanifest.msixbundle'), { manifest: null }),
      /has neither AppxManifest\.xml/,
    ],
    [
      'noidentity.msix',
      () =>
        writePackage(at('noidentity.msix'), {
          manifest:
            '<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"><Properties/></Package>',
        }),
      /AppxManifest\.xml has no Identity element/,
    ],
    [
      'noversion.msix',
      () => writePackage(at('noversion.msix'), { manifest: packageManifestXml().replace(/ Version="[^"]*"/, '') }),
      /the Identity element lacks Version/,
    ],
    [
      'notxml.msix',
      () => writePackage(at('notxml.msix'), { manifest: 'plain text, not XML' }),
      /has no Package root element/,
    ],
    [
      'nopackage.msixupload',
      () =>
        writeUpload(at('nopackage.msixupload'), { package: {} }).then(() =>
          writeFile(at('nopackage.msixupload'), Buffer.alloc(0)),
        ),
      /not a zip file/,
    ],
    ['missing.msix', async () => undefined, /cannot be opened \(ENOENT/],
    ['notes.txt', () => writeFile(at('notes.txt'), 'x'), /does not end with \.msix/],
    // A package type the Store takes, but without an AppxManifest.xml: not read, even when it is a zip.
    ['Old.xap', () => writePackage(at('Old.xap')), /does not end with \.msixupload, .*\.appxbundle$/],
  ])('%s is refused, naming the file', async (name, make, reason) => {
    await make();
    const error = await readPackage(at(name)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PackageReadError);
    expect((error as PackageReadError).file).toBe(at(name));
    expect((error as Error).message).toMatch(
      new RegExp(`^${at(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a readable package: `),
    );
    expect((error as Error).message).toMatch(reason);
  });

  test('readPackages reads every file and reports each failure instead of throwing', async () => {
    await writeUpload(at('a.msixupload'), { package: { name: 'Contoso.Other' } });
    await writeFile(at('random.msix'), Buffer.alloc(5000, 7));
    await writeUpload(at('b.msixupload'), { bundle: { packages: [{ architecture: 'x64' }] } });
    const readings = await readPackages([at('a.msixupload'), at('b.msixupload'), at('random.msix')]);
    expect(readings.map((reading) => ('info' in reading ? reading.info.name : 'error'))).toEqual([
      'Contoso.Other',
      DEFAULT_IDENTITY.name,
      'error',
    ]);
  });

  test('a manifest larger than any real one is refused before it is read', async () => {
    await writePackage(at('huge-manifest.msix'), {
      manifest: packageManifestXml().replace('<Properties>', `<Properties><!--${'x'.repeat(MAX_MANIFEST_BYTES)}-->`),
      compress: true,
    });
    await expect(readPackage(at('huge-manifest.msix'))).rejects.toThrow(/larger than any real manifest/);
  });
});

describe('memory stays flat: a large package is not loaded', () => {
  const PAYLOAD = 48 * 1024 * 1024;

  test('stored: only the directories and the manifest are read from disk', async () => {
    const file = at('large.msixupload');
    await writeUpload(file, { package: { payloadBytes: PAYLOAD, architecture: 'x64' } });
    const size = (await stat(file)).size;
    expect(size).toBeGreaterThan(PAYLOAD);
    const info = await readPackage(file);
    expect(info.architectures).toEqual(['x64']);
    expect(info.read.inflatedBytes).toBe(0);
    // The end records of the outer and the inner zip (yauzl reads up to 64 KiB for each), their
    // directories, the local headers and the manifest: a fixed amount, not the package.
    expect(info.read.fileBytes).toBeLessThan(256 * 1024);
    expect(info.read.fileBytes).toBeLessThan(size / 100);
  });

  test('deflated: the inner package streams through a bounded window', async () => {
    const file = at('large-deflated.msixupload');
    await writeUpload(file, { compress: true, package: { payloadBytes: PAYLOAD, architecture: 'arm64' } });
    const info = await readPackage(file);
    expect(info.architectures).toEqual(['arm64']);
    // The whole inner package was inflated once (it streams front to back) ...
    expect(info.read.inflatedBytes).toBeGreaterThan(PAYLOAD);
    expect(info.read.inflatedBytes).toBeLessThan(2 * PAYLOAD);
    // ... but never held: at most two windows and one chunk, far below the package's size.
    expect(info.read.peakBufferedBytes).toBeLessThanOrEqual(2 * WINDOW_BYTES + 1024 * 1024);
    expect(info.read.peakBufferedBytes).toBeLessThan(PAYLOAD / 4);
  });
});
