/**
 * Upload URLs in Azurite, in either form the Store sends (a service SAS with a raw `+`, or the live
 * service's user-delegation SAS, already percent-encoded), and fetching the uploaded zip at commit.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Azurite } from '../support/azurite.js';
import type { Shapes } from './types.js';

export const UPLOAD_CONTAINER = 'ingestion';
const SAS_VERSION = '2018-11-09';
/** The storage version of the live service's upload URLs (sv and skv, February 2026). */
const LIVE_SAS_VERSION = '2024-05-04';
/** Azurite derives a user delegation key from its fields with this seed (azurite/src/blob/utils/constants.ts). */
const AZURITE_UDK_SEED = 'azurite-user-delegation-signing-seed-v1';
/** The Entra tenant in the emulator's user-delegation URLs (the key's signed tenant). */
const UPLOAD_TENANT = '975f013f-0000-4000-8000-00000000b10b';

/** Seconds-precision ISO time, as SAS fields carry it. */
function sasTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

function hmac(key: string | Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64');
}

export class BlobStore {
  private readonly credential: StorageSharedKeyCredential;
  private readonly service: BlobServiceClient;
  private ready: Promise<unknown> | undefined;
  /** Recorded shapes: the query of each URL handed out, by blob name, as `name=value` pairs exactly as written. */
  private readonly issued = new Map<string, string[]>();
  /** Recorded shapes: where the emulator fronts Azurite (`http://127.0.0.1:PORT`); set once it listens. */
  frontUrl: string | undefined;

  constructor(
    private readonly azurite: Azurite,
    private readonly sasLifetimeMs: number,
    private readonly shapes: Shapes = 'documented',
  ) {
    this.credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    this.service = new BlobServiceClient(azurite.blobEndpoint, this.credential);
  }

  /** The path every fronted blob request starts with: `/<account>/`. */
  get frontPrefix(): string {
    return `/${this.azurite.accountName}/`;
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
    if (this.shapes === 'recorded') return this.userDelegationUrl();
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

  /**
   * A fresh blob's user-delegation SAS URL as the live service writes it (docs/store-api.md#the-plus-in-the-upload-url):
   * `skoid, sktid, skt, ske, sks, skv, sv, se, sr, sp, sig`, every value percent-encoded (`%3A`, `%2B`,
   * `%2F`, `%3D`). It points at the emulator's front (frontRequest), which passes a request on to
   * Azurite only when the query arrives as written; Azurite then checks the signature, made with the
   * delegation key it derives from the sk* fields.
   */
  private userDelegationUrl(): { url: string; blob: { container: string; name: string }; expiresOn: Date } {
    if (!this.frontUrl) throw new Error('emulator: the blob front has no address yet');
    const now = Date.now();
    for (;;) {
      const name = randomUUID();
      const expiresOn = new Date(Math.floor((now + this.sasLifetimeMs) / 1000) * 1000);
      const fields: Array<[string, string]> = [
        ['skoid', randomUUID()],
        ['sktid', UPLOAD_TENANT],
        ['skt', sasTime(now - 5 * 60_000)],
        ['ske', sasTime(now + 7 * 24 * 3600_000)],
        ['sks', 'b'],
        ['skv', LIVE_SAS_VERSION],
        ['sv', LIVE_SAS_VERSION],
        ['se', sasTime(expiresOn.getTime())],
        ['sr', 'b'],
        ['sp', 'rwl'],
      ];
      const value = Object.fromEntries(fields) as Record<string, string>;
      const key = hmac(AZURITE_UDK_SEED, [value.skoid, value.sktid, value.skt, value.ske, 'b', value.skv].join('\n'));
      // The string to sign of a user-delegation SAS from version 2020-12-06 on: the unused fields
      // (agent and correlation ids, IP, protocol; snapshot time, encryption scope, the five response headers) empty.
      const empty = (count: number): string[] => Array<string>(count).fill('');
      const stringToSign = [
        value.sp,
        '',
        value.se,
        `/blob/${this.azurite.accountName}/${UPLOAD_CONTAINER}/${name}`,
        value.skoid,
        value.sktid,
        value.skt,
        value.ske,
        value.sks,
        value.skv,
        ...empty(5),
        value.sv,
        value.sr,
        ...empty(7),
      ].join('\n');
      const sig = hmac(Buffer.from(key, 'base64'), stringToSign);
      // A signature with a `+` (sent as %2B) shows whether a client decodes or re-encodes the query,
      // as the documented form's raw `+` does.
      if (!sig.includes('+')) continue;
      const pairs = [...fields, ['sig', sig]].map(([field, text]) => `${field}=${encodeURIComponent(text!)}`);
      this.issued.set(name, pairs);
      const url = `${this.frontUrl}/${this.azurite.accountName}/${UPLOAD_CONTAINER}/${name}?${pairs.join('&')}`;
      return { url, blob: { container: UPLOAD_CONTAINER, name }, expiresOn };
    }
  }

  /**
   * Passes a blob request made to a user-delegation URL on to Azurite, if its query holds every
   * pair of the URL byte for byte (a client may add its own, such as `comp=block`); otherwise
   * answers 403 AuthenticationFailed, as the blob service does for a query decoded or encoded twice.
   */
  frontRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const raw = req.url ?? '/';
    const cut = raw.indexOf('?');
    const pathname = cut === -1 ? raw : raw.slice(0, cut);
    const sent = new Set(cut === -1 ? [] : raw.slice(cut + 1).split('&'));
    const issued = this.issued.get(decodeURIComponent(pathname.split('/').pop() ?? ''));
    const missing = issued?.filter((pair) => !sent.has(pair)) ?? ['sig'];
    if (missing.length > 0) {
      req.resume();
      const fields = missing.map((pair) => pair.split('=')[0]).join(', ');
      const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. The query does not hold ${fields} as the upload URL gives them.</Message></Error>`;
      res.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const onward = http.request(
      { host: '127.0.0.1', port: this.azurite.port, method: req.method, path: raw, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    onward.on('error', () => res.destroy());
    req.pipe(onward);
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
