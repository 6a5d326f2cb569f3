/**
 * The MSIX submission API as the live service answered in February 2026 (shared/realdata's recorded
 * exchanges, replayed with nock, read at test time): the app resource, the full clone, its
 * undocumented keys through the round trip, the rollout numbers, the SAS expiry, the status polls
 * with their warning, and the two refusals the recordings show.
 */
import nock from 'nock';
import type { RunContext } from '../../../src/commands/context.js';
import { createdThroughApi, decidePending } from '../../../src/commands/pending.js';
import type { SubmitInputs } from '../../../src/commands/submit/inputs.js';
import { updateSubmission } from '../../../src/commands/submit/update.js';
import { commitAndWait } from '../../../src/commands/wait.js';
import { InputError, StoreApiError } from '../../../src/errors.js';
import { hintFor } from '../../../src/hints.js';
import { cloneJson, isJsonObject, type JsonObject } from '../../../src/json.js';
import { packageKey } from '../../../src/packages/names.js';
import { RunRecord } from '../../../src/report/record.js';
import { StoreClient, submissionRef } from '../../../src/store/client.js';
import { Transport } from '../../../src/store/http.js';
import { KINDS } from '../../../src/store/kinds.js';
import { rolloutFromResource, rolloutOfSubmission } from '../../../src/store/rollout.js';
import { buildSubmission, type SubmissionChanges } from '../../../src/submission/build.js';
import { READ_ONLY_FIELDS, withoutServiceFields } from '../../../src/submission/merge.js';
import { sasExpiryProblem } from '../../../src/upload/url.js';
import { exchange, recordedErrorBodies, recordedExchanges } from '../../../test/support/exchanges.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { answerWithNock, rejection } from '../../../test/support/nock-replay.js';
import { REAL_DATA_ABSENT } from '../../../test/support/packages.js';

const recorded = recordedExchanges('packaged');
const API = 'https://manage.devcenter.microsoft.com';
const APP_ID = '9N6MK2GQBD58';
const app = { kind: 'app', appId: APP_ID } as const;
const CORRELATION = '5b1f0c2e-1d3a-4e6f-9a8b-7c6d5e4f3a2b';

/** The recorded answer of a step, as a fresh object. */
function answer(step: string, method?: string): JsonObject {
  return cloneJson((recorded ? exchange(recorded, step, method).response : {}) as JsonObject);
}
const createAnswer = () => answer('Creating New Submission');
const submissionId = () => String(createAnswer().id);
const submissionPath = () => `/v1.0/my/applications/${APP_ID}/submissions/${submissionId()}`;

/** A run's context on a Store client whose calls nock answers; pauses are instant. */
function context(): { ctx: RunContext; logger: MemoryLogger; record: RunRecord } {
  const logger = new MemoryLogger();
  const stop = new AbortController();
  const transport = new Transport({
    logger,
    signal: stop.signal,
    retry: { sleep: async () => undefined, maxAttempts: 3 },
  });
  const tokens = { token: async () => 'recorded-shapes-token', invalidate: () => undefined };
  const record = new RunRecord();
  const ctx = {
    store: new StoreClient({ apiUrl: API, tokens, transport, logger }),
    transport,
    logger,
    record,
    clock: { now: () => new Date('2026-02-09T08:00:00Z'), sleep: async () => undefined },
    deadline: new Date(Date.now() + 10 * 60_000),
    timeoutMinutes: 10,
    signal: stop.signal,
    phase: <T>(_title: string, work: () => Promise<T>) => work(),
    installerClient: () => {
      throw new Error('the MSI/EXE API is not part of these tests');
    },
  } as unknown as RunContext;
  return { ctx, logger, record };
}

/** The inputs updateSubmission reads: the target, no ready-made zip. */
const submitInputs = { target: app, contentRoot: '/tmp', zipPath: undefined } as unknown as SubmitInputs;
const noChanges: SubmissionChanges = { newPackages: [], replacePackages: false };

/** The recorded clone's package entries, by ID. */
const packagesOf = (submission: JsonObject): JsonObject[] =>
  (Array.isArray(submission.applicationPackages) ? submission.applicationPackages : []).filter(isJsonObject);
const recordedPackageIds = () => packagesOf(createAnswer()).map((entry) => String(entry.id));

answerWithNock();

if (!recorded) console.log(`recorded-shapes: ${REAL_DATA_ABSENT}`);
const describeRecorded = recorded ? describe : describe.skip;

describeRecorded('the app resource as the live API sends it', () => {
  test('no pendingApplicationSubmission key means no pending submission; the last published one is read', async () => {
    const product = answer('Getting App Info');
    expect(Object.hasOwn(product, 'pendingApplicationSubmission')).toBe(false);
    nock(API).get(`/v1.0/my/applications/${APP_ID}`).reply(200, product);
    const { ctx } = context();
    const read = await ctx.store.getProduct(app);
    expect(submissionRef(read, KINDS.app.pendingField)).toBeUndefined();
    expect(submissionRef(read, KINDS.app.lastPublishedField)).toBe('1152921505700518866');
    expect(decidePending(KINDS.app, undefined, [], 'fail', `app ${APP_ID}`)).toEqual({ action: 'create' });
  });

  test('the full clone the create answers is taken as it is, without reading it again', async () => {
    const scope = nock(API).post(`/v1.0/my/applications/${APP_ID}/submissions`).reply(201, createAnswer());
    const { ctx } = context();
    await expect(ctx.store.createSubmission(app)).resolves.toEqual(createAnswer());
    expect(scope.isDone()).toBe(true);
    expect(createdThroughApi(createAnswer())).toBe(true);
  });
});

describeRecorded('the round trip create -> merge patch -> PUT of the recorded clone', () => {
  test('every key of the clone, documented or not, reaches the PUT untouched', async () => {
    let sent: JsonObject | undefined;
    nock(API)
      .put(submissionPath())
      .reply(async (req: Request) => {
        sent = JSON.parse(await req.text()) as JsonObject;
        return [200, { ...sent, id: submissionId(), status: 'PendingCommit' }];
      });
    const { ctx } = context();
    ctx.record.createdSubmission = true;
    const changes: SubmissionChanges = {
      ...noChanges,
      overlay: { allowTargetFutureDeviceFamilies: { Xbox: true } },
      releaseNotes: 'Fixes from the recorded run',
    };
    await updateSubmission(ctx, KINDS.app, submitInputs, createAnswer(), changes, []);

    // The oracle: the recorded clone without the fields the Store assigns, with the two changes made by hand.
    const expected = createAnswer();
    for (const field of READ_ONLY_FIELDS) delete expected[field];
    (expected.allowTargetFutureDeviceFamilies as JsonObject).Xbox = true;
    ((expected.listings as JsonObject)['en-us'] as { baseListing: JsonObject }).baseListing.releaseNotes =
      'Fixes from the recorded run';
    expect(JSON.stringify(sent)).toBe(JSON.stringify(expected));
    expect((sent?.allowTargetFutureDeviceFamilies as JsonObject)['7']).toBe(true);
    expect(sent?.targetPublishDate).toBe('1601-01-01T00:00:00.0000000Z');
  });

  test('the PUT keeps every recorded package entry, whatever removes packages', () => {
    const clone = withoutServiceFields(createAnswer());
    const newFile = 'ContosoNotes_10.5.1.0_x64.msixupload';
    const described = new Map([
      [packageKey(newFile), { version: '10.5.1.0', architectures: ['x64'], deviceFamilies: ['Windows.Desktop'] }],
    ]);
    const cases: [string, SubmissionChanges][] = [
      ['replace-packages', { newPackages: [newFile], replacePackages: true }],
      [
        'keep-package-versions: 2',
        {
          newPackages: [newFile],
          replacePackages: false,
          keepPackageVersions: 2,
          describedPackages: described,
        },
      ],
      ['a new file of an existing name', { newPackages: ['9N6MK2GQBD58_v10_4.msixupload'], replacePackages: false }],
      ['submission-json listing no package', { ...noChanges, overlay: { applicationPackages: [] } }],
    ];
    for (const [name, changes] of cases) {
      const built = packagesOf(buildSubmission(KINDS.app, clone, changes).submission);
      const byId = new Map(built.filter((entry) => entry.id !== undefined).map((entry) => [String(entry.id), entry]));
      for (const id of recordedPackageIds()) {
        expect([name, byId.has(id)]).toEqual([name, true]);
        expect([name, byId.get(id)?.fileStatus]).toEqual([name, expect.stringMatching(/^(Uploaded|PendingDelete)$/)]);
      }
      if (name !== 'submission-json listing no package')
        expect([name, built.some((entry) => entry.fileStatus === 'PendingDelete')]).toEqual([name, true]);
    }
  });

  test("the sample's refused PUT (existing packages re-sent as PendingUpload) is refused before anything is sent", () => {
    const sampleBody = cloneJson(exchange(recorded ?? [], 'Updating Submission').request as JsonObject);
    const overlay = withoutServiceFields(sampleBody);
    const build = () => buildSubmission(KINDS.app, withoutServiceFields(createAnswer()), { ...noChanges, overlay });
    expect(build).toThrow(InputError);
    expect(build).toThrow(/submission-json.*2000000000090432659.*PendingUpload.*PendingDelete/s);
  });
});

describeRecorded('the Store refuses the PUT: "Please keep all file entries for existing packages"', () => {
  test('the run stops at the PUT with the Store error in full and a hint; the draft it created is deleted', async () => {
    const refusal = answer('Updating Submission');
    const put = nock(API).put(submissionPath()).reply(400, refusal, { 'MS-CorrelationId': CORRELATION });
    const del = nock(API).delete(submissionPath()).reply(204);
    const { ctx, record } = context();
    record.createdSubmission = true;
    record.submissionId = submissionId();
    const error = await rejection(updateSubmission(ctx, KINDS.app, submitInputs, createAnswer(), noChanges, []));
    expect(put.isDone() && del.isDone()).toBe(true);
    expect(error.cause).toBeInstanceOf(StoreApiError);
    expect(error.cause).toMatchObject({
      httpStatus: 400,
      code: 'InvalidParameterValue',
      target: 'packages',
      correlationId: CORRELATION,
      storeMessage: refusal.message,
    });
    expect(error.message).toContain('code InvalidParameterValue, target packages');
    expect(error.message).toContain(`(MS-CorrelationId ${CORRELATION})`);
    expect(error.message).toMatch(/Hint: the Store refused the update because it leaves out package entries/);
    expect(error.message).toMatch(/nothing was uploaded or committed/);
    expect(record.submissionId).toBeUndefined();
  });
});

describeRecorded('the DELETE refusal of a submission made in Partner Center', () => {
  test('is shown with the Store words and says to delete it in Partner Center; the DELETE is not sent again', async () => {
    const body = recordedErrorBodies().find((b) => b.code === 'InvalidOperation');
    expect(body?.target).toBe('applicationSubmission');
    const scope = nock(API).delete(submissionPath()).once().reply(400, body, { 'MS-CorrelationId': CORRELATION });
    const { ctx } = context();
    const error = (await rejection(ctx.store.deleteSubmission(app, submissionId()))) as StoreApiError;
    expect(scope.isDone()).toBe(true);
    expect(error).toBeInstanceOf(StoreApiError);
    expect(error).toMatchObject({
      code: 'InvalidOperation',
      target: 'applicationSubmission',
      correlationId: CORRELATION,
    });
    expect(error.storeMessage).toBe(body?.message);
    expect(error.hint).toMatch(/made in Partner Center/);
    expect(error.hint).toMatch(/delete it in Partner Center/);
    expect(error.hint).toMatch(/'on-pending: delete' cannot remove it/);
    expect(error.hint).toMatch(/'on-pending: fail'/);
  });

  test("the same words on a submission this run created read as the Store's fault", () => {
    const body = recordedErrorBodies().find((b) => b.code === 'InvalidOperation');
    const hint = hintFor('store', { status: 400, code: body?.code, message: body?.message, ownSubmission: true });
    expect(hint).toMatch(/fault on the Store's side/);
  });
});

describeRecorded('value shapes', () => {
  test('packageRolloutPercentage as the live integer and as the documented float', () => {
    const options = createAnswer().packageDeliveryOptions as { packageRollout: JsonObject };
    expect(rolloutFromResource(options.packageRollout)).toEqual({ status: 'PackageRolloutNotStarted', percentage: 0 });
    expect(rolloutOfSubmission(createAnswer())).toEqual({});
    const float = JSON.parse(
      '{"isPackageRollout":true,"packageRolloutPercentage":12.5,"packageRolloutStatus":"PackageRolloutInProgress"}',
    ) as JsonObject;
    expect(rolloutOfSubmission({ packageDeliveryOptions: { packageRollout: float } })).toEqual({
      status: 'PackageRolloutInProgress',
      percentage: 12.5,
    });
  });

  test('the recorded upload URL: its SAS expiry is read, also with seven fractional digits', () => {
    const url = String(createAnswer().fileUploadUrl);
    expect(sasExpiryProblem(url, new Date('2026-02-09T08:00:00Z'))).toBeUndefined();
    expect(sasExpiryProblem(url, new Date('2026-02-10T08:00:00Z'))).toMatch(/expired .*ago/);
    const sevenDigits = url.replace(/se=[^&]+/, 'se=2026-02-10T07%3A24%3A27.0000000Z');
    expect(sasExpiryProblem(sevenDigits, new Date('2026-02-09T08:00:00Z'))).toBeUndefined();
    expect(sasExpiryProblem(sevenDigits, new Date('2026-02-10T07:20:00Z'))).toMatch(/expires in 4 min 27 s/);
  });
});

describeRecorded('the recorded status polls, each with a SalesUnsupportedWarning', () => {
  test('the commit, then five polls to Published: the warning is reported once, not on every poll', async () => {
    nock(API).post(`${submissionPath()}/commit`).reply(200, answer('Committing Submission'));
    const polls = (recorded ?? []).filter((e) => e.step === 'Polling Submission Status').map((e) => e.response);
    expect(polls).toHaveLength(5);
    const scope = nock(API);
    for (const poll of polls) scope.get(submissionPath()).reply(200, poll as JsonObject);
    const { ctx, logger, record } = context();
    const settled = await commitAndWait(
      ctx,
      app,
      submissionId(),
      'Immediate',
      { waitFor: 'publish', pollIntervalSeconds: 1 },
      false,
    );
    expect(settled?.status).toBe('Published');
    expect(scope.isDone()).toBe(true);
    const mentions = logger.lines.filter((line) => line.message.includes('SalesUnsupportedWarning'));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]?.message).toMatch(/^The Store reports: warning SalesUnsupportedWarning: The sales resource/);
    expect(record.timeline.map((t) => t.status)).toEqual([
      'CommitStarted',
      'PreProcessing',
      'Certification',
      'Release',
      'Publishing',
      'Published',
    ]);
  });
});
