import nock from 'nock';
import { StoreApiError } from '../../../src/errors.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { EntraTokenSource, requestGitHubIdToken } from '../../../src/store/auth.js';
import { StoreClient } from '../../../src/store/client.js';
import { AmbiguousRequestError, Transport } from '../../../src/store/http.js';
import { secrets } from '../../../src/redact.js';

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

function harness(): Harness {
  const logger = new MemoryLogger();
  const sleeps: number[] = [];
  const clock = { now: 1_700_000_000_000 };
  const transport = new Transport({
    logger,
    retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, now: () => clock.now },
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

beforeAll(() => {
  delete process.env.HTTPS_PROXY;
  delete process.env.HTTP_PROXY;
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  secrets.clear();
});
afterAll(() => nock.enableNetConnect());

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
    expect(logger.text()).toMatch(/HTTP 429 \(rate limited\); retrying in 7\.0 s \(attempt 2 of 8\)/);
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

  test('gives up after the attempts run out, saying why', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).get('/v1.0/my/applications/9NBLGGH4R315').times(8).reply(500);
    await expect(client.getProduct(app)).rejects.toThrow(
      'GET applications/9NBLGGH4R315 still failing after 8 attempts',
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

  test('treats a commit as started when the status moved on after a lost answer', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API).post('/v1.0/my/applications/9NBLGGH4R315/submissions/78/commit').reply(502);
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315/submissions/78/status')
      .reply(200, { status: 'CommitStarted', statusDetails: {} });
    await expect(client.commitSubmission(app, '78')).resolves.toBeUndefined();
    expect(nock.pendingMocks()).toEqual([]);
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
      "PUT applications/9NBLGGH4R315/submissions/5 failed with HTTP 400, code InvalidParameterValue, target packages: Please keep all file entries for existing packages. (MS-CorrelationId corr-123). Hint: every existing package must stay in the submission; use 'replace-packages: true' to mark old ones PendingDelete instead of dropping them",
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
  test('a 200 page that is not JSON is reported with what it began with', async () => {
    const { client } = harness();
    tokenReply('tok');
    nock(API)
      .get('/v1.0/my/applications/9NBLGGH4R315')
      .reply(200, '<html>Sign in to the proxy</html>', { 'content-type': 'text/html' });
    await expect(client.getProduct(app)).rejects.toThrow(
      'GET applications/9NBLGGH4R315 answered HTTP 200 with a body that is not JSON: <html>Sign in to the proxy</html>',
    );
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
    [
      'an answer that is not JSON',
      () => void nock(RUNTIME).get('/oidc/token').query(true).reply(200, '<html>'),
      env,
      /holds no token/,
    ],
  ])('%s fails, saying so', async (_what, arrange, given, message) => {
    arrange();
    await expect(requestGitHubIdToken(transport(), 'api://AzureADTokenExchange', given)).rejects.toThrow(message);
  });
});
