/** Upload failures: messages that never carry the upload URL's query, with hints for known causes. */
import { errorMessage } from '../errors.js';
import { hintFor } from '../hints.js';
import { secrets, urlWithoutQuery } from '../redact.js';

/** Any `scheme://...?query` in a text, with the query replaced by `?…`. */
const URL_WITH_QUERY = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/gi;

/** Removes URL queries and registered secrets from a text meant for a log line or an error. */
export function scrub(text: string): string {
  return secrets.redact(text.replace(URL_WITH_QUERY, '$1?…'));
}

/** One blob request that failed: an error answer of the service, or a connection that failed (no status). */
export class BlobRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status of the answer; undefined when there was none. */
    readonly statusCode: number | undefined,
    /** The storage error code (`x-ms-error-code`, e.g. `AuthenticationFailed`, `Md5Mismatch`), or a network error code (`ECONNRESET`). */
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'BlobRequestError';
  }
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
  const hint = hintFor('package-upload', { status, code });
  if (hint) message += `. Hint: ${hint}`;
  return new UploadError(message, status, code);
}

/** The HTTP status of a blob request's failure; undefined for a network failure or another error. */
export function httpStatusOf(error: unknown): number | undefined {
  return error instanceof BlobRequestError ? error.statusCode : undefined;
}

/** The storage error code (e.g. `AuthenticationFailed`) or network error code of a blob request's failure. */
export function errorCodeOf(error: unknown): string | undefined {
  return error instanceof BlobRequestError ? error.code : undefined;
}
