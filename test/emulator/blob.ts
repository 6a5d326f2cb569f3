/** Upload URLs in Azurite (SAS with a raw `+`, like the Store's), and fetching the uploaded zip at commit. */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Azurite } from '../support/azurite.js';

export const UPLOAD_CONTAINER = 'ingestion';
const SAS_VERSION = '2018-11-09';

export class BlobStore {
  private readonly credential: StorageSharedKeyCredential;
  private readonly service: BlobServiceClient;
  private ready: Promise<unknown> | undefined;

  constructor(
    private readonly azurite: Azurite,
    private readonly sasLifetimeMs: number,
  ) {
    this.credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    this.service = new BlobServiceClient(azurite.blobEndpoint, this.credential);
  }

  private async ensureContainer(): Promise<void> {
    this.ready ??= this.service.getContainerClient(UPLOAD_CONTAINER).createIfNotExists();
    await this.ready;
  }

  /**
   * A fresh blob's SAS URL, path-style, `sp=rwl`, whose base64 signature contains a raw `+`
   * (a client that does not encode it as `%2B` gets 403, as with the real service).
   */
  async newUploadUrl(): Promise<{ url: string; blob: { container: string; name: string }; expiresOn: Date }> {
    await this.ensureContainer();
    const key = Buffer.from(this.azurite.accountKey, 'base64');
    for (let attempt = 0; ; attempt++) {
      const name = randomUUID();
      const expiresOn = new Date(Math.floor((Date.now() + this.sasLifetimeMs) / 1000) * 1000 + attempt * 1000);
      const se = expiresOn.toISOString().replace(/\.\d+Z$/, 'Z');
      const stringToSign = [
        'rwl',
        '',
        se,
        `/blob/${this.azurite.accountName}/${UPLOAD_CONTAINER}/${name}`,
        '',
        '',
        '',
        SAS_VERSION,
        'b',
        '',
        '',
        '',
        '',
        '',
        '',
      ].join('\n');
      const sig = createHmac('sha256', key).update(stringToSign, 'utf8').digest('base64');
      if (!sig.includes('+')) continue;
      const encodedSig = encodeURIComponent(sig).replace(/%2B/g, '+');
      const url = `${this.azurite.blobEndpoint}/${UPLOAD_CONTAINER}/${name}?sv=${SAS_VERSION}&se=${encodeURIComponent(se)}&sr=b&sp=rwl&sig=${encodedSig}`;
      return { url, blob: { container: UPLOAD_CONTAINER, name }, expiresOn };
    }
  }

  /** Downloads the blob to a temp file; undefined when it does not exist. Caller removes the dir. */
  async download(blob: { container: string; name: string }): Promise<{ file: string; dir: string } | undefined> {
    const client = this.service.getContainerClient(blob.container).getBlobClient(blob.name);
    if (!(await client.exists())) return undefined;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'store-emulator-'));
    const file = path.join(dir, 'upload.zip');
    await client.downloadToFile(file);
    return { file, dir };
  }

  /** Removes the blob (best effort). */
  async remove(blob: { container: string; name: string }): Promise<void> {
    await this.service
      .getContainerClient(blob.container)
      .getBlobClient(blob.name)
      .deleteIfExists()
      .catch(() => undefined);
  }
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
