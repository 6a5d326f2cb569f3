/**
 * What the Azure SDK puts on the wire for the upload, seen by a loopback blob server and a loopback
 * forward proxy that record each request target: the SAS query byte for byte (a raw '+' as %2B),
 * errors that hold no part of it, and the proxy chosen by the runner's variables. The upload URL the
 * live Store gave in February 2026 (a user-delegation SAS, already percent-encoded: skoid, sktid,
 * skt, ske, sks, skv, sig=...%3D), read from shared/realdata's recorded create answer at test time,
 * is the probe of the last suite.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { secrets } from '../../../src/redact.js';
import { UploadError } from '../../../src/upload/errors.js';
import { uploadEntries } from '../../../src/upload/upload.js';
import { openUploadUrl, sasExpiryProblem } from '../../../src/upload/url.js';
import { exchange, recordedExchanges } from '../../../test/support/exchanges.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { REAL_DATA_ABSENT } from '../../../test/support/packages.js';
import { startBlobServer, type BlobServer } from './blobserver.js';

const MiB = 1024 * 1024;
const instant = { sleep: async () => undefined };
/** A query shaped like the Store's: encoded and raw ':' and '/', and a signature with '+', '/' and '='. */
const QUERY_AS_SENT =
  'sv=2025-05-05&st=2030-01-01T00:00:00Z&se=2030-01-02T00%3A00%3A00Z&sr=b&sp=cw&skoid=8e3b9a/c:d&sig=qW3x%2Bk9/Lm%3D';
/** Its signature as the Store may give it: a raw '+'. */
const QUERY_AS_GIVEN = QUERY_AS_SENT.replace('%2B', '+');
/** Pieces of the query that must never show in an error. */
const QUERY_PIECES = ['qW3x', 'k9/Lm', 'Lm%3D', '8e3b9a', 'sv=', 'sig=', 'skoid', '2025-05-05'];

let dir: string;
let server: BlobServer | undefined;
const entries = () => [
  { name: 'App_1.0.0.0_x64.msixupload', path: path.join(dir, 'app.bin') },
  { name: 'Screenshot_1.png', path: path.join(dir, 'shot.png') },
];
/** The blob server's blob with `query` instead of its own. */
const blobUrl = (query: string) => `${server?.url.split('?')[0]}?${query}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'blob-requests-'));
  await writeFile(path.join(dir, 'app.bin'), randomBytes(2 * MiB + 100));
  await writeFile(path.join(dir, 'shot.png'), randomBytes(5000));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  secrets.clear();
});

describe('the SAS URL on the wire', () => {
  it("reaches the service as the Store gave it, a raw '+' as %2B, with only comp and blockid appended", async () => {
    server = await startBlobServer();
    await uploadEntries(blobUrl(QUERY_AS_GIVEN), entries(), { blockSize: MiB, concurrency: 2 });
    const blobPath = new URL(server.url).pathname;
    expect(server.requests.length).toBeGreaterThan(3);
    for (const request of server.requests) {
      expect(request).toMatch(
        new RegExp(
          `^PUT ${blobPath}\\?${QUERY_AS_SENT.replace(/[.?+*()[\]\\]/g, '\\$&')}&comp=(block&blockid=[A-Za-z0-9%]+|blocklist)$`,
        ),
      );
    }
    expect(server.requests.at(-1)).toMatch(/&comp=blocklist$/);
  });
});

/** Everything an error shows when printed: message, stack, own properties, causes. */
const shown = (error: unknown) => `${String(error)}\n${inspect(error, { depth: 8 })}`;

describe('errors of blob requests', () => {
  it('a refused block: status, code and the service message, and no part of the query', async () => {
    server = await startBlobServer(() => ({ status: 403, code: 'AuthenticationFailed' }));
    const error = await uploadEntries(blobUrl(QUERY_AS_GIVEN), entries(), { blockSize: MiB, retry: instant }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ httpStatus: 403, code: 'AuthenticationFailed' });
    expect((error as Error).message).toMatch(
      /^Staging block \d+ \(\d+ bytes\) of the upload to http:\/\/127\.0\.0\.1:\d+\/account\/ingestion\/blob-1\?… failed with HTTP 403 AuthenticationFailed: Injected AuthenticationFailed\. Hint: the SAS/,
    );
    for (const piece of QUERY_PIECES) expect(shown(error)).not.toContain(piece);
  });

  it('a refused commit: the same, after every block was staged', async () => {
    server = await startBlobServer(undefined, () => ({ status: 409, code: 'InvalidBlockList' }));
    const error = await uploadEntries(blobUrl(QUERY_AS_GIVEN), entries(), { blockSize: MiB, retry: instant }).catch(
      (e: unknown) => e,
    );
    expect(server.puts.every((p) => p.outcome === 'staged')).toBe(true);
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ httpStatus: 409, code: 'InvalidBlockList' });
    expect((error as Error).message).toMatch(
      /^Committing the block list of the upload to http:\/\/127\.0\.0\.1:\d+\/account\/ingestion\/blob-1\?… failed with HTTP 409 InvalidBlockList: Injected InvalidBlockList$/,
    );
    for (const piece of QUERY_PIECES) expect(shown(error)).not.toContain(piece);
  });

  it('a connection refused, retried, then reported with its code and no part of the query', async () => {
    server = await startBlobServer();
    const url = blobUrl(QUERY_AS_GIVEN);
    await server.close();
    const error = await uploadEntries(url, entries(), {
      blockSize: MiB,
      retry: { ...instant, maxAttempts: 2 },
    }).catch((e: unknown) => e);
    server = undefined;
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).code).toBe('ECONNREFUSED');
    expect((error as Error).message).toMatch(
      /failed ECONNREFUSED: .*ECONNREFUSED.*Hint: the upload host could not be reached/,
    );
    for (const piece of QUERY_PIECES) expect(shown(error)).not.toContain(piece);
  });
});

/** A forward proxy on loopback that records the absolute request targets it carried. */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const proxy = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = http.request(new URL(req.url ?? ''), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

describe('the proxy, as the runner sets it', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  /** Uploads with these proxy variables; resolves to the request targets the proxy carried. */
  async function through(variables: (proxyUrl: string, blobPort: string) => Record<string, string>): Promise<string[]> {
    server = await startBlobServer();
    const proxy = await startProxy();
    try {
      for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'])
        delete process.env[name];
      Object.assign(process.env, variables(proxy.url, new URL(server.url).port));
      await uploadEntries(blobUrl(QUERY_AS_GIVEN), entries(), { blockSize: MiB, concurrency: 2 });
      expect(server.committed).toHaveLength(server.puts.length);
      return proxy.seen;
    } finally {
      await proxy.close();
    }
  }

  it('sends every blob request through HTTP_PROXY, its query as the Store gave it', async () => {
    const seen = await through((proxy) => ({ HTTP_PROXY: proxy }));
    expect(seen).toHaveLength(server?.requests.length ?? -1);
    const origin = new URL(server?.url ?? '').origin;
    for (const request of seen)
      expect(request.startsWith(`PUT ${origin}/account/ingestion/blob-1?${QUERY_AS_SENT}&comp=`)).toBe(true);
  });

  it.each([
    ['NO_PROXY=*', () => ({ NO_PROXY: '*' })],
    ['NO_PROXY naming the host and its port', (port: string) => ({ NO_PROXY: `example.org, 127.0.0.1:${port}` })],
    ['no_proxy in lower case', () => ({ no_proxy: '127.0.0.1' })],
  ])('goes directly when %s exempts the host', async (_name, exemption) => {
    const seen = await through((proxy, port) => ({ HTTP_PROXY: proxy, ...exemption(port) }));
    expect(seen).toEqual([]);
  });

  it('keeps the proxy when NO_PROXY names the host on another port', async () => {
    const seen = await through((proxy) => ({ HTTP_PROXY: proxy, NO_PROXY: '127.0.0.1:1' }));
    expect(seen.length).toBeGreaterThan(0);
  });

  it('takes HTTPS_PROXY for https URLs only: an http URL without HTTP_PROXY goes directly', async () => {
    const seen = await through((proxy) => ({ HTTPS_PROXY: proxy }));
    expect(seen).toEqual([]);
  });
});

const recorded = recordedExchanges('packaged');
/** The recorded fileUploadUrl (its SAS expired in February 2026). */
const recordedUrl = recorded
  ? String((exchange(recorded, 'Creating New Submission').response as { fileUploadUrl: string }).fileUploadUrl)
  : '';
const recordedQuery = recordedUrl.slice(recordedUrl.indexOf('?') + 1);
/** A moment the recorded SAS was still valid at. */
const whileValid = () => new Date('2026-02-09T08:00:00Z');

/** Every value of the recorded query as it is sent and decoded, and each name=value pair: none may show anywhere. */
function queryPieces(): string[] {
  const pieces = new Set<string>();
  for (const pair of recordedQuery.split('&')) {
    const value = pair.slice(pair.indexOf('=') + 1);
    // Values under 4 characters (sks=b, sr=b, sp=rwl) are words of ordinary text too: the pair is checked instead.
    for (const form of [value, decodeURIComponent(value)]) if (form.length >= 4) pieces.add(form);
    pieces.add(pair);
  }
  return [...pieces];
}

if (!recorded) console.log(`recorded-sas: ${REAL_DATA_ABSENT}`);
const describeRecorded = recorded ? describe : describe.skip;

describeRecorded('the user-delegation SAS URL the live Store gave (recorded, read at test time)', () => {
  test('is percent-encoded already, as the live Store gives it', () => {
    expect(recordedQuery).toMatch(/(^|&)skoid=[^&]+&sktid=[^&]+&skt=[^&]*%3A[^&]*&ske=[^&]+&sks=b&skv=[^&]+/);
    expect(recordedQuery).toMatch(/&sig=[^&]+%3D$/);
  });

  test('reaches the blob service byte for byte on every block and on the block list, nothing encoded twice', async () => {
    server = await startBlobServer();
    await uploadEntries(blobUrl(recordedQuery), entries(), { blockSize: MiB, concurrency: 2, now: whileValid });
    const blobPath = new URL(server.url).pathname;
    expect(server.requests.length).toBeGreaterThan(3);
    for (const request of server.requests) {
      const target = request.slice('PUT '.length);
      expect(target.startsWith(`${blobPath}?${recordedQuery}&comp=`)).toBe(true);
      expect(target).not.toContain('%25');
    }
    expect(server.requests.filter((r) => r.endsWith('&comp=blocklist'))).toHaveLength(1);
    expect(openUploadUrl(recordedUrl, whileValid())).toBe(recordedUrl);
  });

  test('no part of its query shows in the upload log or in a refused block error', async () => {
    server = await startBlobServer(() => ({ status: 403, code: 'AuthenticationFailed' }));
    const logger = new MemoryLogger();
    const error = await uploadEntries(blobUrl(recordedQuery), entries(), {
      blockSize: MiB,
      logger,
      now: whileValid,
      retry: instant,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    const visible = `${logger.text()}\n${shown(error)}`;
    for (const piece of queryPieces()) expect([piece, visible.includes(piece)]).toEqual([piece, false]);
  });

  test('every part of its query is masked wherever a text could quote it', () => {
    openUploadUrl(recordedUrl, whileValid());
    for (const piece of queryPieces()) {
      expect([piece, secrets.redact(`the Store said: ${piece} (in a message)`).includes(piece)]).toEqual([
        piece,
        false,
      ]);
    }
  });

  test('its expiry problem, once expired, names the upload without any part of the query', () => {
    const problem = sasExpiryProblem(recordedUrl, new Date('2026-02-11T07:24:27Z')) ?? '';
    expect(problem).toMatch(/expired 24 h 00 min ago/);
    for (const piece of queryPieces()) expect([piece, problem.includes(piece)]).toEqual([piece, false]);
    for (const piece of ['2026-02-10T07:24:27', '2026-02-10T07%3A24%3A27Z'])
      expect([piece, problem.includes(piece)]).toEqual([piece, false]);
  });
});
