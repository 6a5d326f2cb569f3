/**
 * The upload URL the live Store gave in February 2026 (a user-delegation SAS whose query is already
 * percent-encoded: skoid, sktid, skt, ske, sks, skv, sig=...%3D), read from shared/realdata's
 * recorded create answer at test time and used as the probe: its query reaches the blob service
 * byte for byte on every block and on the block list, and no part of it shows in a log line, an
 * error or a redacted text.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

let dir: string;
let server: BlobServer | undefined;
const entries = () => [{ name: 'App_1.0.0.0_x64.msixupload', path: path.join(dir, 'app.bin') }];
/** The loopback blob with the recorded query in place of its own. */
const probeUrl = () => `${server?.url.split('?')[0]}?${recordedQuery}`;

if (!recorded) console.log(`recorded-sas: ${REAL_DATA_ABSENT}`);
const describeRecorded = recorded ? describe : describe.skip;

describeRecorded('the recorded user-delegation SAS URL', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'recorded-sas-'));
    await writeFile(path.join(dir, 'app.bin'), randomBytes(2 * MiB + 100));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    secrets.clear();
  });

  test('is percent-encoded already, as the live Store gives it', () => {
    expect(recordedQuery).toMatch(/(^|&)skoid=[^&]+&sktid=[^&]+&skt=[^&]*%3A[^&]*&ske=[^&]+&sks=b&skv=[^&]+/);
    expect(recordedQuery).toMatch(/&sig=[^&]+%3D$/);
  });

  test('reaches the blob service byte for byte on every block and on the block list, nothing encoded twice', async () => {
    server = await startBlobServer();
    await uploadEntries(probeUrl(), entries(), { blockSize: MiB, concurrency: 2, now: whileValid });
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
    const error = await uploadEntries(probeUrl(), entries(), {
      blockSize: MiB,
      logger,
      now: whileValid,
      retry: { sleep: async () => undefined },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadError);
    const shown = `${logger.text()}\n${String(error)}\n${inspect(error, { depth: 8 })}`;
    for (const piece of queryPieces()) expect([piece, shown.includes(piece)]).toEqual([piece, false]);
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
