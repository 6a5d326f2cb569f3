/**
 * Checks, before anything changes in the Store, that every installer URL answers with a file of
 * its declared type: the URL is https (also after each redirect), answers 2xx, and its first bytes
 * are the signature of the type (MSI: the OLE compound file signature D0 CF 11 E0 A1 B1 1A E1; EXE:
 * `MZ`). Each URL is asked for its first 8 bytes with a Range request, through the run's transport
 * (proxies, retries, deadline, the run's stop signal); a server that ignores Range is read only
 * that far. At most PROBE_CONCURRENCY URLs are asked at once, so a long list costs the same memory
 * and connections as a short one.
 */
import { InputError, TitledError, errorMessage } from '../errors.js';
import { formatSize } from '../format.js';
import type { Logger } from '../log.js';
import { registerUrlQuery, secrets, urlWithoutQuery } from '../redact.js';
import { throwIfStopped } from '../stop.js';
import type { HttpResult, Transport } from '../store/http.js';
import { httpsProblem, msixAdvice, type Installer, type InstallerType } from './installers.js';

/** The first bytes of each type. */
export const SIGNATURES: Record<InstallerType, Uint8Array> = {
  msi: Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  exe: Uint8Array.from([0x4d, 0x5a]),
};
/** The first bytes of a zip file, as every MSIX package is. */
const ZIP_SIGNATURE = Uint8Array.from([0x50, 0x4b, 0x03, 0x04]);
const PROBE_BYTES = 8;
/** Most URLs checked at once. */
export const PROBE_CONCURRENCY = 8;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** Default time one attempt on one URL may take, headers and first bytes included. */
export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;

export interface ProbeOptions {
  /** The run's transport: its stop signal ends the checks, and a stop is rethrown, never listed as a refusal. */
  transport: Transport;
  logger: Logger;
  /** Milliseconds one attempt may take, answer and first bytes included (default 30 s). */
  timeoutMs?: number;
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
  if (ZIP_SIGNATURE.every((b, i) => bytes[i] === b)) {
    return `${msixAdvice('the file is a zip archive (50 4b 03 04), as MSIX packages are')} (a zipped installer is refused too: link the .msi or .exe itself)`;
  }
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

/** Why an answer that is not a redirect refuses the installer, or undefined when it passes. */
function answerProblem(installer: Installer, answer: HttpResult): string | undefined {
  const { status } = answer;
  if (status === 404 || status === 410)
    return `answers HTTP ${status} (not found): check the URL, and that the release is published and its asset uploaded`;
  if (status < 200 || status >= 300) {
    const access =
      status === 401 || status === 403 ? ': the Store downloads it without credentials, so it must be public' : '';
    return `answers HTTP ${status}${access}`;
  }
  return signatureProblem(answer.bytes ?? new Uint8Array(), installer.type, answer.headers.get('content-type'));
}

/**
 * Probes one installer's URL through the transport (which retries 429, 5xx and dropped
 * connections), following each redirect itself so that every hop must stay https. Resolves when
 * it answers with a file of its type; rejects with a Refusal (the reason) when it does not, or with
 * the transport's error (which names the URL without its query).
 */
async function probeOne(installer: Installer, options: ProbeOptions): Promise<ProbeResult> {
  const { transport, logger } = options;
  const urlProblem = httpsProblem(installer.url);
  if (urlProblem) throw new Refusal(urlProblem);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let url = installer.url;
  for (let hop = 0; ; hop++) {
    const answer = await transport.send(async () => ({
      method: 'GET',
      url,
      call: `GET ${urlWithoutQuery(url)}`,
      headers: { range: `bytes=0-${PROBE_BYTES - 1}`, accept: '*/*', 'user-agent': 'store-submit' },
      idempotent: true,
      firstBytes: PROBE_BYTES,
      redirect: 'manual',
      timeoutMs,
      urlInputs: "'installers'",
    }));
    const location = answer.headers.get('location');
    if (REDIRECT_STATUS.has(answer.status) && location) {
      if (hop >= MAX_REDIRECTS) throw new Refusal(`redirects more than ${MAX_REDIRECTS} times`);
      url = new URL(location, url).href;
      // A redirect target's query (a signed CDN URL) is as much a credential as the URL's own.
      registerUrlQuery(url);
      // Checked before the target is asked anything: a request never reaches a target the rules refuse.
      if (httpsProblem(url)) {
        // The rules refuse a target that is not https or carries a user name and password (never shown).
        const target = new URL(url);
        const downgrade = target.protocol !== 'https:';
        target.username = '';
        target.password = '';
        const shown = urlWithoutQuery(target.href);
        throw new Refusal(
          downgrade
            ? `redirects to ${shown}, which is not https: the Store downloads over https only, so link a URL whose redirects stay https`
            : `redirects to ${shown} with a user name and password in the URL; the Store downloads installers without credentials, so the file must be public`,
        );
      }
      continue;
    }
    const problem = answerProblem(installer, answer);
    if (problem) throw new Refusal(problem);
    const size = sizeOf(answer.headers, answer.status);
    logger.info(
      `Installer ${installer.index} (${installer.type}, ${installer.architecture}) ${urlWithoutQuery(installer.url)}: OK${size !== undefined ? `, ${formatSize(size)}` : ''}`,
    );
    return { installer, ranged: answer.status === 206, ...(size !== undefined ? { size } : {}) };
  }
}

/** Runs `work` on every item, at most `limit` at once; the outcomes in the items' order. */
async function settleEach<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const outcomes: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const n = next++;
      try {
        outcomes[n] = { status: 'fulfilled', value: await work(items[n]!) };
      } catch (reason) {
        outcomes[n] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return outcomes;
}

/** The title of the error when installer URLs could not be checked (no answer, server errors): not an input error. */
export const UNREACHABLE_TITLE = 'Installer URL not reachable';

/**
 * Checks every installer URL, PROBE_CONCURRENCY at a time. Resolves with one result per
 * installer, in order. Throws one InputError('installers', ...) listing every URL refused (what it
 * answered is not an installer of its type), each with its item, line and reason, and with them any
 * URL that could not be checked; when no URL is refused but some could not be checked (no answer
 * in time, server errors that last, an unknown host), a TitledError (UNREACHABLE_TITLE) naming each.
 * Throws the stop reason (a RunStopped) when the run is stopped during the checks. URLs are shown
 * without their query (a signed download URL's query is a credential).
 */
export async function checkInstallerUrls(
  installers: readonly Installer[],
  options: ProbeOptions,
): Promise<ProbeResult[]> {
  const outcomes = await settleEach(installers, PROBE_CONCURRENCY, (i) => probeOne(i, options));
  // A check cut short by a cancel or the deadline says nothing about the URL.
  throwIfStopped(options.transport.policy.signal);
  const refused: string[] = [];
  const unchecked: string[] = [];
  const results: ProbeResult[] = [];
  outcomes.forEach((outcome, n) => {
    const installer = installers[n]!;
    const item = `item ${installer.index} (line ${installer.line}) ${urlWithoutQuery(installer.url)}`;
    if (outcome.status === 'fulfilled') results.push(outcome.value);
    else if (outcome.reason instanceof Refusal) refused.push(`${item}: ${outcome.reason.message}`);
    else unchecked.push(`${item}: ${secrets.redact(errorMessage(outcome.reason))}`);
  });
  const lines = [...refused, ...unchecked];
  const listed = lines.length === 1 ? lines[0]! : `\n  ${lines.join('\n  ')}`;
  if (refused.length) {
    throw new InputError(
      'installers',
      lines.length === 1
        ? listed
        : `${lines.length} installer URLs were refused${unchecked.length ? ' or could not be checked' : ''}:${listed}`,
    );
  }
  if (unchecked.length) {
    throw new TitledError(
      UNREACHABLE_TITLE,
      `${unchecked.length === 1 ? 'An installer URL' : `${unchecked.length} installer URLs`} could not be checked, so nothing was changed in the Store: ${listed}. Run again once the server answers; if it never does, check the URL in 'installers'.`,
    );
  }
  return results;
}
