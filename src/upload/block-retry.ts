/**
 * How a blob request is tried: each attempt has its own deadline and ends when the upload is
 * aborted; busy answers and dropped connections are sent again with the shared backoff, a block
 * being cheap to send twice.
 */
import type { Logger } from '../log.js';
import { DEFAULT_RETRY_POLICY, TransientFailure, retrying, type RetryPolicy } from '../retry.js';
import { isTransientNetworkError } from '../transient.js';
import { BlobRequestError, errorCodeOf, httpStatusOf, scrub } from './errors.js';

/**
 * Per-block retries: the shared policy (no fixed count of tries: the upload's signal, that is the
 * run's deadline or a cancel, ends them), longer pauses at most, plus a per-attempt time limit.
 */
export interface BlockRetryPolicy extends RetryPolicy {
  /** Abort and retry an attempt that takes longer than this, in milliseconds. */
  attemptTimeoutMs: number;
}

export const DEFAULT_BLOCK_RETRY: BlockRetryPolicy = {
  ...DEFAULT_RETRY_POLICY,
  maxDelayMs: 30_000,
  attemptTimeoutMs: 5 * 60_000,
};

/** Answers of the blob service worth another try: time-out, throttling and server errors. */
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** True for a 408, 429 or 5xx answer, or a transient network failure (`isTransientNetworkError`). */
export function isTransientBlobError(error: unknown): boolean {
  if (error instanceof BlobRequestError && error.statusCode !== undefined)
    return TRANSIENT_STATUS.has(error.statusCode);
  return isTransientNetworkError(error);
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

export interface BlobRequestContext {
  logger?: Logger | undefined;
  /** Aborts the upload: no attempt or pause starts after it, the attempt in flight is cancelled, its reason is thrown. */
  signal?: AbortSignal | undefined;
  /** The upload's failure, once another request failed for good: thrown instead of trying again. */
  failure?: () => unknown;
}

/**
 * Calls `attempt` with a signal that aborts at `policy.attemptTimeoutMs` or with the upload, until
 * it resolves, fails for good (the error as thrown) or runs out of attempts (the last error).
 * `label` names the request in the log line of each retry, e.g. `Staging block 3 (2097152 bytes) of the upload`.
 */
export async function sendWithRetries<T>(
  label: string,
  policy: BlockRetryPolicy,
  context: BlobRequestContext,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const outer = context.signal;
  const failure = (): unknown => context.failure?.();
  return retrying(label, outer ? { ...policy, signal: outer } : policy, context.logger, async () => {
    outer?.throwIfAborted();
    // Another request already failed for good: no point sending this one.
    if (failure() !== undefined) throw failure();
    const deadline = AbortSignal.timeout(policy.attemptTimeoutMs);
    const signal = outer ? AbortSignal.any([deadline, outer]) : deadline;
    try {
      return await attempt(signal);
    } catch (error) {
      outer?.throwIfAborted();
      if (failure() !== undefined) throw error;
      if (deadline.aborted) {
        const reason = `no answer within ${formatSeconds(policy.attemptTimeoutMs)}`;
        throw new TransientFailure(`failed (${reason})`, undefined, new Error(reason));
      }
      if (!isTransientBlobError(error)) throw error;
      const status = httpStatusOf(error);
      const reason = status !== undefined ? `HTTP ${status}` : (errorCodeOf(error) ?? 'network error');
      throw new TransientFailure(`failed (${scrub(reason)})`, undefined, error);
    }
  });
}
