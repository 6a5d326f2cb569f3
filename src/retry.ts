/**
 * The one retry helper of every request, to the Store, the token authority and the blob: jittered
 * exponential backoff, bounded in attempts and total time, honouring `Retry-After`. The sleep and
 * the random source are injectable so tests of retries run instantly and deterministically.
 */
import type { Logger } from './log.js';
import { secrets } from './redact.js';
import { throwIfStopped } from './stop.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry is started once this much time has gone by since the first attempt. */
  readonly maxTotalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  /** The run's stop signal: no attempt starts and no pause lasts once it is aborted. */
  readonly signal?: AbortSignal | undefined;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxTotalMs: 15 * 60_000,
  sleep: realSleep,
  random: Math.random,
  now: Date.now,
};

/**
 * Delay before retry number `retry` (1 for the first retry): "equal jitter", half fixed and half
 * random, so retries of parallel jobs sharing a tenant's rate limit spread out but never collapse
 * to zero.
 */
export function backoffDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** "Try again in 14 seconds." in a 429 body, as the Store's gateway words it. */
export function parseRetryHintMs(message: string | undefined): number | undefined {
  const match = message?.match(/try again in (\d+) seconds?/i);
  return match ? Number(match[1]) * 1000 : undefined;
}

/**
 * Thrown by an attempt that may be tried again: `reason` is logged, `retryAfterMs` is the least
 * wait the server asked for, and `final` is what to throw instead once the attempts run out (by
 * default an error saying how often and how long it was tried).
 */
export class TransientFailure extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
    readonly final?: unknown,
  ) {
    super(reason);
    this.name = 'TransientFailure';
  }
}

/**
 * Calls `attempt` until it returns or throws anything but a TransientFailure, sleeping between
 * attempts and logging each retry with its reason. `label` names the request in logs and errors
 * (a function when the name is known only once an attempt has built the request).
 */
export async function retrying<T>(
  label: string | (() => string),
  policy: RetryPolicy,
  logger: Logger | undefined,
  attempt: (attemptNumber: number) => Promise<T>,
): Promise<T> {
  const started = policy.now();
  for (let n = 1; ; n++) {
    throwIfStopped(policy.signal);
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      // A server's Retry-After wins over the backoff, within reason.
      const delay = Math.min(policy.maxDelayMs * 5, Math.max(error.retryAfterMs ?? 0, backoffDelayMs(n, policy)));
      const elapsed = policy.now() - started;
      const name = typeof label === 'string' ? label : label();
      if (n >= policy.maxAttempts || elapsed + delay > policy.maxTotalMs) {
        throw (
          error.final ??
          new Error(
            secrets.redact(
              `${name} still failing after ${n} attempts over ${Math.round(elapsed / 1000)} s: ${error.reason}`,
            ),
          )
        );
      }
      logger?.warning(
        secrets.redact(
          `${name}: ${error.reason}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${n + 1} of ${policy.maxAttempts})`,
        ),
      );
      await pause(policy, delay);
    }
  }
}

/** `policy.sleep(ms)`, cut short with the stop reason when the run's signal aborts. */
export async function pause(policy: Pick<RetryPolicy, 'sleep' | 'signal'>, ms: number): Promise<void> {
  const { signal } = policy;
  if (!signal) return policy.sleep(ms);
  throwIfStopped(signal);
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([policy.sleep(ms), stopped]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
