/**
 * The upload URL is a SAS URL: its query grants write access. The upload owns it: encodes it the way
 * the Store's signatures need, registers its signature and query as secrets and checks its expiry,
 * once, before the first byte is sent.
 */
import { formatDuration } from '../format.js';
import { registerUrlQuery, urlWithoutQuery } from '../redact.js';
import { UploadError } from './errors.js';

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
  const params = new URLSearchParams(
    encodeUploadUrl(url)
      .slice(q + 1)
      .split('#')[0],
  );
  return params.get(name) ?? undefined;
}

/** Default margin for `sasExpiryProblem`: the upload and the commit after it must fit before expiry. */
export const DEFAULT_SAS_MARGIN_MS = 5 * 60 * 1000;

/**
 * A problem text when the SAS `se` expiry is in the past or within `marginMs` of `now`, else
 * undefined (also when the URL has no `se`, or one that does not parse: the service decides). `se`
 * may carry any number of fractional digits (docs/store-api.md#live-dates-and-numbers). The text says how long
 * ago or how soon, not the moment itself: `se` is part of the query, which nothing shows.
 */
export function sasExpiryProblem(url: string, now: Date, marginMs: number = DEFAULT_SAS_MARGIN_MS): string | undefined {
  const se = queryParam(url, 'se');
  if (!se) return undefined;
  const expiry = new Date(se);
  if (Number.isNaN(expiry.getTime())) return undefined;
  const left = expiry.getTime() - now.getTime();
  const where = urlWithoutQuery(url);
  if (left <= 0) {
    return `The upload URL ${where} expired ${formatDuration(-left / 1000)} ago; create a new submission to get a fresh fileUploadUrl`;
  }
  if (left < marginMs) {
    return `The upload URL ${where} expires in ${formatDuration(left / 1000)}, too soon to upload safely; create a new submission to get a fresh fileUploadUrl`;
  }
  return undefined;
}

/**
 * Makes a `fileUploadUrl` ready to upload to: registers its secrets, encodes it, and throws
 * UploadError when its SAS has expired or expires within `DEFAULT_SAS_MARGIN_MS` of `now`.
 */
export function openUploadUrl(url: string, now: Date): string {
  registerUrlQuery(url);
  const encoded = encodeUploadUrl(url);
  registerUrlQuery(encoded);
  const expiry = sasExpiryProblem(encoded, now);
  if (expiry) throw new UploadError(`${expiry}. Run again to get a fresh one.`);
  return encoded;
}
