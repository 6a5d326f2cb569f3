/**
 * The clients, clock and log one run's commands share, built once from the common inputs: one
 * transport (deadline, proxy, retries, call record) under both Store APIs and the sign-in.
 */
import { logGroup } from './actions-log.js';
import type { RunContext } from './commands/context.js';
import type { CommonInputs } from './inputs/common.js';
import type { Logger } from './log.js';
import type { RunRecord } from './report/record.js';
import { pause, realSleep } from './retry.js';
import type { RunStop } from './stop.js';
import { EntraTokenSource, requestGitHubIdToken } from './store/auth.js';
import { StoreClient } from './store/client.js';
import { Transport } from './store/http.js';
import { INSTALLER_API_RESOURCE, InstallerClient } from './store/installer-client.js';

/** The context of one run: its Store clients sign in with `common`'s credentials and stop with `stop`. */
export function buildContext(
  common: CommonInputs,
  record: RunRecord,
  logger: Logger,
  stop: RunStop,
  deadline: Date,
): RunContext {
  const { signal } = stop;
  const transport = new Transport({ logger, signal, onCall: (call) => record.calls.push(call) });
  /** One sign-in per API: the same credentials, the API's own resource. */
  const signIn = (resource?: string): EntraTokenSource =>
    new EntraTokenSource({
      authorityUrl: common.authorityUrl,
      tenantId: common.tenantId,
      clientId: common.clientId,
      clientSecret: common.clientSecret || undefined,
      // Not `core.getIDToken`: ours goes through the transport, so it has the run's deadline and retries.
      getIdToken: (audience) => requestGitHubIdToken(transport, audience),
      transport,
      logger,
      ...(resource ? { resource } : {}),
    });
  return {
    store: new StoreClient({ apiUrl: common.apiUrl, tokens: signIn(), transport, logger }),
    installerClient: (target) =>
      new InstallerClient({ ...target, tokens: signIn(INSTALLER_API_RESOURCE), transport, logger }),
    transport,
    logger,
    record,
    clock: { now: () => new Date(), sleep: (ms) => pause({ sleep: realSleep, signal }, ms) },
    deadline,
    timeoutMinutes: common.timeoutMinutes,
    signal,
    phase: (title, work) => {
      record.phase = title;
      return logGroup(title, work);
    },
  };
}
