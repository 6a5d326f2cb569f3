/**
 * The HTTP layer under every Store and token call: undici with the proxy settings of the
 * environment, one retry loop, error normalisation, and a record of each call for the run record.
 */
import type { Dispatcher } from 'undici';
import { errorMessage } from '../errors.js';
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../json.js';
import type { Logger } from '../log.js';
import type { AccessTokenSource } from './token-source.js';
import { secrets } from '../redact.js';
import { answerWords, isJsonText } from './store-error.js';
import { describeProxy, describeStatus, proxyFor, proxyRefusalStatus } from './proxy.js';
import {
  DEFAULT_RETRY_POLICY,
  TransientFailure,
  backoffDelayMs,
  describeStillFailing,
  parseRetryAfterMs,
  parseRetryHintMs,
  pause,
  retrying,
  stoppedAfter,
  type RetryPolicy,
} from '../retry.js';
import { throwIfStopped } from '../stop.js';
import { isTransientNetworkError } from '../transient.js';

/** One HTTP exchange, as kept in the run record. */
export interface CallRecord {
  method: string;
  /** Path relative to the API root (or the token endpoint's path), never a query or a secret. */
  path: string;
  status: number | 'network-error';
  correlationId?: string | undefined;
  attempt: number;
  ms: number;
}

/**
 * A request that may have taken effect but whose answer was lost (5xx or a dropped connection on a
 * POST). It is never repeated blindly: the caller re-reads the state and continues from it.
 */
export class AmbiguousRequestError extends Error {
  constructor(
    readonly call: string,
    /** What was answered: `HTTP 503` with the server's code, message and correlation ID, or a network failure. */
    readonly reason: string,
    /** The registry's known cause for the answer (src/hints.ts), if any. */
    readonly hint?: string,
  ) {
    super(`${call} may or may not have taken effect (${reason})`);
    this.name = 'AmbiguousRequestError';
  }
}

export interface HttpResult {
  status: number;
  /** The body as text; empty when the request asked for `firstBytes`. */
  text: string;
  headers: Headers;
  /** The first bytes of the body, when the request asked for `firstBytes`. */
  bytes?: Uint8Array;
  /** True when the request was sent with a new access token after a 401 (a 401 then is not an expired token). */
  afterNewToken?: boolean;
}

export interface HttpRequest {
  method: string;
  url: string;
  /** How logs and errors name the call, e.g. `POST applications/9N.../submissions`. */
  call: string;
  headers: Record<string, string>;
  /** Text (JSON, a form) or bytes (an image uploaded to a blob URL). */
  body?: string | Uint8Array | undefined;
  /** Safe to send twice (GET, PUT, DELETE, token requests); a POST that changes state is not. */
  idempotent: boolean;
  /** Read only this many bytes of the body into `bytes`, then end the download (a server may ignore Range). */
  firstBytes?: number;
  /** `manual`: a redirect is returned as it is, for a caller that checks each hop; default followed. */
  redirect?: 'manual';
  /** This request's own deadline in ms, instead of the transport's `requestTimeoutMs`. */
  timeoutMs?: number;
  /** The inputs the URL comes from, named when its host is not known; default `'api-url' and 'authority-url'`. */
  urlInputs?: string;
  /**
   * The API answers JSON: a 2xx answer with another body (a gateway's HTML page) is a transient
   * fault, retried like a 5xx (docs/store-api.md#throttling-and-transient-faults).
   */
  expectJson?: boolean;
}

export interface TransportOptions {
  logger: Logger;
  /** The run's stop signal (time-out or cancel): it ends any request, retry or pause at once. */
  signal?: AbortSignal | undefined;
  /** How long one request may wait for its answer before it counts as lost; default 100 s. */
  requestTimeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy>;
  dispatcher?: Dispatcher;
  onCall?: (record: CallRecord) => void;
}

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/**
 * The most bytes of an answer that are read: far above any answer of the Store's APIs, the sign-in
 * authority or the OIDC token service, and low enough that a server streaming without end costs
 * no more memory than this (docs/contract.md, "Limits").
 */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** An answer larger than MAX_ANSWER_BYTES: not retried, the same server would send the same. */
class AnswerTooLargeError extends Error {
  constructor(
    call: string,
    urlInputs: string,
    /** The answer's HTTP status, for the call's record. */
    readonly status: number,
  ) {
    super(
      `${call}: the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB, the most that is read of any answer; ` +
        `no answer of this API is that large. Check that ${urlInputs} point${urlInputs.includes(' and ') ? '' : 's'} at the service itself, not at a proxy or server that sends something else.`,
    );
    this.name = 'AnswerTooLargeError';
  }
}

/** A request's own deadline: an answer that takes longer is treated as lost (and retried where safe). */
const DEFAULT_REQUEST_TIMEOUT_MS = 100_000;

/** The network error's code (ECONNRESET, ...) or message; a numeric code (a DOMException's 0) says nothing and is skipped. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: string } })?.cause;
  return (typeof cause?.code === 'string' && cause.code) || cause?.message || errorMessage(error);
}

/**
 * What to throw when the proxy refused `request` with `status` (the request never reached the
 * server, so sending it again is safe whatever its method): 407 fails at once, naming the proxy
 * (never its credentials) and what to do; a 5xx is retried, its reason naming the proxy, so the
 * final error does too; any other status fails at once.
 */
function proxyRefusal(request: HttpRequest, status: number, cause: unknown): Error {
  const proxy = describeProxy(proxyFor(request.url));
  const answered = `${proxy} answered ${describeStatus(status)}`;
  if (status === 407) {
    return new Error(
      `${request.call}: ${answered}: it wants credentials. Give them in the proxy URL (http://user:password@host:port, kept in a secret), ` +
        'or exempt the host with NO_PROXY. Not retried: the same request would be refused again.',
      { cause },
    );
  }
  if (status >= 500) return new TransientFailure(answered);
  return new Error(
    `${request.call}: ${answered}; the proxy does not let this request through. Ask its administrators to allow ${new URL(request.url).host}, or exempt it with NO_PROXY.`,
    { cause },
  );
}

/** Sends requests with retries. Knows nothing of the Store's resources; `StoreClient` does. */
export class Transport {
  readonly policy: RetryPolicy;
  private dispatcherLoad: Promise<Dispatcher> | undefined;

  /** Where retries and recoveries are logged. */
  readonly logger: Logger;

  constructor(private readonly options: TransportOptions) {
    this.logger = options.logger;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry, signal: options.signal };
  }

  /**
   * The proxy-aware dispatcher of every request. undici is loaded with the first request, not at
   * start-up: it is the largest part of the start-up cost (`npm run bench -- --startup-only`), and a
   * run that fails on its inputs sends nothing.
   */
  dispatcher(): Promise<Dispatcher> {
    // EnvHttpProxyAgent honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY as a runner sets them.
    this.dispatcherLoad ??= this.options.dispatcher
      ? Promise.resolve(this.options.dispatcher)
      : import('undici').then(({ EnvHttpProxyAgent }) => new EnvHttpProxyAgent());
    return this.dispatcherLoad;
  }

  /**
   * Sends `request` until it gets an answer that is not transient. 429 is always retried (the
   * request was refused, not processed); 5xx and dropped connections are retried when the request
   * is idempotent, else reported as AmbiguousRequestError. `onUnauthorized` is called once on a
   * 401 so the caller can fetch a new token; the request is then sent again with fresh headers.
   */
  async send(build: () => Promise<HttpRequest>, onUnauthorized?: () => void): Promise<HttpResult> {
    const { logger } = this.options;
    let refreshedAfter401 = false;
    let label = 'request';
    return retrying(
      () => label,
      this.policy,
      logger,
      async (attempt) => {
        const first = await build();
        label = first.call;
        let exchange = await this.exchange(first, attempt);
        if (exchange.status === 401 && onUnauthorized && !refreshedAfter401) {
          // Tokens can expire during long waits: get a new one once, and send again at once.
          refreshedAfter401 = true;
          logger.info(`${label} answered 401; getting a new access token and trying again`);
          onUnauthorized();
          exchange = await this.exchange(await build(), attempt);
        }
        const { request, status, text, headers } = exchange;
        const retryAfter = parseRetryAfterMs(headers.get('retry-after'), this.policy.now());
        if (status === 429) {
          // Refused, not processed: safe to send again whatever the method.
          const { words, hint } = answerWords({ status, text, headers }, request.call);
          throw new TransientFailure(
            `HTTP 429 (rate limited)${words}`,
            retryAfter ?? parseRetryHintMs(text),
            undefined,
            hint,
          );
        }
        const gatewayPage =
          request.expectJson === true && status >= 200 && status < 300 && text.trim() !== '' && !isJsonText(text);
        if (TRANSIENT_STATUS.has(status) || gatewayPage) {
          // Behind a proxy, a 502 or 504 is as likely the proxy's as the server's: name it.
          const proxy = proxyFor(request.url);
          const { words, hint } = answerWords({ status, text, headers }, request.call);
          const reason = `HTTP ${status}${proxy ? ` (through ${describeProxy(proxy)})` : ''}${words}`;
          if (!request.idempotent) throw new AmbiguousRequestError(request.call, reason, hint);
          throw new TransientFailure(reason, retryAfter, undefined, hint);
        }
        return {
          status,
          text,
          headers,
          ...(exchange.bytes ? { bytes: exchange.bytes } : {}),
          ...(refreshedAfter401 ? { afterNewToken: true } : {}),
        };
      },
    );
  }

  /**
   * Sends a JSON call to one of the Store's APIs with the run's bearer token: a fresh token on each
   * attempt, renewed once after a 401; `correlationHeader` carries a new ID per call, as the API
   * names it (`MS-CorrelationId`, `X-Correlation-ID`). `body` is sent as JSON.
   */
  sendJson(
    tokens: AccessTokenSource,
    call: {
      method: string;
      url: string;
      name: string;
      body?: JsonObject | undefined;
      idempotent: boolean;
      correlationHeader: string;
      headers?: Record<string, string>;
    },
  ): Promise<HttpResult> {
    return this.send(
      async () => ({
        method: call.method,
        url: call.url,
        call: call.name,
        headers: {
          authorization: `Bearer ${await tokens.token()}`,
          accept: 'application/json',
          [call.correlationHeader]: randomUUID(),
          'user-agent': 'store-submit',
          ...(call.body ? { 'content-type': 'application/json' } : {}),
          ...call.headers,
        },
        ...(call.body ? { body: JSON.stringify(call.body) } : {}),
        idempotent: call.idempotent,
        expectJson: true,
      }),
      () => tokens.invalidate(),
    );
  }

  /** One request and its answer, recorded; a dropped connection becomes a retry or an ambiguity. */
  private async exchange(request: HttpRequest, attempt: number): Promise<HttpResult & { request: HttpRequest }> {
    const sentAt = this.policy.now();
    const record = (status: CallRecord['status'], correlationId?: string) =>
      this.options.onCall?.({
        method: request.method,
        path: request.call.replace(/^\S+\s+/, ''),
        status,
        correlationId,
        attempt,
        ms: this.policy.now() - sentAt,
      });
    const timeoutMs = request.timeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const limit = AbortSignal.timeout(timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, limit]) : limit;
    try {
      const [{ fetch }, dispatcher] = await Promise.all([import('undici'), this.dispatcher()]);
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        dispatcher,
        signal,
        ...(request.redirect ? { redirect: request.redirect } : {}),
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const bytes =
        request.firstBytes === undefined
          ? undefined
          : await readFirstBytes(response.body as ReadableStream<Uint8Array> | null, request.firstBytes);
      const text = bytes ? '' : await readText(response, request);
      // The MSIX API names the correlation header MS-CorrelationId, the MSI/EXE API X-Correlation-ID.
      record(
        response.status,
        response.headers.get('ms-correlationid') ?? response.headers.get('x-correlation-id') ?? undefined,
      );
      return { request, status: response.status, text, headers: response.headers, ...(bytes ? { bytes } : {}) };
    } catch (error) {
      throwIfStopped(this.options.signal);
      if (error instanceof AnswerTooLargeError) {
        record(error.status);
        throw error;
      }
      if (limit.aborted) {
        record('network-error');
        const reason = `no answer within ${Math.round(timeoutMs / 1000)} s`;
        if (!request.idempotent) throw new AmbiguousRequestError(request.call, reason);
        throw new TransientFailure(reason);
      }
      const refusedWith = proxyRefusalStatus(error);
      if (refusedWith !== undefined) {
        record('network-error');
        throw proxyRefusal(request, refusedWith, error);
      }
      const reasonText = describeNetworkError(error);
      if (reasonText === 'ENOTFOUND' || reasonText === 'EAI_NONAME') {
        // A wrong host name does not heal with retries.
        throw new Error(
          `${request.call}: the host ${new URL(request.url).host} is not known (${reasonText}); check ${request.urlInputs ?? "'api-url' and 'authority-url'"}`,
          { cause: error },
        );
      }
      if (!isTransientNetworkError(error))
        throw new Error(secrets.redact(`${request.call} failed: ${reasonText}`), { cause: error });
      record('network-error');
      const reason = `connection failed: ${reasonText}`;
      if (!request.idempotent) throw new AmbiguousRequestError(request.call, reason);
      throw new TransientFailure(reason);
    }
  }
}

/** Reads at most `limit` bytes of a body, then cancels it, so the rest is never downloaded. */
async function readFirstBytes(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
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
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/**
 * The body as UTF-8 text, read up to MAX_ANSWER_BYTES; past that the download is cancelled (the
 * connection closed) and AnswerTooLargeError names the call.
 */
async function readText(
  response: { status: number; body: ReadableStream<Uint8Array> | null },
  request: HttpRequest,
): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > MAX_ANSWER_BYTES)
        throw new AnswerTooLargeError(
          request.call,
          request.urlInputs ?? "'api-url' and 'authority-url'",
          response.status,
        );
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Sends a POST that changes state. When its answer is lost (5xx, dropped connection) it is not
 * repeated blindly: `recover` re-reads the state and returns the outcome if the POST took effect,
 * or undefined if it did not, in which case the POST is sent again after a growing, jittered pause,
 * for as long as the run lasts: its stop (RunStopped) is thrown with the last lost answer's words.
 */
export async function postOnce<T>(
  transport: Transport,
  send: () => Promise<T>,
  recover: () => Promise<T | undefined>,
): Promise<T> {
  const { logger, policy } = transport;
  const started = policy.now();
  let lastFailure: string | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof AmbiguousRequestError)) throw lastFailure ? stoppedAfter(error, lastFailure) : error;
      lastFailure = describeStillFailing(error.call, attempt, policy.now() - started, error);
      logger.warning(`${error.message}; reading the current state before going on`);
      const recovered = await recover().catch((stop: unknown) => {
        throw stoppedAfter(stop, lastFailure as string);
      });
      if (recovered !== undefined) {
        logger.info(`${error.call} had taken effect; continuing from the current state`);
        return recovered;
      }
      // Not taken effect: sent again after the same backoff as any retry, never at once.
      const delay = backoffDelayMs(attempt, policy);
      logger.info(`${error.call} had not taken effect; sending it again in ${(delay / 1000).toFixed(1)} s`);
      const after = lastFailure;
      await pause(policy, delay).catch((stop: unknown) => {
        throw stoppedAfter(stop, after);
      });
    }
  }
}
