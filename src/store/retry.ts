/**
 * The one retry policy of every HTTP call: jittered exponential backoff, bounded in attempts and
 * total time, honouring `Retry-After`. The sleep and the random source are injectable so tests of
 * retries run instantly and deterministically.
 */

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
export function backoffDelayMs(retry: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
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
