/**
 * The one status poller of both submission APIs: what to wait for, the clock, how polls back off,
 * and the loop that reads a status until it settles, logging each change with its time, within
 * the run's deadline and stop signal.
 */
import { formatDuration } from './format.js';
import type { Logger } from './log.js';
import { throwIfStopped } from './stop.js';

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

/** What bounds every wait of a run. */
export interface PollSettings {
  clock: Clock;
  logger: Logger;
  /** When the run must end: no pause goes past it. */
  deadline: Date;
  /** The run's stop signal: checked before every read and after every pause. */
  signal?: AbortSignal | undefined;
  /** First pause between two reads, in ms; later pauses back off (pollDelayMs). */
  firstIntervalMs: number;
}

/** One wait: how to read the state, what its status is, and when it is over. */
export interface Watch<T> {
  read(): Promise<T>;
  /** The state's status, as the change lines show it. */
  statusOf(state: T): string;
  /** Whether this state ends the wait; it throws to end the wait with a failure. Sees every state read. */
  settled(state: T): boolean;
  /** The error when the deadline passes before the wait is over; `waitedMs` since the wait began. */
  timedOut(state: T, waitedMs: number): Error;
  /** Called with each status change (and the time the wait began), e.g. to keep a timeline. */
  onChange?(status: string, at: Date, since: Date): void;
  /** The status already known before the first read (e.g. the one a commit answered): not logged again. */
  known?: string | undefined;
  /** Pause one interval before the first read (the state was just changed and is known). */
  pauseFirst?: boolean;
}

/**
 * Reads `watch` until it settles and returns the state that settled it. Each status change is
 * logged as `HH:MM:SS <status> (after <time since the wait began>)`. Throws what `settled` throws,
 * `timedOut(...)` once the deadline has passed, or the stop reason (RunStopped) when the run is
 * stopped.
 */
export async function pollUntilSettled<T>(settings: PollSettings, watch: Watch<T>): Promise<T> {
  const { clock, logger, deadline, signal } = settings;
  const since = clock.now();
  let last = watch.known;
  let pauses = 0;
  const pause = async (): Promise<void> => {
    const remaining = Math.max(0, deadline.getTime() - clock.now().getTime());
    await clock.sleep(Math.min(remaining, pollDelayMs(settings.firstIntervalMs, pauses++)));
    throwIfStopped(signal);
  };
  if (watch.pauseFirst) await pause();
  for (;;) {
    throwIfStopped(signal);
    const state = await watch.read();
    const now = clock.now();
    const status = watch.statusOf(state);
    if (status !== last) {
      last = status;
      watch.onChange?.(status, now, since);
      const waited = formatDuration((now.getTime() - since.getTime()) / 1000);
      logger.info(`${now.toISOString().slice(11, 19)} ${status} (after ${waited})`);
    }
    if (watch.settled(state)) return state;
    if (now.getTime() >= deadline.getTime()) throw watch.timedOut(state, now.getTime() - since.getTime());
    await pause();
  }
}
