/** What every command receives besides its own inputs: the Store client, the log, the run record, time. */
import type { Logger } from '../log.js';
import type { RunRecord } from '../report/record.js';
import type { StoreClient } from '../store/client.js';
import type { Clock } from '../waiting.js';


export interface RunContext {
  store: StoreClient;
  logger: Logger;
  record: RunRecord;
  clock: Clock;
  /** When the run must end (`timeout-minutes` after it started). */
  deadline: Date;
  /** `timeout-minutes`, for messages. */
  timeoutMinutes: number;
  /** Aborted when the run times out or is cancelled; pass it to anything that waits. */
  signal: AbortSignal;
  /** Runs one phase of the work as a collapsible group of the log. */
  phase<T>(title: string, work: () => Promise<T>): Promise<T>;
}
