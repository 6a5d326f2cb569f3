/**
 * A non-2xx answer of the MSIX submission API or of the token authority, as a StoreApiError in the
 * Store's own words (its code, message, target and correlation ID), with a known-cause hint. The
 * forms of these answers: docs/store-api.md, "Error answers".
 */
import { StoreApiError } from '../errors.js';
import { hintFor, type Failure } from '../hints.js';
import { secrets } from '../redact.js';

/**
 * Builds the error for `answer` (an HTTP status, the body as text, the headers) of `call` (e.g.
 * `GET applications/9NBLGGH4R315`). Reads the Store's `{ code, message, target }` (at the top or
 * under `error`) and the token authority's `{ error, error_description }`; any other body gives its
 * first 300 characters as the message. The message is redacted; the body is never kept whole.
 * `known` is what the caller knows beyond the answer (the call was on a submission this run created;
 * the answer came after a new token), which some hints depend on.
 */
export function storeErrorFrom(
  answer: { status: number; text: string; headers: Headers },
  call: string,
  known: Pick<Failure, 'ownSubmission' | 'afterNewToken'> = {},
): StoreApiError {
  let code: string | undefined;
  let message: string | undefined;
  let target: string | undefined;
  try {
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    const inner = (typeof body.error === 'object' && body.error !== null ? body.error : body) as Record<
      string,
      unknown
    >;
    code = typeof inner.code === 'string' ? inner.code : typeof body.error === 'string' ? body.error : undefined;
    message =
      typeof inner.message === 'string'
        ? inner.message
        : typeof body.error_description === 'string'
          ? body.error_description.split(/\r?\n/)[0]
          : undefined;
    target = typeof inner.target === 'string' && inner.target ? inner.target : undefined;
  } catch {
    message = answer.text.trim().slice(0, 300) || undefined;
  }
  const correlationId = answer.headers.get('ms-correlationid') ?? undefined;
  return new StoreApiError(
    answer.status,
    call,
    code,
    message === undefined ? undefined : secrets.redact(message),
    target,
    correlationId,
    hintFor('store', { status: answer.status, code, message, call, correlationId, ...known }),
  );
}

/** True when `text` parses as JSON. */
export function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A body that is not JSON, as a person would name it: an HTML page by its title, anything else by its start. */
function describePage(text: string): string {
  const raw = text.trim();
  if (/^<(!doctype|html|head|body)\b/i.test(raw)) {
    const title = raw
      .match(/<title[^>]*>([^<]*)<\/title>/i)?.[1]
      ?.replace(/\s+/g, ' ')
      .trim();
    return secrets.redact(`an HTML page${title ? ` titled '${title.slice(0, 120)}'` : ''}, not the API's JSON`);
  }
  return secrets.redact(`a body that is not JSON: ${raw.replace(/\s+/g, ' ').slice(0, 120)}`);
}

/**
 * The words of an answer that will be tried again, to follow its `HTTP <status>` in the retry
 * warnings and the final error: the server's code, message and correlation ID (`MS-CorrelationId`,
 * or the MSI/EXE API's `X-Correlation-ID`), e.g. `, code ServiceUnavailable: Retry your operation
 * (MS-CorrelationId 8f2c...)`, or what a page that is not JSON is; empty for an empty body. `hint`:
 * the registry's known cause for it (src/hints.ts), if any.
 */
export function answerWords(
  answer: { status: number; text: string; headers: Headers },
  call: string,
): { words: string; hint: string | undefined } {
  const msId = answer.headers.get('ms-correlationid');
  const correlationId = msId ?? answer.headers.get('x-correlation-id');
  const correlation = correlationId ? ` (${msId ? 'MS-CorrelationId' : 'X-Correlation-ID'} ${correlationId})` : '';
  const raw = answer.text.trim();
  if (raw && !isJsonText(raw)) return { words: `: ${describePage(raw)}${correlation}`, hint: undefined };
  const error = storeErrorFrom(answer, call);
  const code = error.code ? `, code ${error.code}` : '';
  const message = error.storeMessage ? `: ${error.storeMessage}` : '';
  return { words: `${code}${message}${correlation}`, hint: error.hint };
}
