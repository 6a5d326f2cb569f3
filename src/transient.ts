/**
 * Which network failures are worth another attempt: the one list behind the Store transport, the
 * installer URL checks and the blob upload, so a failure is retried (or not) the same way wherever
 * it happens.
 */

/**
 * Error codes of a dropped, refused, reset or timed-out connection, as Node.js (`ECONNRESET`, ...),
 * undici (`UND_ERR_*`) and the Azure SDK (`REQUEST_SEND_ERROR`, a request whose sending failed)
 * name them. A host that does not resolve (`ENOTFOUND`) is not among them: it does not heal.
 */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'REQUEST_SEND_ERROR',
]);

/** The error's string code, or its cause's (undici's `fetch failed` carries the socket's error as its cause). */
function codeOf(error: unknown): string | undefined {
  for (const candidate of [error, (error as { cause?: unknown } | null)?.cause]) {
    const code = (candidate as { code?: unknown } | null | undefined)?.code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * True when `error` is a network failure that another attempt may not meet: a code of
 * `TRANSIENT_CODES` on the error or its cause, undici's `fetch failed` / `terminated` /
 * `other side closed` TypeErrors (the transport tells a host that does not resolve and a proxy's
 * refusal apart before it asks), or Node's `socket hang up`. False for anything else, HTTP answers
 * included (each caller has its own rule for statuses).
 */
export function isTransientNetworkError(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  if (!(error instanceof Error)) return false;
  if (error instanceof TypeError && /fetch failed|terminated|other side closed/i.test(error.message)) return true;
  return /socket hang up/i.test(error.message);
}
