/** Installer URL checks against a local HTTPS file server (127.0.0.1, self-signed certificate). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError, TitledError } from '../../../src/errors.js';
import { parseInstallers, type Installer } from '../../../src/installers/installers.js';
import {
  PROBE_CONCURRENCY,
  UNREACHABLE_TITLE,
  checkInstallerUrls,
  detectType,
  signatureProblem,
} from '../../../src/installers/probe.js';
import { secrets } from '../../../src/redact.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { Transport, type CallRecord } from '../../../src/store/http.js';
import {
  exeBytes,
  msiBytes,
  startInstallerServer,
  type InstallerServer,
} from '../../../test/support/installer-server.js';

let server: InstallerServer;
let sleeps: number[];
let logger: MemoryLogger;
let transport: Transport;

beforeAll(async () => {
  delete process.env.HTTPS_PROXY;
  delete process.env.HTTP_PROXY;
  server = await startInstallerServer();
});
afterAll(async () => server?.close());
beforeEach(() => {
  sleeps = [];
  logger = new MemoryLogger();
  transport = new Transport({
    logger,
    dispatcher: server.dispatcher,
    retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, maxAttempts: 3 },
  });
  server.requests.length = 0;
});

async function installer(url: string, extra = ''): Promise<Installer> {
  const [item] = await parseInstallers(`- url: "${url}"\n  architecture: x64\n  languages: [en-us]\n${extra}`);
  return item!;
}

async function refusal(installers: Installer[], timeoutMs?: number): Promise<string> {
  try {
    await checkInstallerUrls(installers, { transport, logger, ...(timeoutMs ? { timeoutMs } : {}) });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problem;
  }
  throw new Error('no refusal');
}

/** The error of a check that could not be made (no answer, lasting server errors): its title and message. */
async function unreachable(installers: Installer[], timeoutMs?: number): Promise<string> {
  try {
    await checkInstallerUrls(installers, { transport, logger, ...(timeoutMs ? { timeoutMs } : {}) });
  } catch (error) {
    expect(error).not.toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(TitledError);
    expect((error as TitledError).title).toBe(UNREACHABLE_TITLE);
    return (error as Error).message;
  }
  throw new Error('no error');
}

const EXE_EXTRA = '  installer-parameters: /S\n  doc-url: https://contoso.com/errors\n';

describe('checkInstallerUrls', () => {
  test('an MSI asked for its first 8 bytes with Range: passes with its size', async () => {
    const url = server.serve('/v1/app-x64.msi', { body: msiBytes(50_000) });
    const [result] = await checkInstallerUrls([await installer(url)], { transport, logger });
    expect(result).toMatchObject({ ranged: true, size: 50_000 });
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/v1/app-x64.msi',
        range: 'bytes=0-7',
        status: 206,
        bytesSent: 8,
      }),
    ]);
    expect(logger.text()).toContain('Installer 1 (msi, x64)');
  });

  test('a server that ignores Range: the first bytes are read and the download stopped', async () => {
    const body = exeBytes(8_000_000);
    const url = server.serve('/v1/setup.exe', { body, ignoreRange: true });
    const [result] = await checkInstallerUrls([await installer(url, EXE_EXTRA)], { transport, logger });
    expect(result).toMatchObject({ ranged: false, size: 8_000_000 });
    // Give the server a moment to notice the client went away, then check it did not send the file.
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests[0]?.status).toBe(200);
    expect(server.requests[0]!.bytesSent).toBeLessThan(body.length);
  });

  test('an EXE declared as msi (the URL says .msi) is refused with the type to set', async () => {
    const url = server.serve('/v1/mislabelled.msi', { body: exeBytes() });
    expect(await refusal([await installer(url)])).toMatch(
      /item 1 \(line 1\) https:\/\/127\.0\.0\.1:\d+\/v1\/mislabelled\.msi: the file is an EXE, not an MSI: set 'type: exe'/,
    );
  });

  test('an MSI declared as exe is refused', async () => {
    const url = server.serve('/v1/get', { body: msiBytes() });
    expect(await refusal([await installer(url, `  type: exe\n${EXE_EXTRA}`)])).toMatch(
      /the file is an MSI, not an EXE: set 'type: msi'/,
    );
  });

  test('a web page in place of the file is named as such', async () => {
    const url = server.serve('/v1/page.msi', {
      body: Buffer.from('<!DOCTYPE html><html>sign in</html>'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(await refusal([await installer(url)])).toMatch(
      /answers a web page \(text\/html; charset=utf-8\), not the installer/,
    );
  });

  test('bytes of neither type are shown in hex', async () => {
    const url = server.serve('/v1/doc.msi', { body: Buffer.from('%PDF-1.7 rest', 'latin1') });
    expect(await refusal([await installer(url)])).toMatch(
      /does not start like an MSI \(OLE compound file, d0 cf 11 e0 a1 b1 1a e1\); its first bytes are 25 50 44 46 2d 31 2e 37/,
    );
  });

  test('zip bytes (an MSIX package behind an installer name) send MSIX packages to the Store ID with packages', async () => {
    const url = server.serve('/v1/get-app', { body: Buffer.from('PK\x03\x04rest-of-zip', 'latin1') });
    const problem = await refusal([await installer(url, '  type: msi\n')]);
    expect(problem).toMatch(/get-app: the file is a zip archive \(50 4b 03 04\), as MSIX packages are/);
    expect(problem).toMatch(/12-character Store ID .* with 'packages'/);
    expect(problem).not.toContain("set 'type:");
  });

  test('404 is refused at once, without retries', async () => {
    const url = `${server.origin}/v1/missing.msi`;
    expect(await refusal([await installer(url)])).toMatch(/missing\.msi: answers HTTP 404 \(not found\)/);
    expect(server.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test('a host that does not exist is reported at once, naming the input to check', async () => {
    // .invalid never resolves (RFC 6761).
    expect(await unreachable([await installer('https://downloads.contoso.invalid/app.msi')])).toMatch(
      /app\.msi: the host downloads\.contoso\.invalid is not known \((ENOTFOUND|EAI_NONAME)\); check 'installers'/,
    );
    expect(sleeps).toEqual([]);
  });

  test('403 says the file must be public', async () => {
    const url = server.serve('/v1/private.msi', { body: msiBytes(), status: 403 });
    expect(await refusal([await installer(url)])).toMatch(
      /answers HTTP 403: the Store downloads it without credentials, so it must be public/,
    );
  });

  test('503 and 429 are retried with backoff, then the file passes', async () => {
    const url = server.serve('/v1/busy.msi', { body: msiBytes(), status: 503, statusTimes: 2 });
    await expect(checkInstallerUrls([await installer(url)], { transport, logger })).resolves.toHaveLength(1);
    expect(server.requests.map((r) => r.status)).toEqual([503, 503, 206]);
    expect(sleeps).toHaveLength(2);
  });

  test('a server error that lasts is reported after the attempts run out, not as an input error', async () => {
    const url = server.serve('/v1/down.msi', { body: msiBytes(), status: 500 });
    expect(await unreachable([await installer(url)])).toMatch(
      /^An installer URL could not be checked, so nothing was changed in the Store: item 1 \(line 1\) https:\/\/127\.0\.0\.1:\d+\/v1\/down\.msi: GET .*down\.msi still failing after 3 attempts .*HTTP 500/,
    );
    expect(server.requests).toHaveLength(3);
  });

  test('an http URL is refused before any request', async () => {
    const item: Installer = { ...(await installer(`${server.origin}/x.msi`)), url: `http://127.0.0.1:1/x.msi` };
    expect(await refusal([item])).toMatch(/is not https/);
    expect(server.requests).toHaveLength(0);
  });

  test('redirects are followed while they stay https; a redirect to http is refused without a request to it', async () => {
    const target = server.serve('/assets/app.msi', { body: msiBytes() });
    const good = server.serve('/releases/download/app.msi', { body: Buffer.alloc(0), redirectTo: target });
    await expect(checkInstallerUrls([await installer(good)], { transport, logger })).resolves.toHaveLength(1);

    let reached = 0;
    const plain = http.createServer((_req, res) => {
      reached += 1;
      res.end(msiBytes(16));
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
    try {
      const insecure = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/app.msi`;
      const bad = server.serve('/releases/download/bad.msi', { body: Buffer.alloc(0), redirectTo: insecure });
      expect(await refusal([await installer(bad)])).toMatch(
        /redirects to http:\/\/127\.0\.0\.1:\d+\/app\.msi, which is not https/,
      );
      expect(reached).toBe(0);
    } finally {
      await new Promise((r) => plain.close(r));
    }
  });

  test('every hop of a redirect chain must be https, also when it ends on https again', async () => {
    const target = server.serve('/assets/back.msi', { body: msiBytes() });
    const plain = http.createServer((_req, res) => res.writeHead(302, { location: target }).end());
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', () => resolve()));
    try {
      const hop = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/hop.msi`;
      const start = server.serve('/releases/download/hop.msi', { body: Buffer.alloc(0), redirectTo: hop });
      expect(await refusal([await installer(start)])).toMatch(
        /redirects to http:\/\/127\.0\.0\.1:\d+\/hop\.msi, which is not https/,
      );
      expect(server.requests.map((r) => r.path)).toEqual(['/releases/download/hop.msi']);
    } finally {
      await new Promise((r) => plain.close(r));
    }
  });

  test('a redirect to a URL with a user name and password is refused without a request to it', async () => {
    const target = server.serve('/assets/private.msi', { body: msiBytes() });
    const withCredentials = target.replace('https://', 'https://user:PW4SECRET@');
    const start = server.serve('/releases/download/private.msi', {
      body: Buffer.alloc(0),
      redirectTo: withCredentials,
    });
    const problem = await refusal([await installer(start)]);
    expect(problem).toMatch(
      /redirects to https:\/\/127\.0\.0\.1:\d+\/assets\/private\.msi with a user name and password in the URL/,
    );
    expect(problem).not.toContain('PW4SECRET');
    expect(server.requests.map((r) => r.path)).toEqual(['/releases/download/private.msi']);
  });

  test('the checks are calls of the transport: each hop is in its call record, without the query', async () => {
    const calls: CallRecord[] = [];
    transport = new Transport({ logger, dispatcher: server.dispatcher, onCall: (call) => calls.push(call) });
    const target = server.serve('/assets/signed.msi', { body: msiBytes() });
    const start = server.serve('/releases/download/signed.msi', { body: Buffer.alloc(0), redirectTo: target });
    await checkInstallerUrls([await installer(`${start}?sig=SECRET456`)], { transport, logger });
    expect(calls.map((c) => [c.method, c.path.replace(server.origin, ''), c.status])).toEqual([
      ['GET', '/releases/download/signed.msi?…', 302],
      ['GET', '/assets/signed.msi', 206],
    ]);
  });

  test('a server that sends headers but no bytes: a time-out, titled as such and naming the URL, not an input error', async () => {
    const url = server.serve('/v1/stalled.msi', { body: msiBytes(), stall: true });
    const message = await unreachable([await installer(`${url}?token=STALLSECRET1`)], 3000);
    expect(message).toMatch(
      /item 1 \(line 1\) https:\/\/127\.0\.0\.1:\d+\/v1\/stalled\.msi\?…: .*no answer within 3 s/,
    );
    expect(message).not.toContain('STALLSECRET1');
  });

  test(`at most ${PROBE_CONCURRENCY} URLs are asked at once, however long the list`, async () => {
    const yaml = Array.from({ length: 40 }, (_, n) => {
      const url = server.serve(`/many/app-${n}.msi`, { body: msiBytes(64), delayMs: 40 });
      return `- {url: "${url}", architecture: x64, languages: [en-us]}`;
    }).join('\n');
    server.inFlight.peak = 0;
    await expect(checkInstallerUrls(await parseInstallers(yaml), { transport, logger })).resolves.toHaveLength(40);
    expect(server.requests).toHaveLength(40);
    expect(server.inFlight.peak).toBeLessThanOrEqual(PROBE_CONCURRENCY);
  });

  test('a query with credentials is never printed, and is masked wherever it could be', async () => {
    const query = 'X-Amz-Signature=AMZSIG0123456789&token=TOKEN0123456789';
    const problem = await refusal([await installer(`${server.origin}/v1/signed-gone.msi?${query}`)]);
    expect(problem).toMatch(/signed-gone\.msi\?…: answers HTTP 404/);
    expect(problem).not.toMatch(/AMZSIG|TOKEN0/);
    expect(secrets.redact(`GET /v1/signed-gone.msi?${query}`)).not.toMatch(/AMZSIG|TOKEN0/);
  });

  test('every refused URL is listed in one error, without the URL query', async () => {
    const ok = server.serve('/v1/ok.msi', { body: msiBytes() });
    const list = await parseInstallers(
      [
        `- {url: "${ok}", architecture: x64, languages: [en-us]}`,
        `- {url: "${server.origin}/v1/gone.msi?sig=SECRET123", architecture: x86, languages: [en-us]}`,
        `- {url: "${server.origin}/v1/gone2.msi", architecture: arm64, languages: [en-us]}`,
      ].join('\n'),
    );
    const problem = await refusal(list);
    expect(problem).toMatch(
      /^2 installer URLs were refused:\n {2}item 2 \(line 2\) https:\/\/127\.0\.0\.1:\d+\/v1\/gone\.msi\?…: answers HTTP 404/,
    );
    expect(problem).toMatch(/\n {2}item 3 \(line 3\) .*gone2\.msi: answers HTTP 404/);
    expect(problem).not.toContain('SECRET123');
  });
});

describe('signatures', () => {
  test.each([
    [msiBytes(8), 'msi'],
    [exeBytes(8), 'exe'],
    [Buffer.from('MZ'), 'exe'],
    [Buffer.from('M'), undefined],
    [msiBytes(8).subarray(0, 7), undefined],
    [Buffer.from('%PDF-1.7'), undefined],
  ])('detectType(%p) is %p', async (bytes, type) => {
    expect(detectType(bytes)).toBe(type);
  });

  test('an empty answer is named', async () => {
    expect(signatureProblem(new Uint8Array(), 'exe', 'application/octet-stream')).toBe(
      "the URL answers an empty file, not an EXE ('MZ', 4d 5a)",
    );
    expect(signatureProblem(exeBytes(8), 'exe', null)).toBeUndefined();
  });
});
