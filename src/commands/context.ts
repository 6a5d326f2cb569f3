/** What every command receives besides its own inputs: the Store clients, the log, the run record, time. */
import type { Logger } from '../log.js';
import type { RunRecord } from '../report/record.js';
import type { StoreClient } from '../store/client.js';
import type { Transport } from '../store/http.js';
import type { InstallerClient } from '../store/installer-client.js';
import type { Clock } from '../waiting.js';

/** Which MSI/EXE product an InstallerClient works on, and where the API is. */
export interface InstallerTarget {
  /** API root: `api-url` when set, else `INSTALLER_API_URL`. */
  apiUrl: string;
  /** The product ID GUID (`app-id`). */
  productId: string;
  /** The Partner Center seller ID (`seller-id`), sent as `X-Seller-Account-Id`. */
  sellerId: string;
}

export interface RunContext {
  /** The MSIX API (apps, flights, add-ons). */
  store: StoreClient;
  /**
   * The MSI/EXE API for one product: signs in with the run's credentials for that API's resource
   * (`INSTALLER_API_RESOURCE`), on the same transport as `store`. Sends nothing until it is used.
   */
  installerClient(target: InstallerTarget): InstallerClient;
  /** The run's transport (proxies, retries, call record), for requests outside the Store APIs: installer URL checks. */
  transport: Transport;
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
