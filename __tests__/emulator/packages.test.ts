/** The emulator's pre-processing reads uploaded packages' manifests, as the Store does, over real HTTP and Azurite. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlockBlobClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';
import { SEED_APP_ID, startEmulator, type Emulator } from '../../test/emulator/index.js';
import { makeZip } from '../../test/emulator/zip.js';
import { writeBundle } from '../../test/support/packages.js';
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
