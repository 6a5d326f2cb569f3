/**
 * The emulator's pre-processing reads uploaded packages' manifests, as the Store does, with its own
 * zip and XML code (test/emulator/unzip.ts, xml.ts): checked here on Microsoft's own test packages
 * and over real HTTP and Azurite.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlockBlobClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';
import { SEED_APP_ID, startEmulator, type Emulator } from '../../test/emulator/index.js';
import { readPackageFile, readZipEntries } from '../../test/emulator/preprocess.js';
import { makeZip } from '../../test/emulator/zip.js';
import { microsoftTestPackagesDir, writeBundle } from '../../test/support/packages.js';
import { client, waitFor } from './helpers.js';

let azurite: Azurite;
let em: Emulator;
let work: string;

beforeAll(async () => {
  azurite = await startAzurite();
  em = await startEmulator({ azurite, statusStepMs: 30 });
  work = await mkdtemp(path.join(os.tmpdir(), 'emulator-packages-'));
});
afterAll(async () => {
  await em?.close();
  await azurite?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pre-processing', () => {
  it('takes version, architectures and device families from the manifest, not from the file name', async () => {
    const api = await client(em);
    const bundle = path.join(work, 'Contoso.msixbundle');
    await writeBundle(bundle, {
      version: '4.2.0.0',
      packages: [
        { architecture: 'x64', deviceFamilies: [{ name: 'Windows.Desktop', minVersion: '10.0.19041.0' }] },
        { architecture: 'arm64', deviceFamilies: [{ name: 'Windows.Desktop', minVersion: '10.0.19041.0' }] },
      ],
    });
    const sub = (await api('POST', `applications/${SEED_APP_ID}/submissions`)).json;
    // The name announces neither version nor architecture: only the manifest can tell.
    sub.applicationPackages.push({
      fileName: 'bundles/Contoso.msixbundle',
      fileStatus: 'PendingUpload',
      minimumDirectXVersion: 'None',
      minimumSystemRam: 'None',
    });
    sub.applicationPackages.push({
      fileName: 'Other_1.5.0.0_x86.msixupload',
      fileStatus: 'PendingUpload',
      minimumDirectXVersion: 'None',
      minimumSystemRam: 'None',
    });
    await api('PUT', `applications/${SEED_APP_ID}/submissions/${sub.id}`, sub);
    const zip = makeZip([
      { name: 'bundles/Contoso.msixbundle', data: await readFile(bundle) },
      { name: 'Other_1.5.0.0_x86.msixupload', data: 'not a package: the name is all there is' },
    ]);
    await new BlockBlobClient(sub.fileUploadUrl.replace(/\+/g, '%2B')).uploadData(zip);
    await api('POST', `applications/${SEED_APP_ID}/submissions/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'Published');
    const packages = (await api('GET', `applications/${SEED_APP_ID}/submissions/${sub.id}`)).json.applicationPackages;
    expect(packages.slice(1)).toEqual([
      expect.objectContaining({
        fileName: 'bundles/Contoso.msixbundle',
        version: '4.2.0.0',
        architecture: 'x64, ARM64',
        targetDeviceFamilies: ['Windows.Desktop min version 10.0.19041.0'],
      }),
      expect.objectContaining({ fileName: 'Other_1.5.0.0_x86.msixupload', version: '1.5.0.0', architecture: 'x86' }),
    ]);
  });
});

const MICROSOFT = microsoftTestPackagesDir();
const MS_PUBLISHER = 'CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US';
const UWP_TEST_APP = '20477fca-282d-49fb-b03e-371dca074f0f';

/**
 * Microsoft's packages with the identity their own AppxManifest.xml or AppxBundleManifest.xml
 * writes, and the zip features each one exercises.
 */
const MICROSOFT_PACKAGES: [file: string, feature: string, facts: object][] = [
  [
    'HelloWorld.appx',
    'no ProcessorArchitecture: neutral',
    {
      name: '987c313f-792a-5734-8852-88815fdfef0c',
      publisher: MS_PUBLISHER,
      version: '1.2.0.3',
      architectures: ['neutral'],
      targetDeviceFamilies: ['Windows.Desktop min version 10.0.14342.0'],
    },
  ],
  [
    'TestAppxPackage_x64.appx',
    'signed UWP package',
    {
      name: UWP_TEST_APP,
      publisher: MS_PUBLISHER,
      version: '1.0.0.0',
      architectures: ['x64'],
      targetDeviceFamilies: ['Windows.Universal min version 10.0.10586.0'],
    },
  ],
  [
    'TestAppxPackage_Win32.appx',
    'signed UWP package for x86',
    {
      name: UWP_TEST_APP,
      publisher: MS_PUBLISHER,
      version: '1.0.0.0',
      architectures: ['x86'],
      targetDeviceFamilies: ['Windows.Universal min version 10.0.10586.0'],
    },
  ],
  [
    'UnsignedZip64WithCI-APPX_E_MISSING_REQUIRED_FILE.appx',
    'Zip64 end records',
    {
      name: 'Microsoft.Help',
      publisher: MS_PUBLISHER,
      version: '1.0.0.0',
      architectures: ['neutral'],
      targetDeviceFamilies: [],
    },
  ],
  [
    'BlockMap/Extra_file_in_blockmap.msix',
    'deflate streams without a final block',
    {
      name: 'msix-packaging-demo',
      publisher: 'CN=packdemo',
      version: '1.0.0.0',
      architectures: ['x64'],
      targetDeviceFamilies: ['Windows.Universal min version 10.0.17134.0'],
    },
  ],
  [
    'platforms/TestWindows.msix',
    'three target device families',
    {
      name: 'BestAppExtension',
      publisher: 'CN=awesomepublisher',
      version: '1.0.0.0',
      architectures: ['neutral'],
      targetDeviceFamilies: [
        'Windows8.Desktop min version 0.0.0.0',
        'Windows7.Desktop min version 0.0.0.0',
        'Windows.Universal min version 0.0.0.0',
      ],
    },
  ],
  [
    'bundles/ContainsNeutralAndX86AppPackages.appxbundle',
    'bundle of two application packages',
    {
      name: 'Test',
      publisher: 'CN=TestPublisher',
      version: '2013.110.2352.3948',
      architectures: ['neutral', 'x86'],
      targetDeviceFamilies: [],
    },
  ],
  [
    'bundles/BundleWithIntlPackage.appxbundle',
    "bundle whose package's part name is percent-encoded; families from that package's manifest",
    {
      name: UWP_TEST_APP,
      publisher: MS_PUBLISHER,
      version: '2018.1126.2350.0',
      architectures: ['x86'],
      targetDeviceFamilies: ['Windows.Universal min version 10.0.10586.0'],
    },
  ],
  [
    'bundles/ContainsOnlyResourcePackages.appxbundle',
    'bundle of resource packages only: no architecture',
    {
      name: 'Test',
      publisher: 'CN=TestPublisher',
      version: '2013.111.9.5239',
      architectures: [],
      targetDeviceFamilies: [],
    },
  ],
];

/** Microsoft's files that Windows refuses to open as packages, and why. */
const MICROSOFT_REFUSED: [file: string, reason: RegExp][] = [
  ['Empty.appx', /too short for a zip/],
  ['OPC_E_ZIP_CORRUPTED_ARCHIVE.appx', /end record gives a 380-byte central directory/],
  ['bundles/ManifestIsMissing.appxbundle', /has no AppxMetadata\/AppxBundleManifest\.xml/],
];

(MICROSOFT ? describe : describe.skip)(
  MICROSOFT
    ? "the emulator's package reader on Microsoft's test packages"
    : "the emulator's package reader on Microsoft's test packages: skipped, no shared/realdata/microsoft-msix-packaging beside the repository or its parent folders",
  () => {
    const dir = MICROSOFT ?? '';

    it.each(MICROSOFT_PACKAGES)('%s (%s): identity as its manifest gives it', async (file, _feature, facts) => {
      expect(await readPackageFile(path.join(dir, file), work)).toEqual(facts);
    });

    it.each(MICROSOFT_REFUSED)('%s is refused', async (file, reason) => {
      await expect(readPackageFile(path.join(dir, file), work)).rejects.toThrow(reason);
    });

    it('lists the files of a package with data descriptors, stored and deflated entries, with sizes and sha256', async () => {
      const entries = await readZipEntries(path.join(dir, 'HelloWorld.appx'));
      expect(entries).toHaveLength(124);
      // Size and sha256 of the inflated manifest, as Python's zipfile gives them.
      expect(entries.find((entry) => entry.name === 'AppxManifest.xml')).toEqual({
        name: 'AppxManifest.xml',
        size: 1252,
        sha256: '7c70ad1dea3111b008711af1a3a77f6f0cbc0f9a8d36c2dbbbf0074d04a56db2',
      });
    });
  },
);

describe('the uploaded zip is read by the zip format alone', () => {
  it('reads the Zip64 form: sizes and offsets from the Zip64 extra field, the directory from the Zip64 end record', async () => {
    const payload = randomBytes(3000);
    const file = path.join(work, 'zip64.zip');
    await writeFile(
      file,
      makeZip(
        [
          { name: 'en-us/title.txt', data: 'Contoso Notes' },
          { name: 'Contoso_1.0.0.0_x64.msixupload', data: payload },
        ],
        { zip64: true },
      ),
    );
    expect(await readZipEntries(file)).toEqual([
      { name: 'en-us/title.txt', size: 13, sha256: createHash('sha256').update('Contoso Notes').digest('hex') },
      {
        name: 'Contoso_1.0.0.0_x64.msixupload',
        size: 3000,
        sha256: createHash('sha256').update(payload).digest('hex'),
      },
    ]);
  });

  it('an entry whose bytes do not match its CRC-32 ends the commit in InvalidArchive', async () => {
    const api = await client(em);
    const sub = (await api('POST', `applications/${SEED_APP_ID}/submissions`)).json;
    sub.applicationPackages.push({
      fileName: 'App_2.0.0.0_x64.msixupload',
      fileStatus: 'PendingUpload',
      minimumDirectXVersion: 'None',
      minimumSystemRam: 'None',
    });
    await api('PUT', `applications/${SEED_APP_ID}/submissions/${sub.id}`, sub);
    const zip = makeZip([{ name: 'App_2.0.0.0_x64.msixupload', data: 'the package bytes' }]);
    // The stored data starts after the 30-byte local header and the name; one changed byte breaks the CRC.
    const data = 30 + 'App_2.0.0.0_x64.msixupload'.length;
    zip.writeUInt8(zip.readUInt8(data) ^ 0xff, data);
    await new BlockBlobClient(sub.fileUploadUrl.replace(/\+/g, '%2B')).uploadData(zip);
    await api('POST', `applications/${SEED_APP_ID}/submissions/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'CommitFailed');
    expect(em.state.statusDetails(sub.id).errors).toEqual([
      { code: 'InvalidArchive', details: expect.stringContaining('CRC-32') },
    ]);
  });
});
