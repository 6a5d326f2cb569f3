/**
 * What bounds a run: `timeout-minutes` and the runner's cancel (SIGINT, then SIGTERM). Both abort
 * one signal that every request, retry pause, status wait and upload block listens to, so a run
 * ends on time wherever it is, and the error funnel can still write the summary and outputs.
 */

/** Why a run stopped before its work was done; the reason of the run's AbortSignal. */
export class RunStopped extends Error {
  constructor(
    readonly kind: 'timeout' | 'cancelled',
    /** For a time-out: `timeout-minutes`; for a cancel: the signal's name. */
    readonly detail: string,
    /** The call that was still failing when the run stopped, with its last answer (retry.ts `describeStillFailing`). */
    readonly lastFailure?: string,
  ) {
    super(kind === 'timeout' ? `timed out ('timeout-minutes: ${detail}')` : `cancelled (${detail})`);
    this.name = 'RunStopped';
  }
}

/** The run's stop signal: aborted with a RunStopped at the deadline or on `stop`. */
export interface RunStop {
  readonly signal: AbortSignal;
  /** Aborts the run now (a cancel), unless it already stopped. */
  stop(reason: RunStopped): void;
  /** Clears the deadline timer once the run is over. */
  dispose(): void;
}

export function runStop(deadline: Date, timeoutMinutes: number): RunStop {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new RunStopped('timeout', String(timeoutMinutes))),
    Math.max(0, deadline.getTime() - Date.now()),
  );
  timer.unref();
  return {
    signal: controller.signal,
    stop: (reason) => {
      if (!controller.signal.aborted) controller.abort(reason);
    },
    dispose: () => clearTimeout(timer),
  };
}

/** Throws the stop reason when `signal` is aborted. */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** How long a stopped run's work may take to notice the stop before the run reports and ends anyway. */
const STOP_GRACE_MS = 20_000;

/** Runs the command, or gives up STOP_GRACE_MS after the run was stopped if the command has not noticed. */
export function boundedByStop(work: Promise<void>, stop: RunStop): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<never>((_, reject) => {
    const giveUp = () => {
      timer = setTimeout(() => reject(stop.signal.reason), STOP_GRACE_MS);
      timer.unref();
    };
    if (stop.signal.aborted) giveUp();
    else stop.signal.addEventListener('abort', giveUp, { once: true });
  });
  return Promise.race([work, givenUp]).finally(() => clearTimeout(timer));
}
