/**
 * Reads the answers of the MSI/EXE submission API (docs/store-api.md, the MSI/EXE API section):
 * every answer comes in the envelope `{ isSuccess, errors: [{ code, message, target }],
 * responseData }`, or, from the gateway, as `{ statusCode, message }`. A success gives its data and
 * warnings; anything else becomes an InstallerApiError with every entry, the hint and the
 * X-Correlation-ID.
 */
import { StoreApiError } from '../errors.js';
import { hintFor } from '../hints.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { secrets } from '../redact.js';
import type { HttpResult } from './http.js';

/** One entry of an answer's `errors`: an error, or a warning when `code` is `warning`. */
export interface ApiMessage {
  code: string;
  message: string;
  target: string;
}

/** A successful answer: `responseData` (an empty object when absent) and the warnings it carried. */
export interface Envelope {
  data: JsonObject;
  /** Entries of `errors` that came with a successful answer (code `warning`, or anything else). */
  warnings: ApiMessage[];
  correlationId?: string;
}

/**
 * An error answer of this API: the HTTP status, and every `{ code, message, target }` it carried
 * (the first shown as the code/message/target of StoreApiError), with the `X-Correlation-ID`.
 */
export class InstallerApiError extends StoreApiError {
  constructor(
    httpStatus: number,
    call: string,
    /** Every error entry of the answer (warnings excluded), in order. */
    readonly messages: ApiMessage[],
    correlationId: string | undefined,
    /** The submission in progress that blocked this write, when the answer named one. */
    readonly ongoingSubmissionId?: string,
    hint?: string,
  ) {
    const first = messages[0];
    super(
      httpStatus,
      call,
      first?.code || undefined,
      first?.message || undefined,
      first?.target || undefined,
      correlationId,
      hint,
    );
    this.name = 'InstallerApiError';
    this.message = describeInstallerError(httpStatus, call, messages, correlationId, ongoingSubmissionId, hint);
  }
}

function describeInstallerError(
  httpStatus: number,
  call: string,
  messages: ApiMessage[],
  correlationId: string | undefined,
  ongoing: string | undefined,
  hint: string | undefined,
): string {
  let text = `${call} failed with HTTP ${httpStatus}`;
  const parts = messages.map((m) => describeMessage(m));
  if (parts.length === 1) text += `: ${parts[0]}`;
  else if (parts.length > 1) text += `: ${parts.join('; ')}`;
  if (ongoing) text += ` (submission ${ongoing} is in progress)`;
  if (correlationId) text += ` (X-Correlation-ID ${correlationId})`;
  if (hint) text += `. Hint: ${hint}`;
  return text;
}

/** `code (target): message`, as errors and logs show an entry of `errors`. */
export function describeMessage(m: ApiMessage): string {
  const head = [m.code || 'error', m.target ? `(target ${m.target})` : ''].filter(Boolean).join(' ');
  return m.message ? `${head}: ${m.message}` : head;
}

/** A scalar of an answer as text; anything else as the empty string. */
export function text(value: JsonValue | undefined): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
}

/** A scalar of an answer as text, undefined when empty. */
export function nonEmpty(value: JsonValue | undefined): string | undefined {
  const s = text(value);
  return s ? s : undefined;
}

/** The `errors` array of an envelope, tolerant of missing fields and of a single object. */
export function parseMessages(value: JsonValue | undefined): ApiMessage[] {
  const items = Array.isArray(value) ? value : isJsonObject(value) ? [value] : [];
  return items.filter(isJsonObject).map((item) => ({
    code: text(item.code),
    message: secrets.redact(text(item.message)),
    target: text(item.target),
  }));
}

/** Whether an entry of `errors` is a warning (code `warning`) rather than an error. */
export function isWarning(m: ApiMessage): boolean {
  return m.code.toLowerCase() === 'warning';
}

/** The known-cause hint for an error answer of this API, matched on all its words. */
function installerHint(status: number, messages: ApiMessage[], gatewayMessage: string): string | undefined {
  const message = `${messages.map((m) => `${m.code} ${m.message}`).join(' ')} ${gatewayMessage}`;
  return hintFor('installer-api', { status, message });
}

/**
 * Reads an answer of this API: a success (2xx with `isSuccess` not false) gives `responseData`
 * and any warnings; anything else throws InstallerApiError with every error entry. Error answers
 * come as the envelope (`isSuccess: false`, with a 2xx or an error status), as the gateway's
 * `{ statusCode, message }`, or as something that is not JSON (a proxy page): all are reported.
 */
export function readEnvelope(result: HttpResult, call: string): Envelope {
  const correlationId = result.headers.get('x-correlation-id') ?? result.headers.get('ms-correlationid') ?? undefined;
  const ok = result.status >= 200 && result.status < 300;
  let body: JsonObject | undefined;
  const raw = result.text.trim();
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw);
      body = isJsonObject(parsed) ? parsed : undefined;
    } catch {
      body = undefined;
    }
    if (!body) {
      const start = secrets.redact(raw.slice(0, 120));
      if (ok)
        throw new Error(
          `${call} answered HTTP ${result.status} with a body that is not the API's JSON envelope: ${start}`,
        );
      throw new InstallerApiError(
        result.status,
        call,
        [{ code: '', message: start, target: '' }],
        correlationId,
        undefined,
        installerHint(result.status, [], start),
      );
    }
  }
  const messages = parseMessages(body?.errors);
  const data = isJsonObject(body?.responseData) ? body.responseData : {};
  if (ok && body?.isSuccess !== false) {
    if (body && body.isSuccess !== true && !('responseData' in body)) {
      throw new Error(
        `${call} answered HTTP ${result.status} without the API's envelope (isSuccess, errors, responseData): ${secrets.redact(raw.slice(0, 120))}`,
      );
    }
    return { data, warnings: messages, ...(correlationId ? { correlationId } : {}) };
  }
  // A gateway answer (401, 429 that ran out of retries, 404 of an unknown path) has no envelope.
  const gatewayMessage = text(body?.message);
  const errors = messages.filter((m) => !isWarning(m));
  if (errors.length === 0 && gatewayMessage)
    errors.push({
      code: text(body?.statusCode) || text(body?.code),
      message: secrets.redact(gatewayMessage),
      target: '',
    });
  return throwError(result.status, call, errors, correlationId, nonEmpty(data.ongoingSubmissionId), gatewayMessage);
}

function throwError(
  status: number,
  call: string,
  errors: ApiMessage[],
  correlationId: string | undefined,
  ongoing: string | undefined,
  gateway: string,
): never {
  throw new InstallerApiError(status, call, errors, correlationId, ongoing, installerHint(status, errors, gateway));
}
