/** What every step of the MSI/EXE flow works with: the product's client, the log, time and the run's bounds. */
import type { Logger } from '../../log.js';
import type { InstallerClient } from '../../store/installer-client.js';
import type { Clock, PollSettings } from '../../waiting.js';

export interface InstallerFlowDeps {
  client: InstallerClient;
  logger: Logger;
  /** `now` and `sleep(ms)`; tests inject both. */
  clock: Clock;
  /** When the whole run must end (`timeout-minutes` from the start). */
  deadline: Date;
  /** The run's cancellation; checked before every request and after every pause. */
  signal?: AbortSignal;
  /** First pause between polls, in ms (`poll-interval-seconds` x 1000); later pauses back off. */
  pollIntervalMs: number;
}

/** The status poller's settings for these dependencies. */
export function pollSettings(deps: InstallerFlowDeps): PollSettings {
  const { clock, logger, deadline, signal, pollIntervalMs } = deps;
  return { clock, logger, deadline, signal, firstIntervalMs: pollIntervalMs };
}
