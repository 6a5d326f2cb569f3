import nock from 'nock';
import { StoreApiError } from '../../../src/errors.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { answerWithNock, rejection } from '../../../test/support/nock-replay.js';
import { EntraTokenSource, requestGitHubIdToken } from '../../../src/store/auth.js';
import { StoreClient } from '../../../src/store/client.js';
import { AmbiguousRequestError, Transport } from '../../../src/store/http.js';
import { secrets } from '../../../src/redact.js';
import { RunStopped } from '../../../src/stop.js';

const API = 'https://store.test';
const AUTH = 'https://login.test';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const app = { kind: 'app', appId: '9NBLGGH4R315' } as const;

interface Harness {
  client: StoreClient;
  logger: MemoryLogger;
  sleeps: number[];
  tokenSource: EntraTokenSource;
  clock: { now: number };
}

/**
 * A Store client on an injected clock: each pause moves the clock on at once. With `stopAfterMs`,
 * the run's stop signal aborts (a time-out) once that much injected time has passed.
 */
function harness(stopAfterMs?: number): Harness {
  const logger = new MemoryLogger();
  const sleeps: number[] = [];
  const clock = { now: 1_700_000_000_000 };
  const stop = new AbortController();
  const deadline = clock.now + (stopAfterMs ?? Infinity);
  const transport = new Transport({
    logger,
    signal: stop.signal,
    retry: {
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.now += ms;
        if (clock.now >= deadline) stop.abort(new RunStopped('timeout', '5'));
      },
      random: () => 0.5,
      now: () => clock.now,
    },
  });
  const tokenSource = new EntraTokenSource({
    authorityUrl: AUTH,
    tenantId: TENANT,
    clientId: 'client',
    clientSecret: 'se+cret/value=',
    transport,
    logger,
    now: () => clock.now,
  });
  return {
    client: new StoreClient({ apiUrl: API, tokens: tokenSource, transport, logger }),
    logger,
    sleeps,
    tokenSource,
    clock,
  };
}

function tokenReply(token: string, expiresIn: string | number = '3599') {
  return nock(AUTH)
    .post(`/${TENANT}/oauth2/token`)
    .reply(200, { token_type: 'Bearer', expires_in: expiresIn, access_token: token });
}

answerWithNock();

describe('sign-in', () => {
  test('sends the documented v1 form with the Store resource and an encoded secret', async () => {
    const { client } = harness();
    let form = '';
    nock(AUTH)
      .post(`/${TENANT}/oauth2/token`)
      .reply(async (req: Request) => {
        form = await req.text();
        return [200, { access_token: 'tok-1', expires_in: '3599' }];
      });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .matchHeader('authorization', 'Bearer tok-1')
      .reply(200, { id: '9NBLGGH4R315' });
    await expect(client.getProduct(app)).resolves.toEqual({ id: '9NBLGGH4R315' });
    expect(Object.fromEntries(new URLSearchParams(form))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client',
      client_secret: 'se+cret/value=',
      resource: 'https://manage.devcenter.microsoft.com',
    });
  });

  test('falls back to the v2 endpoint with the .default scope when v1 answers 404', async () => {
    const { tokenSource } = harness();
    nock(AUTH).post(`/${TENANT}/oauth2/token`).reply(404, { error: 'not_found' });
    let form = '';
    nock(AUTH)
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .reply(async (req: Request) => {
        form = await req.text();
        return [200, { access_token: 'tok-v2', expires_in: 3599 }];
      });
    await expect(tokenSource.token()).resolves.toBe('tok-v2');
    expect(new URLSearchParams(form).get('scope')).toBe('https://manage.devcenter.microsoft.com/.default');
  });

  test("a gateway's HTML page in place of the token answer is tried again", async () => {
    const { tokenSource, sleeps } = harness();
    nock(AUTH).post(`/${TENANT}/oauth2/token`).reply(200, '<html><title>Gateway</title></html>');
    tokenReply('tok-after-page');
    await expect(tokenSource.token()).resolves.toBe('tok-after-page');
    expect(sleeps).toEqual([750]);
  });

  test('reuses a token until it is near expiry, then signs in again', async () => {
    const { tokenSource, clock } = harness();
    tokenReply('tok-1', '100');
    tokenReply('tok-2', 100);
    await expect(tokenSource.token()).resolves.toBe('tok-1');
    clock.now += 50_000;
    await expect(tokenSource.token()).resolves.toBe('tok-1');
    clock.now += 31_000; // 19 s left of 100: inside the renewal margin (a fifth of the lifetime)
    await expect(tokenSource.token()).resolves.toBe('tok-2');
  });

  test('masks every token it receives', async () => {
    const { tokenSource } = harness();
    tokenReply('a-long-access-token');
    await tokenSource.token();
    expect(secrets.redact('x a-long-access-token y se+cret/value= se%2Bcret%2Fvalue%3D')).toBe('x *** y *** ***');
  });

  test('reports an AAD error with its description', async () => {
    const { tokenSource } = harness();
    nock(AUTH).post(`/${TENANT}/oauth2/token`).reply(401, {
      error: 'invalid_client',
      error_description: 'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x',
    });
    await expect(tokenSource.token()).rejects.toThrow(
      /HTTP 401, code invalid_client: AADSTS7000215: Invalid client secret provided\.$/,
    );
  });
});

describe('retries', () => {
  test('honours Retry-After on 429 and then succeeds', async () => {
    const { client, sleeps, logger } = harness();
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .reply(429, { statusCode: 429, message: 'Rate limit is exceeded.' }, { 'Retry-After': '7' });
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(200, { id: 'ok' });
    await expect(client.getProduct(app)).resolves.toEqual({ id: 'ok' });
    expect(sleeps).toEqual([7000]);
    expect(logger.text()).toMatch(
      /HTTP 429 \(rate limited\): Rate limit is exceeded\.; retrying in 7\.0 s \(attempt 2\)/,
    );
  });

  test('reads "Try again in N seconds" from a 429 body without Retry-After', async () => {
    const { client, sleeps } = harness();
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .reply(429, { statusCode: 429, message: 'Rate limit is exceeded. Try again in 14 seconds.' });
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(200, { id: 'ok' });
    await client.getProduct(app);
    expect(sleeps).toEqual([14000]);
  });

  // Connection resets are covered end to end: the emulator destroys real sockets (nock's replyWithError hangs undici).
  test('backs off exponentially on 5xx for a GET', async () => {
    const { client, sleeps } = harness();
    tokenReply('tok');
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(503);
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(504);
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(502);
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(200, { id: 'ok' });
    await expect(client.getProduct(app)).resolves.toEqual({ id: 'ok' });
    // equal jitter with random 0.5: three quarters of 1 s, 2 s, 4 s
    expect(sleeps).toEqual([750, 1500, 3000]);
  });

  test('has no count of attempts: a GET answered 500 twelve times is sent a thirteenth time, after growing pauses', async () => {
    const { client, sleeps } = harness();
    tokenReply('tok');
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').times(12).reply(500);
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(200, { id: 'ok' });
    await expect(client.getProduct(app)).resolves.toEqual({ id: 'ok' });
    expect(sleeps).toHaveLength(12);
    // three quarters of 1 s, 2 s, 4 s ... up to the 60 s cap
    expect(sleeps.slice(0, 7)).toEqual([750, 1500, 3000, 6000, 12_000, 24_000, 45_000]);
    expect(sleeps.slice(7).every((ms) => ms === 45_000)).toBe(true);
  });

  test("ends with the run's stop, which keeps the last answer's code, message, correlation ID and hint", async () => {
    const { client, logger } = harness(5 * 60_000);
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .times(Infinity)
      .reply(
        503,
        { code: 'ServiceUnavailable', message: 'Account service is experiencing issue' },
        { 'MS-CorrelationId': 'corr-503' },
      );
    const error = await rejection(client.getProduct(app));
    expect(error).toBeInstanceOf(RunStopped);
    expect((error as RunStopped).kind).toBe('timeout');
    expect((error as RunStopped).lastFailure).toMatch(
      /^GET applications\/9NBLGGH4R315 still failing after \d+ attempts over \d+ s: HTTP 503, code ServiceUnavailable: Account service is experiencing issue \(MS-CorrelationId corr-503\)\. Hint: .*Entra app is most likely not added to Partner Center/,
    );
    // Each warning says what was answered, not only the status.
    expect(logger.lines.filter((l) => l.level === 'warning')[0]?.message).toMatch(
      /^GET applications\/9NBLGGH4R315: HTTP 503, code ServiceUnavailable: Account service is experiencing issue \(MS-CorrelationId corr-503\); retrying in/,
    );
    nock.cleanAll();
  });

  test('a read answered with an HTML page and HTTP 200 (a gateway) is tried again', async () => {
    const { client, logger } = harness();
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/submissions/5')
      .reply(200, '<html><head><title>Service Unavailable</title></head></html>', { 'content-type': 'text/html' });
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315/submissions/5').reply(200, { id: '5', status: 'Release' });
    await expect(client.getSubmission(app, '5')).resolves.toEqual({ id: '5', status: 'Release' });
    expect(logger.text()).toMatch(
      /GET applications\/9NBLGGH4R315\/submissions\/5: HTTP 200: an HTML page titled 'Service Unavailable', not the API's JSON; retrying in/,
    );
  });

  test('never repeats a POST whose answer was lost: it reports it as ambiguous', async () => {
    const { client } = harness();
    tokenReply('tok');
    const scope = nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions').reply(500);
    await expect(client.call('POST', 'applications/9NBLGGH4R315/submissions')).rejects.toBeInstanceOf(
      AmbiguousRequestError,
    );
    expect(scope.isDone()).toBe(true);
  });

  test('gets a new token once after a 401 and repeats the call', async () => {
    const { client } = harness();
    tokenReply('stale');
    tokenReply('fresh');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .matchHeader('authorization', 'Bearer stale')
      .reply(401, { statusCode: 401, message: 'APIM: Unauthorized. Access token is missing or invalid.' });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .matchHeader('authorization', 'Bearer fresh')
      .reply(200, { id: 'ok' });
    await expect(client.getProduct(app)).resolves.toEqual({ id: 'ok' });
  });
});

describe('hints that depend on what the run knows', () => {
  const refused = {
    code: 'InvalidOperation',
    message:
      'Ingestion API can only update, delete, and commit submissions that are created through the API. Please delete the current in-progress submission and create one using the API',
    target: 'applicationSubmission',
  };

  test('blames the Store, not Partner Center, when it refuses the update of the submission this run created', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions').reply(201, {
      id: '78',
      fileUploadUrl: 'https://blob.test/c?sig=x',
      status: 'PendingCommit',
      applicationPackages: [],
    });
    nock(API)
      .put('/v1.0/my/applications/9NBLGGH4R315/submissions/78')
      .reply(400, refused, { 'MS-CorrelationId': 'corr-own-78' });
    await client.createSubmission(app);
    const error = await client.updateSubmission(app, '78', { id: '78' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreApiError);
    const message = (error as Error).message;
    expect(message).toMatch(/Hint: .*this run created .*Store's side/);
    expect(message).toMatch(/run again/);
    expect(message).toMatch(/Hint: .*MS-CorrelationId corr-own-78/);
    expect(message).not.toMatch(/made in Partner Center/);
  });

  test('still says Partner Center for a submission this run did not create', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).put('/v1.0/my/applications/9NBLGGH4R315/submissions/55').reply(400, refused);
    await expect(client.updateSubmission(app, '55', { id: '55' })).rejects.toThrow(/made in Partner Center/);
  });

  test('gives the Entra hint to a 401 that persists after a new token, whatever its words', async () => {
    const { client } = harness();
    tokenReply('first');
    tokenReply('second');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .twice()
      .reply(401, { code: 'Unauthorized', message: 'Identity cannot be authorized' });
    await expect(client.getProduct(app)).rejects.toThrow(
      /Identity cannot be authorized\. Hint: .*Entra app is added to Partner Center/,
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('gives the Entra hint to a 403 of the Store', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .reply(403, { code: 'Forbidden', message: 'The caller is not allowed to access this resource' });
    await expect(client.getProduct(app)).rejects.toThrow(/Hint: .*Entra app is added to Partner Center/);
  });
});

describe('recovery of a create whose answer was lost', () => {
  test('does not adopt a pending submission it cannot show is its own, nor create a second one', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions').reply(500);
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .reply(200, { id: '9NBLGGH4R315', pendingApplicationSubmission: { id: '77', resourceLocation: 'x' } });
    await expect(client.createSubmission(app)).rejects.toThrow(
      /submission 77 is now pending; another run on the same app may have made it.*'concurrency' group/,
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('sends the create again, after a backoff, when the product shows no pending submission', async () => {
    const { client, sleeps } = harness();
    tokenReply('tok');
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions').reply(503);
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(200, { id: '9NBLGGH4R315' });
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions').reply(201, { id: '78' });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/submissions/78')
      .reply(200, { id: '78', fileUploadUrl: 'u', applicationPackages: [] });
    await expect(client.createSubmission(app)).resolves.toMatchObject({ id: '78', applicationPackages: [] });
    expect(sleeps).toEqual([750]);
  });

  test('a create answered 503 three times, each time not taken effect, is sent a fourth time after growing pauses', async () => {
    const { client, sleeps } = harness(5 * 60_000);
    tokenReply('tok');
    const busy = { code: 'ServiceUnavailable', message: 'Retry your operation using exponential backoff' };
    for (let i = 0; i < 3; i++) {
      nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions').reply(503, busy);
      nock(API).get('/v1.0/my/applications/9NBLGGH4R315').reply(200, { id: '9NBLGGH4R315' });
    }
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions').reply(201, { id: '79' });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/submissions/79')
      .reply(200, { id: '79', fileUploadUrl: 'u', applicationPackages: [] });
    await expect(client.createSubmission(app)).resolves.toMatchObject({ id: '79' });
    expect(sleeps).toEqual([750, 1500, 3000]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('a commit answered 503 four times, still PendingCommit each time, is sent again until it is taken', async () => {
    const { client } = harness(5 * 60_000);
    tokenReply('tok');
    for (let i = 0; i < 4; i++) {
      nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions/78/commit').reply(503);
      nock(API)
        .get('/v1.0/my/applications/9NBLGGH4R315/submissions/78/status')
        .reply(200, { status: 'PendingCommit', statusDetails: {} });
    }
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions/78/commit').reply(200, { status: 'CommitStarted' });
    await expect(client.commitSubmission(app, '78')).resolves.toEqual({});
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("a create refused with 503 until the run's stop: the time-out keeps the Store's words", async () => {
    const { client } = harness(60_000);
    tokenReply('tok');
    nock(API)
      .post('/v1.0/my/applications/9NBLGGH4R315/submissions')
      .times(Infinity)
      .reply(
        503,
        { code: 'ServiceUnavailable', message: 'Retry your operation using exponential backoff' },
        { 'MS-CorrelationId': 'corr-create' },
      );
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').times(Infinity).reply(200, { id: '9NBLGGH4R315' });
    const error = await rejection(client.createSubmission(app));
    expect(error).toBeInstanceOf(RunStopped);
    expect((error as RunStopped).lastFailure).toMatch(
      /^POST applications\/9NBLGGH4R315\/submissions still failing after \d+ attempts over \d+ s: HTTP 503, code ServiceUnavailable: Retry your operation using exponential backoff \(MS-CorrelationId corr-create\)/,
    );
    nock.cleanAll();
  });

  test('a second commit of a submission another client committed first (409) reads the status and goes on', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API)
      .post('/v1.0/my/applications/9NBLGGH4R315/submissions/78/commit')
      .reply(409, { code: 'InvalidState', message: 'Submission in its current state cannot be committed' });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/submissions/78/status')
      .reply(200, { status: 'CommitStarted', statusDetails: {} });
    await expect(client.commitSubmission(app, '78')).resolves.toEqual({ committedElsewhere: 'CommitStarted' });
  });

  test('a commit refused with 409 on a submission still PendingCommit fails with the Store error', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API)
      .post('/v1.0/my/applications/9NBLGGH4R315/submissions/78/commit')
      .reply(409, { code: 'InvalidState', message: 'The product uses features that are not supported' });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/submissions/78/status')
      .reply(200, { status: 'PendingCommit', statusDetails: {} });
    await expect(client.commitSubmission(app, '78')).rejects.toBeInstanceOf(StoreApiError);
  });

  test('treats a commit as started when the status moved on after a lost answer', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions/78/commit').reply(502);
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/submissions/78/status')
      .reply(200, { status: 'CommitStarted', statusDetails: {} });
    await expect(client.commitSubmission(app, '78')).resolves.toEqual({});
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('deleting a pending submission', () => {
  const SUB = '/v1.0/my/applications/9NBLGGH4R315/submissions/5';
  const refused = () =>
    nock(API)
      .delete(SUB)
      .reply(
        409,
        { code: 'InvalidState', message: 'Submission in its current state cannot be deleted', target: 'submissionId' },
        { 'MS-CorrelationId': 'corr-409' },
      );
  const status = (value: string) => nock(API).get(`${SUB}/status`).reply(200, { status: value, statusDetails: {} });

  test('a 409 on a submission still PendingCommit is sent again after a backoff', async () => {
    const { client, sleeps } = harness(5 * 60_000);
    tokenReply('tok');
    refused();
    status('PendingCommit');
    nock(API).delete(SUB).reply(204);
    await expect(client.deleteSubmission(app, '5')).resolves.toBeUndefined();
    expect(sleeps).toEqual([750]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('a 409 on a submission committed meanwhile says so, and is not sent again', async () => {
    const { client } = harness(5 * 60_000);
    tokenReply('tok');
    refused();
    status('CommitStarted');
    await expect(client.deleteSubmission(app, '5')).rejects.toThrow(
      /^Submission 5 cannot be deleted: it is now CommitStarted, committed since it was read/,
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  test("409s until the run's stop end with the status, the Store's words and the fix", async () => {
    const { client } = harness(60_000);
    tokenReply('tok');
    nock(API)
      .delete(SUB)
      .times(Infinity)
      .reply(409, { code: 'InvalidState', message: 'Submission in its current state cannot be deleted' });
    nock(API).get(`${SUB}/status`).times(Infinity).reply(200, { status: 'PendingCommit', statusDetails: {} });
    const error = await rejection(client.deleteSubmission(app, '5'));
    expect(error).toBeInstanceOf(RunStopped);
    expect((error as RunStopped).lastFailure).toMatch(
      /^DELETE applications\/9NBLGGH4R315\/submissions\/5 still failing after \d+ attempts over \d+ s: refused with HTTP 409, code InvalidState: Submission in its current state cannot be deleted; submission 5 is still PendingCommit\. Hint: .*delete the submission in Partner Center/,
    );
    nock.cleanAll();
  });
});

describe('Store errors', () => {
  test('carry the code, message, target, correlation ID and a hint', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).put('/v1.0/my/applications/9NBLGGH4R315/submissions/5').reply(
      400,
      {
        code: 'InvalidParameterValue',
        data: [],
        details: [],
        message: 'Please keep all file entries for existing packages.',
        source: 'Ingestion Api',
        target: 'packages',
      },
      { 'MS-CorrelationId': 'corr-123' },
    );
    const error = await client.updateSubmission(app, '5', { id: '5' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreApiError);
    expect((error as StoreApiError).message).toBe(
      "PUT applications/9NBLGGH4R315/submissions/5 failed with HTTP 400, code InvalidParameterValue, target packages: Please keep all file entries for existing packages. (MS-CorrelationId corr-123). Hint: the Store refused the update because it leaves out package entries the submission already has (the IDs it lists), or sends them back as PendingUpload; the run stopped there, so nothing was uploaded or committed and the published packages are unchanged. Keep every existing entry in 'submission-json' as the Store gave it, and remove old packages by marking them PendingDelete ('replace-packages: true' or 'keep-package-versions' do that)",
    );
  });

  test('accept an empty 2xx body', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).delete('/v1.0/my/applications/9NBLGGH4R315/submissions/5').reply(204);
    await expect(client.deleteSubmission(app, '5')).resolves.toBeUndefined();
  });

  test('follow @nextLink across pages', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/listflights')
      .reply(200, {
        value: [{ flightId: 'a' }],
        totalCount: 2,
        '@nextLink': 'applications/9NBLGGH4R315/listflights?skip=1&top=1',
      });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/listflights')
      .query({ skip: '1', top: '1' })
      .reply(200, { value: [{ flightId: 'b' }], totalCount: 2 });
    await expect(client.listFlights('9NBLGGH4R315')).resolves.toEqual([{ flightId: 'a' }, { flightId: 'b' }]);
  });
});

describe('paging ends', () => {
  test('a @nextLink that points at its own page is followed once, then the call fails naming it', async () => {
    const { client } = harness();
    tokenReply('tok');
    const link = 'applications/9NBLGGH4R315/listflights?skip=1&top=1';
    let loopingReads = 0;
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/listflights')
      .query({ skip: '1', top: '1' })
      .times(50)
      .reply(() => {
        loopingReads += 1;
        return [200, { value: [{ flightId: 'b' }], '@nextLink': link }];
      });
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/listflights')
      .reply(200, { value: [{ flightId: 'a' }], '@nextLink': link });
    await expect(client.listFlights('9NBLGGH4R315')).rejects.toThrow(
      `GET applications/9NBLGGH4R315/listflights: page 2's @nextLink (${link}) leads back to page 2`,
    );
    expect(loopingReads).toBe(1);
  });

  test('a list that never ends stops at the page limit, naming the call', async () => {
    const { client } = harness();
    tokenReply('tok');
    let pages = 0;
    nock(API)
      .get(/\/v1\.0\/my\/inappproducts/)
      .times(150)
      .reply(() => {
        pages += 1;
        return [200, { value: [{ productId: `p${pages}` }], '@nextLink': `inappproducts?skip=${pages}&top=1` }];
      });
    await expect(client.listAddOns()).rejects.toThrow(
      'GET inappproducts: more than 100 pages; stopped there (no list of this API is that long)',
    );
    expect(pages).toBe(100);
  });
});

describe('answers that are not the API', () => {
  test("a 200 page that is not JSON, until the run's stop, is reported with what it began with", async () => {
    const { client } = harness(60_000);
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .times(Infinity)
      .reply(200, 'Sign in to the proxy', { 'content-type': 'text/plain' });
    const error = await rejection(client.getProduct(app));
    expect((error as RunStopped).lastFailure).toMatch(
      /GET applications\/9NBLGGH4R315 still failing after \d+ attempts over \d+ s: HTTP 200: a body that is not JSON: Sign in to the proxy$/,
    );
    nock.cleanAll();
  });
});

describe('the GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL)', () => {
  const RUNTIME = 'https://pipelines.test';
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${RUNTIME}/oidc/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token',
  };
  const transport = (sleeps: number[] = []) =>
    new Transport({
      logger: new MemoryLogger(),
      retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    });

  test('asks with the audience added to the query and the runtime token as bearer; the token is masked from then on', async () => {
    nock(RUNTIME)
      .get('/oidc/token')
      .query({ 'api-version': '2.0', audience: 'api://AzureADTokenExchange' })
      .matchHeader('authorization', 'Bearer runtime-token')
      .reply(200, { count: 9, value: 'eyJ.jwt.x' });
    expect(await requestGitHubIdToken(transport(), 'api://AzureADTokenExchange', env)).toBe('eyJ.jwt.x');
    expect(secrets.redact('token eyJ.jwt.x')).toBe('token ***');
  });

  test('a 503 from the token service is retried', async () => {
    const sleeps: number[] = [];
    nock(RUNTIME).get('/oidc/token').query(true).reply(503);
    nock(RUNTIME).get('/oidc/token').query(true).reply(200, { value: 'eyJ.jwt.y' });
    expect(await requestGitHubIdToken(transport(sleeps), 'api://AzureADTokenExchange', env)).toBe('eyJ.jwt.y');
    expect(sleeps).toHaveLength(1);
  });

  test('an HTML page from the token service is retried like a 5xx', async () => {
    const sleeps: number[] = [];
    nock(RUNTIME).get('/oidc/token').query(true).reply(200, '<html><title>Bad gateway</title></html>');
    nock(RUNTIME).get('/oidc/token').query(true).reply(200, { value: 'eyJ.jwt.z' });
    expect(await requestGitHubIdToken(transport(sleeps), 'api://AzureADTokenExchange', env)).toBe('eyJ.jwt.z');
    expect(sleeps).toHaveLength(1);
  });

  test.each<[string, () => void, Record<string, string>, RegExp]>([
    ['no token on offer (no id-token: write)', () => undefined, {}, /offers no OIDC token to this job/],
    [
      'a refusal',
      () => void nock(RUNTIME).get('/oidc/token').query(true).reply(403, { message: 'Forbidden' }),
      env,
      /answered HTTP 403: .*Forbidden/,
    ],
    [
      'an answer without a token',
      () => void nock(RUNTIME).get('/oidc/token').query(true).reply(200, { count: 0 }),
      env,
      /holds no token/,
    ],
  ])('%s fails, saying so', async (_what, arrange, given, message) => {
    arrange();
    await expect(requestGitHubIdToken(transport(), 'api://AzureADTokenExchange', given)).rejects.toThrow(message);
  });
});

describe('signing in with the OIDC token, when getting it fails', () => {
  const signIn = (getIdToken: () => Promise<string>) =>
    new EntraTokenSource({
      authorityUrl: AUTH,
      tenantId: TENANT,
      clientId: 'client',
      getIdToken,
      transport: new Transport({ logger: new MemoryLogger() }),
      logger: new MemoryLogger(),
    });

  test.each<[string, Error]>([
    ['a 503 that lasted', new Error('GET GitHub OIDC token still failing after 9 attempts over 290 s: HTTP 503')],
    ['a refusal', new Error('GET GitHub OIDC token: the token service answered HTTP 403: Forbidden')],
  ])('%s shows what was answered, without the advice about client-secret', async (_what, failure) => {
    const error = await rejection(signIn(() => Promise.reject(failure)).token());
    expect(error.message).toContain(failure.message);
    expect(error.message).not.toMatch(/client-secret|id-token: write/);
  });

  test('the run stopping while it waits stays a stop, with what was last answered', async () => {
    const stopped = new RunStopped(
      'timeout',
      '5',
      'GET GitHub OIDC token still failing after 3 attempts over 20 s: HTTP 503',
    );
    await expect(signIn(() => Promise.reject(stopped)).token()).rejects.toBe(stopped);
  });

  test('a job offered no token gets the advice about client-secret and id-token: write', async () => {
    const error = await rejection(
      signIn(() => requestGitHubIdToken(new Transport({ logger: new MemoryLogger() }), 'x', {})).token(),
    );
    expect(error.message).toMatch(/'client-secret' is empty.*'permissions: id-token: write'/);
  });
});
