/** What every command receives: the validated inputs, the Store client, the log and the run record. */
import type { Inputs } from '../inputs.js';
import type { Logger } from '../log.js';
import type { RunRecord } from '../report/record.js';
import type { StoreClient } from '../store/client.js';

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface RunContext {
  inputs: Inputs;
  store: StoreClient;
  logger: Logger;
  record: RunRecord;
  clock: Clock;
  /** Runs one phase of the work as a collapsible group of the log. */
  phase<T>(title: string, work: () => Promise<T>): Promise<T>;
}

/** "1 min 05 s", "42 s": how status changes and waits are shown. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
