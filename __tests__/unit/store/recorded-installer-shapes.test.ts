/**
 * The MSI/EXE submission API as the live service answered in February 2026 (shared/realdata's
 * recorded exchanges, replayed with nock, read at test time): an idle `/status` without `errors`,
 * a string `packageId`, write calls that answer an empty `responseData`, and `pollingUrl`s that are
 * relative without a leading slash (the action polls its own paths and never joins them).
 */
import nock from 'nock';
import { commitPackages } from '../../../src/commands/installer/draft.js';
import type { JsonObject } from '../../../src/json.js';
import { Transport } from '../../../src/store/http.js';
import { InstallerClient } from '../../../src/store/installer-client.js';
import { exchange, recordedExchanges, type Exchange } from '../../../test/support/exchanges.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { answerWithNock } from '../../../test/support/nock-replay.js';
import { REAL_DATA_ABSENT } from '../../../test/support/packages.js';

const recorded = recordedExchanges('unpackaged');
const API = 'https://api.store.microsoft.com';
const PRODUCT = 'e9eee9fc-b68b-400f-9a47-7447d444aa85';
const ROOT = `/submission/v1/product/${PRODUCT}`;

/** The recorded answer of a step. */
const answer = (step: string, method?: string): JsonObject =>
  structuredClone(exchange(recorded ?? [], step, method).response as JsonObject);
/** The path of a recorded call, relative to the API host. */
const pathOf = (e: Exchange): string => new URL(String(e.url)).pathname;

function client(): { client: InstallerClient; logger: MemoryLogger } {
  const logger = new MemoryLogger();
  const transport = new Transport({
    logger,
    signal: new AbortController().signal,
    retry: { sleep: async () => undefined, maxAttempts: 3 },
  });
  const tokens = { token: async () => 'recorded-installer-token', invalidate: () => undefined };
  return {
    client: new InstallerClient({ apiUrl: API, productId: PRODUCT, sellerId: '91234567', tokens, transport, logger }),
    logger,
  };
}

answerWithNock();

if (!recorded) console.log(`recorded-installer-shapes: ${REAL_DATA_ABSENT}`);
const describeRecorded = recorded ? describe : describe.skip;

describeRecorded('the recorded MSI/EXE answers', () => {
  test('an idle /status has no errors key: ready, nothing in progress, no messages', async () => {
    const idle = answer('Getting Current Application Draft Status');
    expect(Object.hasOwn(idle, 'errors')).toBe(false);
    nock(API).get(`${ROOT}/status`).reply(200, idle);
    await expect(client().client.draftStatus()).resolves.toEqual({ isReady: true, messages: [] });
  });

  test('GET /packages: the string packageId and the documented fields are read', async () => {
    nock(API).get(`${ROOT}/packages`).reply(200, answer('Getting Application Packages'));
    const [only, ...rest] = await client().client.getPackages();
    expect(rest).toEqual([]);
    expect(only).toEqual({
      packageId: '72541436',
      packageUrl: 'https://msstorefasteast.blob.core.windows.net/msstoreclitest/v2_0/MSCLIPipelineSetup.exe',
      languages: ['en'],
      architectures: ['X64'],
      isSilentInstall: false,
      installerParameters: '/s /r /t new-args',
      packageType: 'exe',
    });
  });

  test('write calls answering {"responseData":{},"isSuccess":true} are successes without warnings', async () => {
    const ack = answer('Updating Entire Package Set');
    expect(ack).toEqual({ responseData: {}, isSuccess: true });
    nock(API).put(`${ROOT}/packages`).reply(200, ack);
    nock(API).put(`${ROOT}/metadata`).reply(200, answer('Updating Listings Metadata'));
    nock(API).put(`${ROOT}/listings/assets/commit`).reply(200, answer('Committing Listing Assets'));
    const { client: installer, logger } = client();
    const [recordedPackage] = await (async () => {
      nock(API).get(`${ROOT}/packages`).reply(200, answer('Getting Application Packages'));
      return installer.getPackages();
    })();
    await expect(installer.replacePackages(recordedPackage ? [recordedPackage] : [])).resolves.toEqual({
      warnings: [],
    });
    await expect(installer.updateMetadata({ listings: { language: 'en' } })).resolves.toEqual({ warnings: [] });
    await expect(installer.commitAssets({ language: 'es', storeLogos: [], screenshots: [] })).resolves.toEqual({
      warnings: [],
    });
    expect(logger.lines.filter((l) => l.level === 'warning')).toEqual([]);
  });

  test('the package commit answers a relative pollingUrl: the draft is then polled at its own /status', async () => {
    const commit = answer('Committing Packages');
    const pollingUrl = String((commit.responseData as JsonObject).pollingUrl);
    expect(pollingUrl).toBe(`submission/v1/product/${PRODUCT}/status`);
    nock(API).post(`${ROOT}/packages/commit`).reply(200, commit);
    // The recorded wait: the draft answered ready.
    const status = nock(API).get(`${ROOT}/status`).reply(200, answer('Waiting for Upload to finish'));
    const { client: installer, logger } = client();
    await commitPackages({
      client: installer,
      logger,
      clock: { now: () => new Date(), sleep: async () => undefined },
      deadline: new Date(Date.now() + 60_000),
      pollIntervalMs: 1000,
    });
    expect(status.isDone()).toBe(true);
    expect(logger.text()).toContain('Packages committed');
  });

  test('the submit answers a relative pollingUrl and the submission ID; its status reads INPROGRESS', async () => {
    const submit = exchange(recorded ?? [], 'Creating Submission');
    expect(pathOf(submit)).toBe(`${ROOT}/submit`);
    nock(API).post(`${ROOT}/submit`).reply(200, answer('Creating Submission'));
    const statusCall = exchange(recorded ?? [], 'Current Submission Status');
    nock(API).get(pathOf(statusCall)).reply(200, answer('Current Submission Status'));
    const { client: installer } = client();
    const id = await installer.submit();
    expect(id).toBe('1152921505700520060');
    await expect(installer.submissionStatus(id)).resolves.toEqual({
      publishingStatus: 'INPROGRESS',
      hasFailed: false,
      messages: [],
    });
  });
});
