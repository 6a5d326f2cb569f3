/**
 * The one retry helper of every request, to the Store, the token authority and the blob: jittered
 * exponential backoff, honouring `Retry-After`, until the run's stop signal (its deadline or a
 * cancel) ends it (docs/contract.md, "What every run does"). The sleep and the random source are
 * injectable so tests of retries run instantly and deterministically.
 */
import type { Logger } from './log.js';
import { secrets } from './redact.js';
import { RunStopped, throwIfStopped } from './stop.js';

export interface RetryPolicy {
  /**
   * Attempts in all, the first included, for a caller that bounds a request of its own (a blob
   * block); absent, only the stop signal ends the retries.
   */
  readonly maxAttempts?: number | undefined;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  /** The run's stop signal: no attempt starts and no pause lasts once it is aborted. */
  readonly signal?: AbortSignal | undefined;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
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
 * Thrown by an attempt that may be tried again: `reason` is logged (with the server's own words,
 * where it sent some), `retryAfterMs` is the least wait the server asked for, `final` is what to
 * throw instead once `maxAttempts` run out (by default an error saying how often and how long it
 * was tried), and `hint` (a known cause, what to do) ends the error a stop or the last attempt leaves.
 */
export class TransientFailure extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
    readonly final?: unknown,
    readonly hint?: string,
  ) {
    super(reason);
    this.name = 'TransientFailure';
  }
}

/** What a call that was still failing leaves in the final error: how often, how long, its last answer, a hint. */
export function describeStillFailing(
  name: string,
  attempts: number,
  elapsedMs: number,
  failure: Pick<TransientFailure, 'reason' | 'hint'>,
): string {
  const hint = failure.hint ? `${/[.!?]$/.test(failure.reason) ? '' : '.'} Hint: ${failure.hint}` : '';
  return secrets.redact(
    `${name} still failing after ${attempts} attempts over ${Math.round(elapsedMs / 1000)} s: ${failure.reason}${hint}`,
  );
}

/**
 * The error to throw when `error` ended a retry: the run's stop (RunStopped) is thrown with
 * `lastFailure` (describeStillFailing) attached, so the time-out or cancel error keeps what the
 * server last answered; any other error is returned as it is.
 */
export function stoppedAfter(error: unknown, lastFailure: string): unknown {
  return error instanceof RunStopped && error.lastFailure === undefined
    ? new RunStopped(error.kind, error.detail, lastFailure)
    : error;
}

/**
 * Calls `attempt` until it returns or throws anything but a TransientFailure, sleeping between
 * attempts and logging each retry with its reason; the run's stop signal ends it (the RunStopped
 * thrown carries the last failure, see stoppedAfter), and so does `policy.maxAttempts` where given.
 * `label` names the request in logs and errors (a function when the name is known only once an
 * attempt has built the request).
 */
export async function retrying<T>(
  label: string | (() => string),
  policy: RetryPolicy,
  logger: Logger | undefined,
  attempt: (attemptNumber: number) => Promise<T>,
): Promise<T> {
  const started = policy.now();
  let lastFailure: string | undefined;
  for (let n = 1; ; n++) {
    try {
      throwIfStopped(policy.signal);
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw lastFailure ? stoppedAfter(error, lastFailure) : error;
      // A server's Retry-After wins over the backoff, within reason.
      const delay = Math.min(policy.maxDelayMs * 5, Math.max(error.retryAfterMs ?? 0, backoffDelayMs(n, policy)));
      const name = typeof label === 'string' ? label : label();
      lastFailure = describeStillFailing(name, n, policy.now() - started, error);
      if (policy.maxAttempts !== undefined && n >= policy.maxAttempts) throw error.final ?? new Error(lastFailure);
      const of = policy.maxAttempts === undefined ? '' : ` of ${policy.maxAttempts}`;
      logger?.warning(
        secrets.redact(`${name}: ${error.reason}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${n + 1}${of})`),
      );
      const after = lastFailure;
      await pause(policy, delay).catch((stop: unknown) => {
        throw stoppedAfter(stop, after);
      });
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
