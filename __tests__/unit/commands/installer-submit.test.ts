/**
 * `command: submit` of an MSI/EXE product stopped during its installer URL checks: the stop is
 * reported as the stop (a RunStopped), never as a bad `installers` input. Real transport, real
 * HTTPS file server; only the cancel is made to happen at a chosen moment.
 */
import type { RunContext } from '../../../src/commands/context.js';
import { readInputs } from '../../../src/commands/index.js';
import { installerSubmit, type InstallerSubmitInputs } from '../../../src/commands/installer-submit.js';
import { RunRecord } from '../../../src/report/record.js';
import { RunStopped, runStop, type RunStop } from '../../../src/stop.js';
import { Transport } from '../../../src/store/http.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { msiBytes, startInstallerServer, type InstallerServer } from '../../../test/support/installer-server.js';

let server: InstallerServer;
let stop: RunStop;

beforeAll(async () => {
  delete process.env.HTTPS_PROXY;
  delete process.env.HTTP_PROXY;
  server = await startInstallerServer();
});
afterAll(async () => server?.close());
beforeEach(() => {
  stop = runStop(new Date(Date.now() + 10 * 60_000), 10);
  server.requests.length = 0;
});
afterEach(() => stop.dispose());

const cancel = (): void => stop.stop(new RunStopped('cancelled', 'SIGTERM'));

/** The run's context as main.ts builds it, on a transport that trusts the test server. */
function context(retrySleep: (ms: number) => Promise<void>): RunContext {
  const logger = new MemoryLogger();
  const transport = new Transport({
    logger,
    signal: stop.signal,
    dispatcher: server.dispatcher,
    retry: { sleep: retrySleep, random: () => 0.5 },
  });
  return {
    transport,
    logger,
    record: new RunRecord(),
    clock: { now: () => new Date(), sleep: async () => undefined },
    deadline: new Date(Date.now() + 10 * 60_000),
    timeoutMinutes: 10,
    signal: stop.signal,
    phase: <T>(_title: string, work: () => Promise<T>) => work(),
    installerClient: () => {
      throw new Error('the Store was called although the checks were stopped');
    },
  } as unknown as RunContext;
}

async function inputs(url: string): Promise<InstallerSubmitInputs> {
  const values: Record<string, string> = {
    'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
    'client-id': '0b8a7e0c-1b2d-4c5e-9f00-112233445566',
    'client-secret': 's3cr+t/=',
    'app-id': '0C6A4D3E-7F21-4B8E-9D55-2F0E6C1B9A7D',
    'seller-id': '91234567',
    installers: `- url: ${url}\n  architecture: x64\n  languages: [en-us]\n`,
  };
  const run = await readInputs((name) => values[name] ?? '', { GITHUB_WORKSPACE: '/tmp' });
  return run.inputs as InstallerSubmitInputs;
}

describe('a cancel during the installer URL checks', () => {
  test('while a request waits for its answer: reported as the cancel', async () => {
    const url = server.serve('/v1/stalled.msi', { body: msiBytes(), stall: true });
    const submit = installerSubmit.run(
      context(async () => undefined),
      await inputs(url),
    );
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    cancel();
    await expect(submit).rejects.toThrow(RunStopped);
    await expect(submit).rejects.toMatchObject({ kind: 'cancelled', detail: 'SIGTERM' });
  });

  test('while a refused request waits to be sent again: reported as the cancel', async () => {
    const url = server.serve('/v1/busy.msi', { body: msiBytes(), status: 503 });
    const submit = installerSubmit.run(
      context(async () => cancel()),
      await inputs(url),
    );
    await expect(submit).rejects.toThrow(RunStopped);
    expect(server.requests).toHaveLength(1);
  });
});
