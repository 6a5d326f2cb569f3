/**
 * A file server for installer URLs in tests: HTTPS on 127.0.0.1 only, with a self-signed
 * certificate made at start (openssl) for IP 127.0.0.1, serving MSI and EXE test files with the
 * right first bytes, honouring Range (206) unless a file says otherwise, and 404 for anything else.
 * Clients trust it through `dispatcher` (an undici Agent with the certificate as CA).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent } from 'undici';

/** The OLE compound file signature every MSI starts with. */
export const MSI_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** An MSI-shaped file: the compound file signature, then random bytes. */
export function msiBytes(size = 4096): Buffer {
  return Buffer.concat([MSI_MAGIC, randomBytes(Math.max(0, size - MSI_MAGIC.length))]);
}

/** An EXE-shaped file: `MZ`, then random bytes. */
export function exeBytes(size = 4096): Buffer {
  return Buffer.concat([Buffer.from('MZ'), randomBytes(Math.max(0, size - 2))]);
}

/**
 * The `installers` input of the contract's example: an x64 MSI (en-us, de-de) and an arm64 EXE
 * (en-us, `/S`, with its error-code page), at these URLs.
 */
export function exampleInstallers(msiUrl: string, exeUrl: string): string {
  return [
    `- url: ${msiUrl}`,
    '  architecture: x64',
    '  languages: [en-us, de-de]',
    `- url: ${exeUrl}`,
    '  architecture: arm64',
    '  languages: [en-us]',
    '  installer-parameters: /S',
    '  doc-url: https://contoso.com/installer-errors',
    '',
  ].join('\n');
}

export interface ServedFile {
  body: Buffer;
  contentType?: string;
  /** Answer 200 with the whole file even when a Range is asked (as some CDNs do). */
  ignoreRange?: boolean;
  /** Answer with this status instead (e.g. 403, 503). */
  status?: number;
  /** How many requests get `status` before the file is served (default all). */
  statusTimes?: number;
  /** Redirect (302) to this URL instead. */
  redirectTo?: string;
  /** Send the headers, then never the body (tests a deadline on the first bytes). */
  stall?: boolean;
  /** Answer only after this many milliseconds, so requests overlap (tests a bound on requests in flight). */
  delayMs?: number;
}

export interface InstallerRequest {
  method: string;
  path: string;
  range?: string;
  status: number;
  /** Bytes of the body written before the client went away or the answer ended. */
  bytesSent: number;
}

export interface InstallerServer {
  /** `https://127.0.0.1:<port>` */
  origin: string;
  /** An undici dispatcher that trusts the server's certificate. */
  dispatcher: Agent;
  /** The certificate (PEM), for other clients. */
  ca: string;
  /** Serves `file` at `pathname` (leading slash); returns its https URL. */
  serve(pathname: string, file: ServedFile): string;
  requests: InstallerRequest[];
  /** Requests received and not yet answered (ended or closed), now and at most so far. */
  inFlight: { now: number; peak: number };
  close(): Promise<void>;
}

const run = promisify(execFile);

async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'installer-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startInstallerServer(): Promise<InstallerServer> {
  const { key, cert } = await selfSignedCertificate();
  const files = new Map<string, ServedFile & { served: number }>();
  const requests: InstallerRequest[] = [];
  const sockets = new Set<Socket>();
  const inFlight = { now: 0, peak: 0 };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const record: InstallerRequest = { method: req.method ?? 'GET', path: url.pathname, status: 0, bytesSent: 0 };
    if (typeof req.headers.range === 'string') record.range = req.headers.range;
    requests.push(record);
    const file = files.get(url.pathname);
    const answer = (status: number, headers: Record<string, string | number>, body?: Buffer): void => {
      record.status = status;
      res.writeHead(status, headers);
      if (!body || req.method === 'HEAD') {
        res.end();
        return;
      }
      // Written in small pieces so a client that stops reading is seen to stop.
      let offset = 0;
      const next = (): void => {
        while (offset < body.length) {
          const piece = body.subarray(offset, offset + 1024);
          offset += piece.length;
          record.bytesSent += piece.length;
          if (!res.write(piece)) {
            res.once('drain', next);
            return;
          }
        }
        res.end();
      };
      next();
    };
    if (!file) return answer(404, { 'content-type': 'text/plain' }, Buffer.from('Not Found'));
    file.served += 1;
    if (file.redirectTo) return answer(302, { location: file.redirectTo });
    if (file.status !== undefined && file.served <= (file.statusTimes ?? Infinity)) {
      return answer(
        file.status,
        { 'content-type': 'text/plain', ...(file.status === 503 || file.status === 429 ? { 'retry-after': '0' } : {}) },
        Buffer.from(`status ${file.status}`),
      );
    }
    const type = file.contentType ?? 'application/octet-stream';
    if (file.stall) {
      record.status = 200;
      res.writeHead(200, { 'content-type': type, 'content-length': file.body.length });
      res.flushHeaders();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && !file.ignoreRange) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : file.body.length - 1, file.body.length - 1);
      if (start >= file.body.length) return answer(416, { 'content-range': `bytes */${file.body.length}` });
      return answer(
        206,
        {
          'content-type': type,
          'content-range': `bytes ${start}-${end}/${file.body.length}`,
          'content-length': end - start + 1,
        },
        file.body.subarray(start, end + 1),
      );
    }
    return answer(
      200,
      { 'content-type': type, 'content-length': file.body.length, 'accept-ranges': 'none' },
      file.body,
    );
  };
  const server = https.createServer({ key, cert }, (req, res) => {
    inFlight.now += 1;
    inFlight.peak = Math.max(inFlight.peak, inFlight.now);
    res.once('close', () => (inFlight.now -= 1));
    const delayMs = files.get(new URL(req.url ?? '/', 'https://127.0.0.1').pathname)?.delayMs;
    if (delayMs) setTimeout(() => handle(req, res), delayMs);
    else handle(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dispatcher = new Agent({ connect: { ca: cert } });
  return {
    origin,
    dispatcher,
    ca: cert,
    serve(pathname, file) {
      files.set(pathname, { ...file, served: 0 });
      return `${origin}${pathname}`;
    },
    requests,
    inFlight,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await dispatcher.close().catch(() => undefined);
    },
  };
}
