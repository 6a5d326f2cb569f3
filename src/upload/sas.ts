/**
 * The upload URL is a SAS URL: its query grants write access. These helpers encode it the way the
 * Store's signatures need, check its expiry, register its signature as a secret and keep its query
 * out of every message.
 */
import { errorMessage } from '../errors.js';
import { secrets, urlWithoutQuery } from '../redact.js';

/**
 * The Store's SAS signatures are base64 with raw '+': encode them as %2B (and only them) so the
 * signature survives URL parsing (a raw '+' in a query reads as a space). Only the query is
 * touched; an already encoded URL comes back unchanged.
 */
export function encodeUploadUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const end = hash === -1 ? url.length : hash;
  return url.slice(0, q) + url.slice(q, end).replace(/\+/g, '%2B') + url.slice(end);
}

/** One query parameter of the (encoded) URL, decoded; undefined when absent. */
function queryParam(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  const params = new URLSearchParams(encodeUploadUrl(url).slice(q + 1).split('#')[0]);
  return params.get(name) ?? undefined;
}

/** Default margin for `sasExpiryProblem`: the upload and the commit after it must fit before expiry. */
export const DEFAULT_SAS_MARGIN_MS = 5 * 60 * 1000;

/**
 * A problem text when the SAS `se` expiry is in the past or within `marginMs` of `now`, else
 * undefined (also when the URL has no `se`, or one that does not parse: the service decides).
 */
export function sasExpiryProblem(url: string, now: Date, marginMs: number = DEFAULT_SAS_MARGIN_MS): string | undefined {
  const se = queryParam(url, 'se');
  if (!se) return undefined;
  const expiry = new Date(se);
  if (Number.isNaN(expiry.getTime())) return undefined;
  const left = expiry.getTime() - now.getTime();
  const where = urlWithoutQuery(url);
  if (left <= 0) {
    return `The upload URL ${where} expired at ${expiry.toISOString()} (${formatDuration(-left)} ago); create a new submission to get a fresh fileUploadUrl`;
  }
  if (left < marginMs) {
    return `The upload URL ${where} expires at ${expiry.toISOString()}, in ${formatDuration(left)}, too soon to upload safely; create a new submission to get a fresh fileUploadUrl`;
  }
  return undefined;
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${(m / 60).toFixed(1)} h`;
}

/** Registers the URL's SAS signature as a secret (in every encoding it could be printed in). */
export function registerUploadSecrets(url: string): void {
  secrets.add(queryParam(url, 'sig'));
}

/** Any `scheme://...?query` in a text, with the query replaced by `?…`. */
const URL_WITH_QUERY = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/gi;

/** Removes URL queries and registered secrets from a text meant for a log line or an error. */
export function scrub(text: string): string {
  return secrets.redact(text.replace(URL_WITH_QUERY, '$1?…'));
}

/** An upload failure; its message never carries the URL's query. */
export class UploadError extends Error {
  constructor(
    message: string,
    /** HTTP status of the failed request, when there was an answer. */
    readonly httpStatus?: number,
    /** The storage error code (`x-ms-error-code`, e.g. `AuthenticationFailed`), or a network error code. */
    readonly code?: string,
  ) {
    super(scrub(message));
    this.name = 'UploadError';
  }
}

/** Wraps an error of a blob request (a network error's message may include the request URL). */
export function uploadError(what: string, url: string, error: unknown): UploadError {
  if (error instanceof UploadError) return error;
  const status = httpStatusOf(error);
  const code = errorCodeOf(error);
  let detail = errorMessage(error).split('\n')[0] ?? '';
  if (detail.length > 300) detail = `${detail.slice(0, 300)}…`;
  const parts = [`${what} ${urlWithoutQuery(url)} failed`];
  if (status !== undefined) parts.push(`with HTTP ${status}`);
  if (code) parts.push(code);
  let message = parts.join(' ');
  if (detail) message += `: ${detail}`;
  const hint = hintFor(status, code);
  if (hint) message += `. Hint: ${hint}`;
  return new UploadError(message, status, code);
}

function hintFor(status: number | undefined, code: string | undefined): string | undefined {
  if (status === 403) {
    return "the SAS may have expired, or its signature was altered ('+' must be sent as %2B); create a new submission for a fresh fileUploadUrl";
  }
  if (status === 404) return 'the upload URL names a container or blob that does not exist; use the fileUploadUrl of the current submission';
  if (code === 'ENOTFOUND' || code === 'ECONNREFUSED') return 'the upload host could not be reached from this runner';
  return undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { statusCode?: unknown; response?: { status?: unknown } };
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.response?.status === 'number') return e.response.status;
  return undefined;
}

export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; details?: { errorCode?: unknown }; name?: unknown };
  if (typeof e.details?.errorCode === 'string') return e.details.errorCode;
  if (typeof e.code === 'string') return e.code;
  return undefined;
}
