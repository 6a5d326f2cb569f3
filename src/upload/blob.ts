/**
 * The two Azure Blob REST calls an upload needs, Put Block and Put Block List, on a SAS URL, over
 * undici (the library the Store API calls use too; this module is loaded with the first upload). Requests go through HTTP_PROXY / HTTPS_PROXY unless NO_PROXY exempts the host, as
 * the runner sets them. Error messages carry the status, the storage error code and the service's
 * message, never the URL's query.
 */
import { Readable } from 'node:stream';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';

/** Storage service version sent with every request (blocks up to 4000 MiB need 2019-12-12 or later). */
export const STORAGE_VERSION = '2021-12-02';

/** The blob calls the block stager makes. */
export interface BlockTarget {
  /**
   * Put Block: stages `parts` (in order, `length` bytes in all) as block `blockId` (base64, at most
   * 64 bytes decoded). `md5` is the 16-byte MD5 of those bytes (sent as Content-MD5, checked by the
   * service). Resolves when the service answered 201; rejects with a `BlobRequestError` for any
   * other answer, with the network error otherwise, or with `signal`'s reason.
   */
  stageBlock(
    blockId: string,
    parts: readonly Buffer[],
    length: number,
    md5: Buffer,
    signal: AbortSignal,
  ): Promise<void>;
  /** Put Block List: the blob becomes the blocks `blockIds`, in this order, with this Content-Type. Same errors. */
  commitBlockList(blockIds: readonly string[], contentType: string, signal: AbortSignal): Promise<void>;
  /** Closes idle connections (after the upload). */
  close(): Promise<void>;
}

/** An error answer of the blob service. */
export class BlobRequestError extends Error {
  constructor(
    message: string,
    /** HTTP status of the answer. */
    readonly statusCode: number,
    /** `x-ms-error-code` (or the XML body's `<Code>`), e.g. `AuthenticationFailed`, `Md5Mismatch`. */
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'BlobRequestError';
  }
}

/** `url` with `extra` appended to its query. */
function withQuery(url: string, extra: string): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  return `${base}${base.includes('?') ? '&' : '?'}${extra}`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads an answer; resolves on `expected`, else throws a BlobRequestError with the status, the error code and the service's message. */
async function expectStatus(answer: Dispatcher.ResponseData, expected: number, what: string): Promise<void> {
  if (answer.statusCode === expected) {
    await answer.body.dump();
    return;
  }
  let text = '';
  try {
    text = (await answer.body.text()).slice(0, 4000);
  } catch {
    // The status alone is enough to report.
  }
  const code = header(answer.headers, 'x-ms-error-code') ?? /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.split('\n')[0]?.trim();
  throw new BlobRequestError(message || `${what} answered HTTP ${answer.statusCode}`, answer.statusCode, code);
}

/**
 * A BlockTarget on the block blob at `encodedUrl` (a SAS URL whose `+` are already `%2B`, see
 * `encodeUploadUrl`). `dispatcher` defaults to an undici EnvHttpProxyAgent of its own, closed by
 * `close()`.
 */
export function blockBlobTarget(encodedUrl: string, dispatcher?: Dispatcher): BlockTarget {
  const own = dispatcher === undefined;
  const agent: Dispatcher = dispatcher ?? new EnvHttpProxyAgent({ keepAliveTimeout: 10_000 });
  const common = { 'x-ms-version': STORAGE_VERSION, 'user-agent': 'store-submit' };
  return {
    async stageBlock(blockId, parts, length, md5, signal) {
      const url = withQuery(encodedUrl, `comp=block&blockid=${encodeURIComponent(blockId)}`);
      const answer = await request(url, {
        method: 'PUT',
        dispatcher: agent,
        signal,
        headers: { ...common, 'content-length': String(length), 'content-md5': md5.toString('base64') },
        body: parts.length === 1 ? (parts[0] as Buffer) : Readable.from(parts, { objectMode: false }),
      });
      await expectStatus(answer, 201, 'Put Block');
    },
    async commitBlockList(blockIds, contentType, signal) {
      const xml = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
      const body = Buffer.from(xml, 'utf8');
      const answer = await request(withQuery(encodedUrl, 'comp=blocklist'), {
        method: 'PUT',
        dispatcher: agent,
        signal,
        headers: {
          ...common,
          'content-type': 'application/xml; charset=utf-8',
          'content-length': String(body.length),
          'x-ms-blob-content-type': contentType,
        },
        body,
      });
      await expectStatus(answer, 201, 'Put Block List');
    },
    async close() {
      if (own) await agent.close();
    },
  };
}
