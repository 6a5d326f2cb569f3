/**
 * A run context for unit tests of commands: the Store client a test gives (only the calls it
 * answers), its logger, a fresh run record, a clock that never waits, a minute's deadline, and no
 * MSI/EXE API.
 */
import type { RunContext } from '../../src/commands/context.js';
import type { Logger } from '../../src/log.js';
import { RunRecord } from '../../src/report/record.js';
import type { StoreClient } from '../../src/store/client.js';

export function unitRunContext(store: Partial<StoreClient>, logger: Logger): RunContext {
  return {
    store: store as StoreClient,
    logger,
    record: new RunRecord(),
    clock: { now: () => new Date(), sleep: () => Promise.resolve() },
    deadline: new Date(Date.now() + 60_000),
    timeoutMinutes: 1,
    signal: new AbortController().signal,
    transport: undefined as never,
    installerClient: () => {
      throw new Error('no MSI/EXE product here');
    },
    phase: (_title, work) => work(),
  };
}
