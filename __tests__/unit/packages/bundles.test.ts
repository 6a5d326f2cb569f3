/**
 * Issue 21: a bundle whose manifest disagrees with its payloads, and an upload file that holds
 * anything but one package or one bundle (plus symbols), are refused before anything is created,
 * naming the file, the payload or entries, and the field with both values.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { readPackage } from '../../../src/packages/index.js';
import {
  DEFAULT_IDENTITY,
  bundleManifestXml,
  packageManifestXml,
  packageStream,
  writeBundle,
  writeEntries,
  writeUpload,
  type BundleSpec,
} from '../../../test/support/packages.js';
import { refusalOf } from '../../../test/support/package-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bundles-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const at = (name: string): string => path.join(dir, name);

const BUNDLE_MANIFEST = 'AppxMetadata/AppxBundleManifest.xml';
const X64 = 'ContosoNotes_1.0.0.0_x64.msix';

describe('a bundle whose manifest disagrees with its payloads is refused, naming the payload and the field', () => {
  test.each<[string, BundleSpec, RegExp]>([
    [
      'name',
      { packages: [{ architecture: 'x64', name: 'Contoso.Other' }] },
      /> Other_1\.0\.0\.0_x64\.msix: its Identity Name is 'Contoso\.Other', but the bundle's is 'Contoso\.ContosoNotes'/,
    ],
    [
      'publisher',
      { packages: [{ architecture: 'x64', publisher: 'CN=Someone Else' }] },
      /: its Identity Publisher is 'CN=Someone Else', but the bundle's is 'CN=4AB1C2D3-/,
    ],
    [
      'version',
      {
        packages: [{ architecture: 'x64', version: '1.0.0.0' }],
        manifest: bundleManifestXml({ packages: [{ architecture: 'x64', version: '1.0.1.0' }] }).replace(
          'ContosoNotes_1.0.1.0_x64.msix',
          X64,
        ),
      },
      /: its Identity Version is '1\.0\.0\.0', but AppxBundleManifest\.xml declares Version '1\.0\.1\.0'/,
    ],
    [
      'architecture',
      {
        packages: [{ architecture: 'x64' }],
        manifest: bundleManifestXml({ packages: [{ architecture: 'x64' }] }).replace(
          'Architecture="x64"',
          'Architecture="arm64"',
        ),
      },
      /: its ProcessorArchitecture is 'x64', but AppxBundleManifest\.xml declares Architecture 'arm64'/,
    ],
    [
      'a declared payload that is missing',
      {
        packages: [{ architecture: 'x64' }],
        manifest: bundleManifestXml({ packages: [{ architecture: 'x64' }, { architecture: 'x86' }] }),
      },
      /AppxBundleManifest\.xml declares ContosoNotes_1\.0\.0\.0_x86\.msix, which the bundle does not hold/,
    ],
    [
      'a payload the manifest does not list',
      {
        packages: [{ architecture: 'x64' }, { architecture: 'x86' }],
        manifest: bundleManifestXml({ packages: [{ architecture: 'x64' }] }),
      },
      /holds ContosoNotes_1\.0\.0\.0_x86\.msix, which its AppxBundleManifest\.xml does not list/,
    ],
  ])('%s', async (label, spec, reason) => {
    const file = at(`${label.replaceAll(' ', '-')}.msixbundle`);
    await writeBundle(file, spec);
    const message = await refusalOf(file);
    expect(message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a readable package: `));
    expect(message).toMatch(reason);
  });

  test('a payload whose part name percent-encodes its FileName is the one the manifest names', async () => {
    // The FileName is spelled out: its '%41' is three characters, which the part name encodes as '%2541'.
    const spelled = 'Contoso Notés %41_1.0.0.0_x64.msix';
    // No device families in the bundle manifest: they are read from the payload, which must be found.
    const manifest = bundleManifestXml({ packages: [{ architecture: 'x64' }], familiesInManifest: false }).replace(
      X64,
      spelled,
    );
    const file = at('encoded.msixbundle');
    await writeEntries(file, [
      { name: encodeURIComponent(spelled), data: packageStream({ architecture: 'x64' }) },
      { name: BUNDLE_MANIFEST, data: Buffer.from(manifest), compress: true },
    ]);
    expect(await readPackage(file)).toMatchObject({
      kind: 'bundle',
      architectures: ['x64'],
      deviceFamilies: ['Windows.Desktop'],
    });
  });

  test("a payload whose ResourcePackage is xs:boolean '1' is a resource package", async () => {
    const file = at('boolean.msixbundle');
    await writeEntries(file, [
      {
        name: X64,
        data: packageStream({ manifest: packageManifestXml({ resourcePackage: true }).replace('>true<', '>1<') }),
      },
      { name: BUNDLE_MANIFEST, data: Buffer.from(bundleManifestXml()), compress: true },
    ]);
    expect(await refusalOf(file)).toContain(
      `boolean.msixbundle > ${X64} is a resource package (its Properties/ResourcePackage is true), but AppxBundleManifest.xml declares it Type="application"`,
    );
  });

  test('a bundle and its resource packages, as MakeAppx builds them, are read', async () => {
    await writeBundle(at('resources.msixbundle'), {
      packages: [{ architecture: 'x64' }],
      resourceLanguages: ['de-de'],
    });
    expect((await readPackage(at('resources.msixbundle'))).parts.map((part) => part.type)).toEqual([
      'application',
      'resource',
    ]);
  });
});

describe('an upload file holds exactly one package or one bundle, plus symbol files', () => {
  test('two loose packages (no bundle) are refused, naming both and how to build an upload file', async () => {
    const file = at('loose.msixupload');
    await writeEntries(file, [
      { name: 'ContosoNotes_1.0.0.0_x64.msix', data: packageStream({ architecture: 'x64' }) },
      { name: 'ContosoNotes_1.0.0.0_arm64.msix', data: packageStream({ architecture: 'arm64' }) },
      { name: 'ContosoNotes_1.0.0.0_x64.appxsym', data: Buffer.from('symbols') },
    ]);
    const message = await refusalOf(file);
    expect(message).toContain(
      'loose.msixupload wraps 2 packages (ContosoNotes_1.0.0.0_x64.msix, ContosoNotes_1.0.0.0_arm64.msix); an upload file holds exactly one package or one bundle',
    );
    expect(message).toMatch(/Create App Packages/);
    expect(message).toMatch(/makeappx bundle/);
  });

  test('a package beside a bundle is refused', async () => {
    const bundle = at('parts/inner.msixbundle');
    await writeBundle(bundle, { packages: [{ architecture: 'x64' }] });
    const file = at('mixed.appxupload');
    await writeEntries(file, [
      { name: 'ContosoNotes_1.0.0.0_x64.msixbundle', data: createReadStream(bundle) },
      { name: 'ContosoNotes_1.0.0.0_arm64.msix', data: packageStream({ architecture: 'arm64' }) },
    ]);
    expect(await refusalOf(file)).toContain(
      'mixed.appxupload wraps 2 packages (ContosoNotes_1.0.0.0_x64.msixbundle, ContosoNotes_1.0.0.0_arm64.msix)',
    );
  });

  test('symbol files alone are refused: the upload wraps no package', async () => {
    const file = at('symbols-only.msixupload');
    await writeEntries(file, [{ name: 'ContosoNotes_1.0.0.0_x64.msixsym', data: Buffer.from('symbols') }]);
    expect(await refusalOf(file)).toMatch(
      /symbols-only\.msixupload wraps no \.msix, \.appx, \.msixbundle or \.appxbundle file \(it holds ContosoNotes_1\.0\.0\.0_x64\.msixsym\)/,
    );
  });

  test('any other entry is refused, naming it and how to build an upload file', async () => {
    const file = at('extra.msixupload');
    await writeEntries(file, [
      { name: X64, data: packageStream({ architecture: 'x64' }) },
      { name: 'ContosoNotes_1.0.0.0_x64.appxsym', data: Buffer.from('symbols') },
      { name: 'notes.txt', data: Buffer.from('read me') },
      { name: 'Old/ContosoNotes_0.9.0.0_x64.zip', data: Buffer.from('an old build') },
    ]);
    const message = await refusalOf(file);
    expect(message).toContain(
      'extra.msixupload holds notes.txt, Old/ContosoNotes_0.9.0.0_x64.zip, which an upload file does not hold: it holds exactly one package or one bundle, at its root, plus its symbol files (.appxsym, .msixsym)',
    );
    expect(message).toMatch(/Create App Packages/);
  });

  test.each([
    ['alone', [`Build/${X64}`]],
    ['beside the package at the root', [X64, `Build/${X64}`]],
  ])('a package in a folder is refused, not read as the wrapped one (%s)', async (_label, names) => {
    const file = at(`nested-${names.length}.msixupload`);
    await writeEntries(
      file,
      names.map((name) => ({ name, data: packageStream({ architecture: 'x64' }) })),
    );
    expect(await refusalOf(file)).toContain(
      `nested-${names.length}.msixupload holds Build/${X64}, which an upload file does not hold`,
    );
  });

  test('folder entries are ignored', async () => {
    const file = at('folders.msixupload');
    const zip = new yazl.ZipFile();
    zip.addEmptyDirectory('Symbols/');
    zip.addReadStream(packageStream({ architecture: 'x64' }), X64, { compress: false });
    zip.addBuffer(Buffer.from('symbols'), 'Symbols/ContosoNotes_1.0.0.0_x64.appxsym');
    zip.end();
    await pipeline(zip.outputStream as Readable, createWriteStream(file));
    expect(await readPackage(file)).toMatchObject({ wrapped: [X64], name: DEFAULT_IDENTITY.name });
  });

  test('one bundle with its symbols is read', async () => {
    const inner = await writeUpload(at('good.msixupload'), { bundle: { packages: [{ architecture: 'x64' }] } });
    expect(await readPackage(at('good.msixupload'))).toMatchObject({ wrapped: [inner], name: DEFAULT_IDENTITY.name });
  });
});
