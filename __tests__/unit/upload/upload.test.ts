/** The upload path against real Azurite: zip on the fly, staged blocks, retries, errors. */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { secrets } from '../../../src/redact.js';
import { UploadError } from '../../../src/upload/errors.js';
import type { UploadProgress } from '../../../src/upload/progress.js';
import { uploadEntries, uploadZipFile } from '../../../src/upload/upload.js';
import { zipSize } from '../../../src/upload/zip.js';
import { startAzurite, type Azurite } from '../../../test/support/azurite.js';
import { makeContainer, type Container } from './support.js';

let azurite: Azurite;
let container: Container;
let dir: string;
const files: Record<string, Buffer> = {};

async function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  const zipFile = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (e, z) => (e ? reject(e) : resolve(z))),
  );
  return new Promise((resolve, reject) => {
    const out = new Map<string, Buffer>();
    zipFile.on('error', reject);
    zipFile.on('end', () => resolve(out));
    zipFile.on('entry', (entry: yauzl.Entry) =>
      zipFile.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zipFile.readEntry();
        });
      }),
    );
    zipFile.readEntry();
  });
}

beforeAll(async () => {
  azurite = await startAzurite();
  container = await makeContainer(azurite);
  dir = await mkdtemp(path.join(os.tmpdir(), 'upload-test-'));
  await mkdir(path.join(dir, 'en-us'));
  files['MyApp_1.0.0.0_x64.msixupload'] = randomBytes(5 * 1024 * 1024 + 12345);
  files['en-us/Screenshot_1.png'] = randomBytes(70_000);
  files['en-us/Screenshot_2.png'] = randomBytes(300);
  files['en-us/empty.png'] = Buffer.alloc(0);
  for (const [name, data] of Object.entries(files)) await writeFile(path.join(dir, name), data);
});

afterAll(async () => {
  await azurite?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => secrets.clear());

const entries = () => Object.keys(files).map((name) => ({ name, path: path.join(dir, name) }));

describe('uploadEntries', () => {
  it('uploads a multi-block zip that comes back byte-identical, with exact progress', async () => {
    const url = container.sasUrl();
    const logger = new MemoryLogger();
    const progress: UploadProgress[] = [];
    const result = await uploadEntries(url, entries(), {
      logger,
      blockSize: 256 * 1024,
      concurrency: 3,
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 0,
    });
    const expectedSize = zipSize(Object.entries(files).map(([name, data]) => ({ name, size: data.length })));
    expect(result.bytes).toBe(expectedSize);
    expect(result.entries).toEqual(Object.entries(files).map(([name, data]) => ({ name, size: data.length })));
    const blob = await container.download(url);
    expect(blob.length).toBe(expectedSize);
    const unzipped = await unzip(blob);
    expect([...unzipped.keys()]).toEqual(Object.keys(files));
    for (const [name, data] of Object.entries(files)) expect(unzipped.get(name)?.equals(data)).toBe(true);

    expect(progress.length).toBeGreaterThan(20);
    const sent = progress.map((p) => p.bytesSent);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ bytesSent: expectedSize, totalBytes: expectedSize });
    expect(logger.text()).toMatch(
      /Uploading 4 files zipped on the fly \(5\.3 MB\) to http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/\S+\?… with 1 MiB of buffers/,
    );
    expect(logger.text()).toMatch(
      /Uploaded 5\.3 MB in [\d.]+ s \([\d.]+ MB\/s\), \d+ blocks; ended with 3 blocks of 0\.25 MiB in flight/,
    );
    expect(logger.text()).toMatch(/Uploading: \d+% \([\d.]+ of 5\.3 MB\), [\d.]+ MB\/s/);
    expect(logger.text()).toMatch(/Uploaded 5\.3 MB in [\d.]+ s/);
    expect(logger.text()).not.toMatch(/sig=|sv=|se=/);
  });

  it("sends a SAS whose signature has a raw '+' as %2B", async () => {
    const url = container.sasUrlWithPlus();
    expect(url).toMatch(/sig=[^&]*\+/);
    const result = await uploadEntries(url, entries().slice(1), {});
    const unzipped = await unzip(await container.download(url));
    expect(unzipped.get('en-us/Screenshot_1.png')?.equals(files['en-us/Screenshot_1.png']!)).toBe(true);
    expect(result.bytes).toBeGreaterThan(70_000);
    // The signature was registered as a secret before the upload.
    const sig = decodeURIComponent(url.split('sig=')[1]!.split('&')[0]!.replace(/\+/g, '%2B'));
    expect(secrets.redact(`x ${sig} y`)).toBe('x *** y');
  });

  it('fails with a clear error, without the query, when the SAS is refused', async () => {
    const url = container.sasUrl().replace(/sig=[^&]+/, 'sig=AAAA%2BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D');
    const error = await uploadEntries(url, entries(), { blockSize: 1024 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).httpStatus).toBe(403);
    expect((error as UploadError).message).toMatch(
      /^Staging block \d+ \(\d+ bytes\) of the upload to http:\/\/127\.0\.0\.1:\d+\/\S+\?… failed with HTTP 403/,
    );
    expect((error as UploadError).message).toMatch(/Hint: the SAS may have expired/);
    expect((error as UploadError).message).not.toMatch(/sig=|sv=|AAAA/);
  });

  it('names a missing file before anything is sent', async () => {
    await expect(
      uploadEntries(container.sasUrl(), [{ name: 'a.png', path: path.join(dir, 'nope.png') }]),
    ).rejects.toThrow(/Cannot read '.*nope\.png' \(zip entry 'a\.png'\)/);
  });
});

/** A loopback proxy in front of Azurite that can fail chosen requests. */
async function faultyProxy(fault: (req: http.IncomingMessage, blockRequests: number) => 'pass' | '503' | 'reset') {
  let blockRequests = 0;
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const isBlock = /[?&]comp=block(&|$)/.test(req.url ?? '');
    if (isBlock) blockRequests++;
    const action = isBlock ? fault(req, blockRequests) : 'pass';
    seen.push(
      `${action} ${req.method} ${isBlock ? 'block' : (req.url ?? '').includes('comp=blocklist') ? 'blocklist' : 'other'}`,
    );
    if (action === 'reset') {
      req.socket.destroy();
      return;
    }
    if (action === '503') {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'x-ms-error-code': 'ServerBusy', 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>Busy</Message></Error>');
      });
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: azurite.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    seen,
    url: (azuriteUrl: string) => azuriteUrl.replace(`127.0.0.1:${azurite.port}`, `127.0.0.1:${port}`),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('retries', () => {
  it('retries a block answered 503 and a block whose connection was reset, and the upload completes', async () => {
    const proxy = await faultyProxy((_req, n) => (n === 2 ? '503' : n === 5 ? 'reset' : 'pass'));
    try {
      const azuriteUrl = container.sasUrl();
      const logger = new MemoryLogger();
      const sleeps: number[] = [];
      await uploadEntries(proxy.url(azuriteUrl), entries(), {
        logger,
        blockSize: 1024 * 1024,
        concurrency: 2,
        retry: { sleep: async (ms) => void sleeps.push(ms) },
      });
      expect(sleeps).toHaveLength(2);
      expect(proxy.seen.filter((s) => s.startsWith('503'))).toHaveLength(1);
      expect(proxy.seen.filter((s) => s.startsWith('reset'))).toHaveLength(1);
      expect(logger.text()).toMatch(
        /Staging block \d+ \(\d+ bytes\) of the upload: failed \(HTTP 503\); retrying in [\d.]+ s \(attempt 2\)/,
      );
      expect(logger.text()).toMatch(/failed \((ECONNRESET|network error|REQUEST_SEND_ERROR)\); retrying/);
      const unzipped = await unzip(await container.download(azuriteUrl));
      for (const [name, data] of Object.entries(files)) expect(unzipped.get(name)?.equals(data)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('gives up after the last attempt with the status of the last answer', async () => {
    const proxy = await faultyProxy(() => '503');
    try {
      const error = await uploadEntries(proxy.url(container.sasUrl()), entries(), {
        blockSize: 1024 * 1024,
        retry: { maxAttempts: 3, sleep: async () => undefined },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadError);
      expect((error as UploadError).message).toMatch(/failed with HTTP 503 ServerBusy/);
    } finally {
      await proxy.close();
    }
  });
});

describe('uploadZipFile', () => {
  it('uploads a ready zip as it is, in blocks, and lists its entries', async () => {
    const url = container.sasUrl();
    await uploadEntries(url, entries(), {});
    const zip = await container.download(url);
    const zipPath = path.join(dir, 'ready.zip');
    await writeFile(zipPath, zip);
    const target = container.sasUrlWithPlus();
    const result = await uploadZipFile(target, zipPath, { blockSize: 512 * 1024, concurrency: 2 });
    expect(result.bytes).toBe(zip.length);
    expect(result.entries.map((e) => e.name)).toEqual(Object.keys(files));
    expect((await container.download(target)).equals(zip)).toBe(true);
  });

  it('refuses a file that is not a zip', async () => {
    const notZip = path.join(dir, 'not.zip');
    await writeFile(notZip, randomBytes(1000));
    await expect(uploadZipFile(container.sasUrl(), notZip)).rejects.toThrow(
      /Cannot use '.*not\.zip' as the upload zip: .*not a zip file/,
    );
  });
});
