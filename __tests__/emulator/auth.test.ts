/** The emulator's sign-in rules: AAD v1/v2 token endpoints, federated assertions, OIDC, 401s, faults. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';
import { CREDENTIALS, startEmulator, type Emulator } from '../../test/emulator/index.js';
import { call, tokenV1, tokenV2 } from './helpers.js';

let azurite: Azurite;
let em: Emulator;

beforeAll(async () => {
  azurite = await startAzurite();
  em = await startEmulator({ azurite, tokenLifetimeSeconds: 2 });
});
afterAll(async () => {
  await em?.close();
  await azurite?.stop();
});

const apps = (token?: string) =>
  call(
    `${em.apiUrl}/v1.0/my/applications/9NBLGGH4R315`,
    token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  );

describe('token endpoints', () => {
  it('v1 returns a string expires_in, the resource and a working token', async () => {
    expect(CREDENTIALS.clientSecret).toMatch(/\+/);
    expect(CREDENTIALS.clientSecret).toMatch(/\//);
    expect(CREDENTIALS.clientSecret).toMatch(/=/);
    const res = await tokenV1(em);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: '2',
      resource: 'https://manage.devcenter.microsoft.com',
    });
    expect(typeof res.json.expires_on).toBe('string');
    const app = await apps(res.json.access_token);
    expect(app.status).toBe(200);
    expect(app.json.id).toBe('9NBLGGH4R315');
    expect(app.headers.get('ms-correlationid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('v2 with the .default scope returns a numeric expires_in', async () => {
    const res = await tokenV2(em, {
      client_secret: CREDENTIALS.clientSecret,
      scope: 'https://manage.devcenter.microsoft.com/.default',
    });
    expect(res.status).toBe(200);
    expect(res.json.expires_in).toBe(2);
    expect(res.json.token_type).toBe('Bearer');
    expect((await apps(res.json.access_token)).status).toBe(200);
  });

  it('rejects a wrong secret, resource, scope, client and tenant with AAD errors', async () => {
    const badSecret = await tokenV1(em, { client_secret: 'Xy7~q Z/4kP=w9r S/t=' }); // '+' sent unencoded decodes to ' '
    expect(badSecret.status).toBe(401);
    expect(badSecret.json.error).toBe('invalid_client');
    expect(badSecret.json.error_description).toMatch(/^AADSTS7000215:/);
    const badResource = await tokenV1(em, { resource: 'https://manage.devcenter.microsoft.com/' });
    expect(badResource.status).toBe(400);
    expect(badResource.json.error_description).toMatch(/AADSTS500011/);
    const badScope = await tokenV2(em, {
      client_secret: CREDENTIALS.clientSecret,
      scope: 'https://manage.devcenter.microsoft.com',
    });
    expect(badScope.status).toBe(400);
    expect(badScope.json.error).toBe('invalid_scope');
    const badClient = await tokenV1(em, { client_id: 'nope' });
    expect(badClient.json.error_description).toMatch(/AADSTS700016/);
    const badTenant = await call(`${em.authorityUrl}/other-tenant/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(badTenant.status).toBe(400);
    expect(badTenant.json.error_description).toMatch(/AADSTS90002/);
  });

  it('a token stops working once it expires, and every 401 has the APIM shape', async () => {
    const token = (await tokenV1(em)).json.access_token as string;
    expect((await apps(token)).status).toBe(200);
    const missing = await apps();
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({
      statusCode: 401,
      message: 'APIM: Unauthorized. Access token is missing or invalid.',
    });
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await apps(token);
    expect(expired.status).toBe(401);
    expect(em.requests.at(-1)).toMatchObject({ status: 401, authorized: false, kind: 'api' });
  });
});

describe('GitHub OIDC and federated credentials', () => {
  const oidcToken = (audience: string, requestToken = em.oidc.requestToken) =>
    call(`${em.oidc.requestUrl}&audience=${encodeURIComponent(audience)}`, {
      headers: { Authorization: `Bearer ${requestToken}` },
    });

  it('issues a JWT with the GitHub claims that the v2 endpoint accepts as a client assertion', async () => {
    const res = await oidcToken('api://AzureADTokenExchange');
    expect(res.status).toBe(200);
    const claims = JSON.parse(Buffer.from((res.json.value as string).split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/octo-app:ref:refs/heads/main',
      aud: 'api://AzureADTokenExchange',
    });
    expect(claims.exp - claims.iat).toBe(300);
    const token = await tokenV2(em, {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: res.json.value,
      scope: 'https://manage.devcenter.microsoft.com/.default',
    });
    expect(token.status).toBe(200);
    expect(em.tokens.at(-1)).toMatchObject({ endpoint: 'v2', credential: 'assertion' });
  });

  it('rejects a wrong request token, a wrong audience and a forged assertion', async () => {
    expect((await oidcToken('api://AzureADTokenExchange', 'wrong')).status).toBe(401);
    const wrongAud = await oidcToken('https://github.com/octo-org');
    const rejected = await tokenV2(em, {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: wrongAud.json.value,
      scope: 'https://manage.devcenter.microsoft.com/.default',
    });
    expect(rejected.status).toBe(401);
    expect(rejected.json.error_description).toMatch(/AADSTS700212/);
    const [h, b] = (wrongAud.json.value as string).split('.');
    const forged = await tokenV2(em, {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: `${h}.${b}.AAAA`,
      scope: 'https://manage.devcenter.microsoft.com/.default',
    });
    expect(forged.json.error_description).toMatch(/AADSTS50027/);
  });
});

describe('faults on the token endpoint', () => {
  it('answers 503 with Retry-After once, then works', async () => {
    em.faults.add({ path: '/oauth2/', status: 503, retryAfter: '1' });
    const first = await tokenV1(em);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('1');
    expect((await tokenV1(em)).status).toBe(200);
    expect(em.faults.injected.at(-1)).toMatchObject({ status: 503, after: 'before' });
  });

  it('can reset the connection without answering', async () => {
    em.faults.add({ path: '/oauth2/token', reset: true });
    await expect(tokenV1(em)).rejects.toThrow();
    expect(em.requests.at(-1)).toMatchObject({ status: 0, fault: 'before' });
  });
});
