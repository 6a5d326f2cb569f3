/** The emulator's MSI/EXE API rules over raw HTTP: headers, scope, envelope, field rules, lock, assets, faults. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { SEED_INSTALLER_PRODUCT_ID, SEED_SELLER_ID, startEmulator, type Emulator } from '../../test/emulator/index.js';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';
import { call, tokenV1, tokenV2, type Res } from './helpers.js';

let azurite: Azurite;
let em: Emulator;
let token: string;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => azurite?.stop());
beforeEach(async () => {
  em = await startEmulator({ azurite });
  token = (
    await tokenV2(em, { client_secret: 'Xy7~q+Z/4kP=w9r+S/t=', scope: 'https://api.store.microsoft.com/.default' })
  ).json.access_token;
});
afterEach(async () => em?.close());

const base = () => `${em.apiUrl}/submission/v1/product/${SEED_INSTALLER_PRODUCT_ID}`;
function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return call(`${base()}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'X-Seller-Account-Id': SEED_SELLER_ID,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}
const pkg = {
  packageUrl: 'https://c.com/a.msi',
  languages: ['en-us'],
  architectures: ['X64'],
  isSilentInstall: true,
  packageType: 'msi',
};

describe('MSI/EXE API in the emulator', () => {
  test('answers in the envelope with X-Correlation-ID', async () => {
    const res = await api('GET', '/status');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ isSuccess: true, errors: [], responseData: { isReady: true, ongoingSubmissionId: '' } });
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('refuses a token for the MSIX API, a missing seller header, another seller and an unknown product', async () => {
    const msixToken = (await tokenV1(em)).json.access_token as string;
    expect((await api('GET', '/status', undefined, { Authorization: `Bearer ${msixToken}` })).json).toEqual({
      statusCode: 401,
      message: 'Unauthorized. Access token is missing or invalid.',
    });
    const noSeller = await call(`${base()}/status`, { headers: { Authorization: `Bearer ${token}` } });
    expect(noSeller.status).toBe(400);
    expect(noSeller.json.errors[0].target).toBe('X-Seller-Account-Id');
    expect((await api('GET', '/status', undefined, { 'X-Seller-Account-Id': '1' })).status).toBe(403);
    const unknown = await call(`${em.apiUrl}/submission/v1/product/9NBLGGH4R315/status`, {
      headers: { Authorization: `Bearer ${token}`, 'X-Seller-Account-Id': SEED_SELLER_ID },
    });
    expect(unknown.json).toMatchObject({ isSuccess: false, errors: [{ message: 'No Product Found' }] });
  });

  test('package field rules', async () => {
    const res = await api('PUT', '/packages', {
      packages: [
        { ...pkg, packageUrl: 'http://c.com/a.msi' },
        { ...pkg, architectures: ['X64', 'X86'] },
        { ...pkg, packageType: 'exe', isSilentInstall: false },
        { ...pkg, extra: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { message: string }) => e.message)).toEqual([
      'packages[0]: packageUrl must be an https URL of a versioned, downloadable package.',
      'packages[1]: architectures should contain a single architecture - Neutral, X86, X64, Arm, Arm64.',
      'packages[2]: installerParameters is required if isSilentInstall is false.',
      'packages[2]: genericDocUrl is required if packageType is exe.',
      "packages[3]: 'extra' is not a field of a package.",
    ]);
  });

  test('a package commit makes the draft busy; writes are refused until it is ready; submit needs committed packages', async () => {
    expect((await api('PUT', '/packages', { packages: [pkg] })).status).toBe(200);
    expect((await api('POST', '/submit')).json.errors[0].message).toMatch(/commit the packages/);
    await api('POST', '/packages/commit');
    const busy = await api('PUT', '/metadata', { properties: em.installer.product().properties });
    expect(busy.status).toBe(409);
    // behaviour.commitPolls (2) reads see the commit being processed.
    const ready: boolean[] = [];
    for (let i = 0; i < 3; i++) ready.push((await api('GET', '/status')).json.responseData.isReady);
    expect(ready).toEqual([false, false, true]);
    const submitted = await api('POST', '/submit');
    const id = submitted.json.responseData.submissionId as string;
    const locked = await api('PUT', '/packages', { packages: [pkg] });
    expect(locked.status).toBe(409);
    expect(locked.json.responseData.ongoingSubmissionId).toBe(id);
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await api('GET', `/submission/${id}/status`)).json.responseData.publishingStatus);
    expect(statuses).toEqual(['INPROGRESS', 'INPROGRESS', 'PUBLISHED', 'PUBLISHED']);
  });

  test('asset slots upload to Azurite; a commit refuses what is not a PNG', async () => {
    const created = await api('POST', '/listings/assets/create', {
      language: 'en-us',
      createAssetRequest: { Screenshot: 1 },
    });
    const slot = created.json.responseData.listingAssets.screenshots[0];
    const put = (bytes: Buffer) =>
      call(slot.primaryAssetUploadUrl.replace(/\+/g, '%2B'), {
        method: 'PUT',
        headers: { 'x-ms-blob-type': 'BlockBlob' },
        body: bytes,
      });
    expect((await put(Buffer.from('not a png'))).status).toBe(201);
    const commit = (assetUrl: string) =>
      api('PUT', '/listings/assets/commit', {
        listingAssets: { language: 'en-us', screenshots: [{ id: slot.id, assetUrl }] },
      });
    expect((await commit(slot.primaryAssetUploadUrl)).json.errors[0].message).toMatch(/is not a PNG file/);
    await put(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    expect((await commit('https://elsewhere.invalid/x.png')).status).toBe(400);
    expect((await commit(slot.primaryAssetUploadUrl)).status).toBe(200);
    const assets = (await api('GET', '/listings/assets?languages=en-us')).json.responseData.listingAssets[0];
    expect(assets.screenshots.map((a: { id: string }) => a.id)).toEqual([slot.id]);
    expect(assets.storeLogos.map((a: { id: string }) => a.id)).toEqual(['logo-en-1']);
  });

  test("faults answer in this API's forms", async () => {
    em.faults.add({ path: '/status', status: 429, retryAfter: '3' });
    em.faults.add({ path: '/status', status: 500 });
    const throttled = await api('GET', '/status');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(throttled.json).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 3 seconds.' });
    const failed = await api('GET', '/status');
    expect(failed.json).toMatchObject({ isSuccess: false, errors: [{ code: 'internalservererror' }] });
  });
});
