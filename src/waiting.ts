/** What both submission APIs share when a run waits: what to wait for, the clock, and how polls back off. */

export const WAIT_FOR = ['none', 'commit', 'publish'] as const;
export type WaitFor = (typeof WAIT_FOR)[number];

export interface Clock {
  now(): Date;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** Longest pause between two polls, whatever the first interval. */
export const MAX_POLL_INTERVAL_MS = 5 * 60_000;

/** Pause in ms before poll number `n` (0-based): grows by half each time from `firstMs`, capped. */
export function pollDelayMs(firstMs: number, n: number): number {
  return Math.min(Math.max(firstMs, MAX_POLL_INTERVAL_MS), firstMs * 1.5 ** n);
}
