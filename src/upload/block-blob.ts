/**
 * The two blob calls an upload makes, Put Block and Put Block List, through `@azure/storage-blob`
 * on the SAS URL. The SDK is loaded with the first upload, not at start-up, and sends each request
 * once: the stager's own retries, bounded by the run's deadline, decide what is sent again.
 */
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { StoragePipelineOptions } from '@azure/storage-blob';
import { proxyFor } from '../store/proxy.js';
import { BlobRequestError } from './errors.js';

/** The blob calls the block stager makes. */
export interface BlockTarget {
  /**
   * Put Block: stages `parts` (in order, `length` bytes in all) as block `blockId` (base64, at most
   * 64 bytes decoded). `md5` is the 16-byte MD5 of those bytes (sent as Content-MD5, checked by the
   * service). Resolves once the block is staged; rejects with a `BlobRequestError` for an error answer
   * or a failed connection, or with an `AbortError` once `signal` aborts.
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
  /** Closes the connections kept open between blocks (after the upload). */
  close(): Promise<void>;
}

/**
 * How the SDK reaches `url`: through the proxy that HTTP_PROXY / HTTPS_PROXY / NO_PROXY choose for
 * it, by the same rule as every other request of the action (`store/proxy.ts`), or directly over a
 * keep-alive agent of its own. The SDK's own reading of those variables differs (HTTPS_PROXY for
 * http URLs too; NO_PROXY without `*`, ports or bare domain suffixes), and a request that carries an
 * agent is not routed through it.
 */
function connectionFor(url: string, env: NodeJS.ProcessEnv): { options: StoragePipelineOptions; agent?: http.Agent } {
  const proxy = proxyFor(url, env);
  if (!proxy) {
    const agent =
      new URL(url).protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    // `agent` is an option of the pipeline the SDK builds from these options (core-rest-pipeline's).
    const options: StoragePipelineOptions & { agent: http.Agent } = { agent };
    return { options, agent };
  }
  let parsed: URL;
  try {
    parsed = new URL(env[proxy.variable] ?? '');
  } catch {
    throw new Error(`${proxy.variable} is not a URL; the upload cannot go through it`);
  }
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  return {
    options: {
      proxyOptions: {
        host: `${parsed.protocol}//${parsed.hostname}`,
        port,
        ...(parsed.username ? { username: parsed.username } : {}),
        ...(parsed.password ? { password: parsed.password } : {}),
      },
    },
  };
}

/** The SDK's error without its request, response or URL: the status, the storage error code, the first line of the message. */
function requestError(
  error: { statusCode?: number | undefined; code?: string | undefined; details?: unknown; message: string },
  what: string,
): BlobRequestError {
  const code = error.code ?? (error.details as { errorCode?: unknown } | undefined)?.errorCode;
  let message = error.message.split('\n')[0]?.trim() ?? '';
  if (message.length > 300) message = `${message.slice(0, 300)}…`;
  const status = error.statusCode;
  return new BlobRequestError(
    message || (status === undefined ? `${what} failed` : `${what} answered HTTP ${status}`),
    status,
    typeof code === 'string' ? code : undefined,
  );
}

/**
 * A BlockTarget on the block blob at `encodedUrl` (a SAS URL whose `+` are already `%2B`, see
 * `encodeUploadUrl`; the SDK sends its query as it is, with `comp` and `blockid` appended). Loads
 * the SDK. Throws when the proxy variable that applies is not a URL.
 */
export async function openBlockBlob(encodedUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<BlockTarget> {
  const { AnonymousCredential, BlockBlobClient, isRestError, newPipeline } = await import('@azure/storage-blob');
  const { options, agent } = connectionFor(encodedUrl, env);
  // One try per call: the SDK's retries would wait out their own backoff, unseen by the run's
  // deadline. Its `tryTimeoutInMs` is only the service's `timeout` parameter (it adds it to the
  // query); each attempt's deadline is the abort signal.
  const pipeline = newPipeline(new AnonymousCredential(), {
    ...options,
    retryOptions: { maxTries: 1 },
    userAgentOptions: { userAgentPrefix: 'store-submit' },
  });
  const client = new BlockBlobClient(encodedUrl, pipeline);
  const send = async (what: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
    } catch (error) {
      throw isRestError(error) ? requestError(error, what) : error;
    }
  };
  return {
    stageBlock: (blockId, parts, length, md5, signal) =>
      send('Put Block', () =>
        client.stageBlock(
          blockId,
          // A Buffer goes out as it is; several are streamed in order, never copied into one.
          parts.length === 1 ? (parts[0] as Buffer) : Readable.from(parts, { objectMode: false }),
          length,
          { transactionalContentMD5: md5, abortSignal: signal },
        ),
      ),
    commitBlockList: (blockIds, contentType, signal) =>
      send('Put Block List', () =>
        client.commitBlockList([...blockIds], {
          blobHTTPHeaders: { blobContentType: contentType },
          abortSignal: signal,
        }),
      ),
    close: async () => agent?.destroy(),
  };
}
