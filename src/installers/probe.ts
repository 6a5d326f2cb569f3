/**
 * Checks, before anything changes in the Store, that every installer URL answers with a file of
 * its declared type: the URL is https (also after redirects), answers 2xx, and its first bytes are
 * the signature of the type (MSI: the OLE compound file signature D0 CF 11 E0 A1 B1 1A E1; EXE:
 * `MZ`). Each URL is asked for its first 8 bytes with a Range request; a server that ignores Range
 * is read only that far and the download aborted. Requests go through the transport's dispatcher
 * (proxies, NO_PROXY) and retry helper (429, 5xx and resets retried with backoff); each attempt has
 * a deadline.
 */
import { InputError, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { secrets, urlWithoutQuery } from '../redact.js';
import { TransientFailure, parseRetryAfterMs, retrying } from '../retry.js';
import { describeNetworkError, type Transport } from '../store/http.js';
import { isTransientNetworkError } from '../transient.js';
import { formatSize } from '../format.js';
import { httpsProblem, type Installer, type InstallerType } from './installers.js';

/** The first bytes of each type. */
export const SIGNATURES: Record<InstallerType, Uint8Array> = {
  msi: Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  exe: Uint8Array.from([0x4d, 0x5a]),
};
const PROBE_BYTES = 8;

/** Default time one attempt on one URL may take, headers and first bytes included. */
export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;

export interface ProbeOptions {
  transport: Transport;
  logger: Logger;
  /** Milliseconds one attempt may take (default 30 s). */
  timeoutMs?: number;
  /** Aborts every probe (the run's cancellation or deadline). */
  signal?: AbortSignal;
}

/** What a URL answered when it passed. */
export interface ProbeResult {
  installer: Installer;
  /** Size in bytes from Content-Range or Content-Length, when the server sent one. */
  size?: number;
  /** Whether the server honoured the Range request (206). */
  ranged: boolean;
}

/** A refusal of one URL; the reason says what the URL answered and what to do. */
class Refusal extends Error {}

/** The type whose signature `bytes` start with, if any. */
export function detectType(bytes: Uint8Array): InstallerType | undefined {
  for (const type of ['msi', 'exe'] as const) {
    const sig = SIGNATURES[type];
    if (bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b)) return type;
  }
  return undefined;
}

/** Why these first bytes do not fit `type`, or undefined when they do. */
export function signatureProblem(
  bytes: Uint8Array,
  type: InstallerType,
  contentType: string | null,
): string | undefined {
  const found = detectType(bytes);
  if (found === type) return undefined;
  const hex = Buffer.from(bytes.subarray(0, PROBE_BYTES))
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
  const expected = type === 'msi' ? 'an MSI (OLE compound file, d0 cf 11 e0 a1 b1 1a e1)' : "an EXE ('MZ', 4d 5a)";
  if (found) {
    return `the file is ${found === 'msi' ? 'an MSI' : 'an EXE'}, not ${expected.split(' (')[0]}: set 'type: ${found}' (an installer declared with the wrong type is run the wrong way by the Store)`;
  }
  const looksHtml = /text\/html/i.test(contentType ?? '') || /^\s*</.test(Buffer.from(bytes).toString('latin1'));
  if (looksHtml)
    return `the URL answers a web page (${contentType ?? 'HTML'}), not the installer: link the file itself, e.g. a release asset's download URL`;
  if (bytes.length === 0) return `the URL answers an empty file, not ${expected}`;
  return `the file does not start like ${expected}; its first bytes are ${hex}`;
}

/** Total size from `Content-Range: bytes 0-7/12345`, else from Content-Length of a full answer. */
function sizeOf(headers: Headers, status: number): number | undefined {
  const range = /\/(\d+)\s*$/.exec(headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = Number(headers.get('content-length'));
  return status === 200 && Number.isFinite(length) && length > 0 ? length : undefined;
}

/** Reads at most `limit` bytes of a body, then stops reading. */
async function firstBytes(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } finally {
    // Ends the download of a server that ignored Range; nothing more is read.
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/**
 * Probes one installer's URL. Resolves when it answers with a file of its type; rejects with a
 * Refusal (the reason) when it does not, after retrying transient failures.
 */
async function probeOne(installer: Installer, options: ProbeOptions): Promise<ProbeResult> {
  const { transport, logger } = options;
  const shown = urlWithoutQuery(installer.url);
  const urlProblem = httpsProblem(installer.url);
  if (urlProblem) throw new Refusal(urlProblem);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return retrying(`GET ${shown}`, transport.policy, logger, async () => {
    options.signal?.throwIfAborted();
    const stop = new AbortController();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([stop.signal, timeout, ...(options.signal ? [options.signal] : [])]);
    try {
      let response;
      try {
        const [{ fetch }, dispatcher] = await Promise.all([import('undici'), transport.dispatcher()]);
        response = await fetch(installer.url, {
          method: 'GET',
          headers: { range: `bytes=0-${PROBE_BYTES - 1}`, accept: '*/*', 'user-agent': 'store-submit' },
          redirect: 'follow',
          dispatcher,
          signal,
        });
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (timeout.aborted)
          throw new TransientFailure(
            `no answer within ${timeoutMs / 1000} s`,
            undefined,
            new Refusal(`no answer within ${timeoutMs / 1000} s`),
          );
        const reason = describeNetworkError(error);
        if (reason === 'ENOTFOUND' || reason === 'EAI_NONAME')
          throw new Refusal(`the host ${new URL(installer.url).host} is not known (${reason})`);
        if (isTransientNetworkError(error))
          throw new TransientFailure(
            `connection failed: ${reason}`,
            undefined,
            new Refusal(`connection failed: ${reason}`),
          );
        throw new Refusal(`the request failed: ${secrets.redact(reason || errorMessage(error))}`);
      }
      const { status, headers } = response;
      if (status === 429 || status >= 500) {
        stop.abort();
        throw new TransientFailure(
          `HTTP ${status}`,
          parseRetryAfterMs(headers.get('retry-after'), transport.policy.now()),
          new Refusal(`answers HTTP ${status}`),
        );
      }
      if (response.url && !response.url.startsWith('https:')) {
        stop.abort();
        throw new Refusal(`redirects to ${urlWithoutQuery(response.url)}, which is not https`);
      }
      if (status === 404 || status === 410) {
        stop.abort();
        throw new Refusal(
          `answers HTTP ${status} (not found): check the URL, and that the release is published and its asset uploaded`,
        );
      }
      if (status < 200 || status >= 300) {
        stop.abort();
        const access =
          status === 401 || status === 403 ? ': the Store downloads it without credentials, so it must be public' : '';
        throw new Refusal(`answers HTTP ${status}${access}`);
      }
      let bytes: Uint8Array;
      try {
        bytes = await firstBytes(response.body as ReadableStream<Uint8Array> | null, PROBE_BYTES);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        const reason = timeout.aborted
          ? `no bytes within ${timeoutMs / 1000} s`
          : `reading failed: ${describeNetworkError(error)}`;
        throw new TransientFailure(reason, undefined, new Refusal(reason));
      }
      const problem = signatureProblem(bytes, installer.type, headers.get('content-type'));
      if (problem) throw new Refusal(problem);
      const size = sizeOf(headers as unknown as Headers, status);
      logger.info(
        `Installer ${installer.index} (${installer.type}, ${installer.architecture}) ${shown}: OK${size !== undefined ? `, ${formatSize(size)}` : ''}`,
      );
      return { installer, ranged: status === 206, ...(size !== undefined ? { size } : {}) };
    } finally {
      stop.abort();
    }
  });
}

/**
 * Checks every installer URL (in parallel). Resolves with one result per installer, in order;
 * throws one InputError('installers', ...) listing every URL refused, each with its item, line
 * and reason. URLs are shown without their query (a signed download URL's query is a credential).
 */
export async function checkInstallerUrls(
  installers: readonly Installer[],
  options: ProbeOptions,
): Promise<ProbeResult[]> {
  const outcomes = await Promise.allSettled(installers.map((i) => probeOne(i, options)));
  const problems: string[] = [];
  const results: ProbeResult[] = [];
  outcomes.forEach((outcome, n) => {
    const installer = installers[n]!;
    if (outcome.status === 'fulfilled') {
      results.push(outcome.value);
      return;
    }
    if (!(outcome.reason instanceof Refusal)) {
      if (options.signal?.aborted) throw outcome.reason;
      problems.push(
        `item ${installer.index} (line ${installer.line}) ${urlWithoutQuery(installer.url)}: ${secrets.redact(errorMessage(outcome.reason))}`,
      );
      return;
    }
    problems.push(
      `item ${installer.index} (line ${installer.line}) ${urlWithoutQuery(installer.url)}: ${outcome.reason.message}`,
    );
  });
  if (problems.length === 1) throw new InputError('installers', problems[0]!);
  if (problems.length > 1)
    throw new InputError('installers', `${problems.length} installer URLs were refused:\n  ${problems.join('\n  ')}`);
  return results;
}
