/** Upload URLs in Azurite (SAS with a raw `+`, like the Store's) and reading the uploaded zip at commit. */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { readPackage } from '../../src/packages/read.js';
import type { Azurite } from '../support/azurite.js';
import type { PackageFacts, UploadedEntry } from './types.js';

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

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, zip) => (err ? reject(err) : resolve(zip)));
  });
}

/** Lists a zip's files with their uncompressed size and sha256. Rejects when it is not a readable zip. */
export async function readZipEntries(file: string): Promise<UploadedEntry[]> {
  const zip = await openZip(file);
  try {
    return await new Promise<UploadedEntry[]>((resolve, reject) => {
      const entries: UploadedEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err) {
            reject(err);
            return;
          }
          const hash = createHash('sha256');
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            hash.update(chunk);
          });
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, size, sha256: hash.digest('hex') });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/** sha256 of a file (for tests comparing uploads). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const PACKAGE_ENTRY = /\.(msix|appx)(upload|bundle)?$/i;

/**
 * What the Store's pre-processing learns from each package of the uploaded zip: its manifest's
 * version, architectures and device families, keyed by entry name (forward slashes). Each package
 * entry is extracted to `workDir` and read with the action's own manifest reader; an entry that is
 * not a readable package is left out (the emulator then falls back to the file name).
 */
export async function readZipPackages(file: string, workDir: string): Promise<Map<string, PackageFacts>> {
  const facts = new Map<string, PackageFacts>();
  const zip = await openZip(file);
  const extracted: { name: string; path: string }[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!PACKAGE_ENTRY.test(entry.fileName)) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err) {
            reject(err);
            return;
          }
          const target = path.join(workDir, `${extracted.length}-${path.basename(entry.fileName)}`);
          extracted.push({ name: entry.fileName.replace(/\\/g, '/'), path: target });
          pipeline(stream, createWriteStream(target)).then(() => zip.readEntry(), reject);
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  for (const entry of extracted) {
    try {
      const info = await readPackage(entry.path);
      const families = info.parts
        .filter((part) => part.type === 'application')
        .flatMap((part) =>
          part.targetDeviceFamilies.map((family) =>
            family.minVersion ? `${family.name} min version ${family.minVersion}` : family.name,
          ),
        );
      facts.set(entry.name, {
        version: info.version,
        architectures: info.architectures,
        targetDeviceFamilies: [...new Set(families)],
      });
    } catch {
      // Not a package the reader understands: the file name is all the emulator goes by.
    }
  }
  return facts;
}
