/**
 * The emulator's recorded shapes, checked against the live exchanges recorded in February 2026
 * (read in place from shared/realdata): the emulator answers with the keys and value types the live
 * services sent. The forms that need no recording (dates, the upload URL's form, the MSI/EXE
 * envelope) are checked with or without it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { BlockBlobClient } from '@azure/storage-blob';
import { fetch } from 'undici';
import {
  CREDENTIALS,
  SALES_UNSUPPORTED_WARNING,
  SEED_APP_ID,
  SEED_INSTALLER_PRODUCT_ID,
  SEED_SELLER_ID,
  recordedResponse,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type Json,
} from '../../test/emulator/index.js';
import { recordedApp } from '../../test/emulator/recorded.js';
import { makeZip } from '../../test/emulator/zip.js';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';
import { recordedErrorBodies, recordedExchanges, type Exchange } from '../../test/support/exchanges.js';
import { REAL_DATA_ABSENT } from '../../test/support/packages.js';
import { call, client, tokenV2, waitFor, type Res } from './helpers.js';

const packaged = recordedExchanges('packaged');
const unpackaged = recordedExchanges('unpackaged');
if (!packaged || !unpackaged)
  console.log(`recorded-shapes: the comparisons with the recordings are ${REAL_DATA_ABSENT}`);
const withRecordings = packaged && unpackaged ? describe : describe.skip;

let azurite: Azurite;
let em: Emulator;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => azurite?.stop());
afterEach(async () => em?.close());

async function start(
  options: Partial<EmulatorOptions> = {},
): Promise<(m: string, p: string, b?: unknown) => Promise<Res>> {
  em = await startEmulator({
    azurite,
    statusStepMs: 30,
    ...options,
    variant: { shapes: 'recorded', ...options.variant },
  });
  return client(em);
}

/** The MSI/EXE API of a fresh emulator in recorded shapes, as its seeded seller, for the seeded product. */
async function startInstaller(
  product = SEED_INSTALLER_PRODUCT_ID,
): Promise<(method: string, path: string, body?: unknown) => Promise<Res>> {
  em = await startEmulator({ azurite, variant: { shapes: 'recorded' } });
  const token = (
    await tokenV2(em, { client_secret: CREDENTIALS.clientSecret, scope: 'https://api.store.microsoft.com/.default' })
  ).json.access_token as string;
  return (method, path, body) =>
    call(`${em.apiUrl}/submission/v1/product/${product}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Seller-Account-Id': SEED_SELLER_ID,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
}

/**
 * Where `actual` differs in form from `expected`: keys of objects (missing or extra), value types, and
 * the first items of arrays both have (an empty array matches any array: the recording shows no items).
 */
function shapeMismatches(actual: Json | undefined, expected: Json | undefined, at = '$'): string[] {
  const kind = (v: Json | undefined) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(expected)) return [`${at}: ${kind(actual)}, recorded ${kind(expected)}`];
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.length && expected.length ? shapeMismatches(actual[0], expected[0], `${at}[0]`) : [];
  }
  if (kind(actual) !== 'object') return [];
  const a = actual as Record<string, Json>;
  const e = expected as Record<string, Json>;
  return [...new Set([...Object.keys(a), ...Object.keys(e)])].flatMap((key) =>
    !(key in a)
      ? [`${at}.${key}: missing`]
      : !(key in e)
        ? [`${at}.${key}: not recorded`]
        : shapeMismatches(a[key], e[key], `${at}.${key}`),
  );
}

/** The query's field names in order, and whether each value is percent-encoded the same way (no raw `:`, `=`, `+`, `/`). */
function queryForm(url: string): { names: string[]; raw: boolean } {
  const pairs = url.slice(url.indexOf('?') + 1).split('&');
  return {
    names: pairs.map((p) => p.slice(0, p.indexOf('='))),
    raw: pairs.some((p) => /[:=+/]/.test(p.slice(p.indexOf('=') + 1))),
  };
}

function datesIn(value: Json | undefined): string[] {
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(datesIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(datesIn);
  return [];
}

describe('MSIX API, recorded shapes without the recordings', () => {
  it('the app resource spells PackageFamilyName and has no pending key when none; dates carry seven digits', async () => {
    const api = await start();
    const app = await api('GET', `applications/${SEED_APP_ID}`);
    expect(app.json).toHaveProperty('PackageFamilyName', 'Contoso.ContosoNotes_mj48pws67hrft');
    expect(app.json).not.toHaveProperty('packageFamilyName');
    expect(app.json).not.toHaveProperty('pendingApplicationSubmission');
    const created = await api('POST', `applications/${SEED_APP_ID}/submissions`);
    const dates = [...datesIn(app.json), ...datesIn(created.json)];
    expect(dates.length).toBeGreaterThan(2);
    for (const date of dates) expect(date).toMatch(/\.\d{7}Z$/);
    expect(created.json.allowTargetFutureDeviceFamilies).toHaveProperty('7', true);
    expect(created.json.packageDeliveryOptions.packageRollout.packageRolloutPercentage).toBe(0);
  });

  it('every status answer and the created submission carry SalesUnsupportedWarning, on success too', async () => {
    const api = await start();
    const created = (await api('POST', `applications/${SEED_APP_ID}/submissions`)).json;
    expect(created.statusDetails.warnings).toEqual([SALES_UNSUPPORTED_WARNING]);
    const path = `applications/${SEED_APP_ID}/submissions/${created.id}`;
    const { fileUploadUrl, ...sent } = created;
    await new BlockBlobClient(fileUploadUrl).upload(makeZip([]), 22);
    expect((await api('PUT', path, sent)).status).toBe(200);
    expect((await api('POST', `${path}/commit`)).json).toEqual({ status: 'CommitStarted' });
    await waitFor(() => em.state.status(created.id) === 'Published');
    const status = await api('GET', `${path}/status`);
    expect(status.json).toEqual({
      status: 'Published',
      statusDetails: { errors: [], warnings: [SALES_UNSUPPORTED_WARNING], certificationReports: expect.any(Array) },
    });
    // The stored resource keeps the emulator's own status details: the warning is part of the answer only.
    expect(em.state.statusDetails(created.id).warnings).toEqual([]);
  });

  it('the upload URL is a user-delegation SAS, percent-encoded; the blob takes it only byte for byte', async () => {
    const api = await start();
    const url: string = (await api('POST', `applications/${SEED_APP_ID}/submissions`)).json.fileUploadUrl;
    const form = queryForm(url);
    expect(form.names).toEqual(['skoid', 'sktid', 'skt', 'ske', 'sks', 'skv', 'sv', 'se', 'sr', 'sp', 'sig']);
    expect(form.raw).toBe(false);
    expect(url).toMatch(/&sig=[^&]*%3D$/);
    const put = (target: string) =>
      fetch(target, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'zip' }).then((r) => r.status);
    // Encoded twice (%3A -> %253A), or decoded (a raw `+` reads as a space): refused as the blob service does.
    expect(await put(url.replace(/%/g, '%25'))).toBe(403);
    expect(await put(decodeURIComponent(url))).toBe(403);
    expect(await put(url.replace(/&sig=[^&]*/, ''))).toBe(403);
    // As given, with a client's own parameters after it: Azurite checks the delegation signature and takes it.
    expect(await put(url)).toBe(201);
    expect(await put(`${url}&timeout=30`)).toBe(201);
    expect(em.requests.filter((r) => r.kind === 'blob').map((r) => r.status)).toEqual([403, 403, 403, 201, 201]);
  });

  it('a PUT that leaves out a key the resource had is recorded, so a test can see what the Store would lose', async () => {
    const api = await start();
    const created = (await api('POST', `applications/${SEED_APP_ID}/submissions`)).json;
    const path = `applications/${SEED_APP_ID}/submissions/${created.id}`;
    const [pkg] = created.applicationPackages;
    const { targetPlatform, ...bare } = pkg;
    expect(targetPlatform).toBe('Windows10');
    const { '7': future, ...families } = created.allowTargetFutureDeviceFamilies;
    expect(future).toBe(true);
    const put = await api('PUT', path, {
      ...created,
      applicationPackages: [bare],
      allowTargetFutureDeviceFamilies: families,
    });
    expect(put.status).toBe(200);
    expect(em.state.submission(created.id).droppedKeys).toEqual([
      `applicationPackages[${pkg.id}].targetPlatform`,
      'allowTargetFutureDeviceFamilies.7',
    ]);
    expect((await api('PUT', path, created)).status).toBe(200);
    expect(em.state.submission(created.id).droppedKeys).toEqual([]);
  });
});

describe('MSI/EXE API, recorded shapes without the recordings', () => {
  it('idle status without errors, string package IDs, relative pollingUrl, empty answers to writes', async () => {
    const api = await startInstaller();
    expect((await api('GET', '/status')).json).toEqual({ responseData: { isReady: true }, isSuccess: true });
    const packages = (await api('GET', '/packages')).json.responseData.packages;
    expect(packages[0].packageId).toMatch(/^\d+$/);
    const one = await api('GET', `/packages/${packages[0].packageId}`);
    expect(one.json).toEqual({ responseData: { packages: [packages[0]] }, isSuccess: true });
    expect((await api('PUT', '/packages', { packages })).json).toEqual({ responseData: {}, isSuccess: true });
    const commit = (await api('POST', '/packages/commit')).json;
    expect(commit).toEqual({
      responseData: { pollingUrl: `submission/v1/product/${SEED_INSTALLER_PRODUCT_ID}/status` },
      isSuccess: true,
    });
  });
});

withRecordings('the emulator answers as the live services did (shared/realdata)', () => {
  const recorded = (exchanges: Exchange[] | undefined, method: string, pathEnd: RegExp) => {
    const found = exchanges && recordedResponse(exchanges, method, pathEnd);
    if (!found) throw new Error(`no recorded ${method} ${pathEnd.source}`);
    return found;
  };

  it('the app resource and the created clone have the recorded keys and types', async () => {
    const api = await start();
    const recordedAppResource = recorded(packaged, 'GET', /\/applications\/[^/]+$/);
    const recordedClone = recorded(packaged, 'POST', /\/submissions$/);
    const appId = String(recordedAppResource['id']);
    // The seeded Contoso app and the app seeded from the recording both answer in the recorded form.
    for (const id of [SEED_APP_ID, appId]) {
      expect(shapeMismatches((await api('GET', `applications/${id}`)).json, recordedAppResource)).toEqual([]);
    }
    const clone = (await api('POST', `applications/${appId}/submissions`)).json;
    expect(shapeMismatches(clone, recordedClone)).toEqual([]);
    expect(clone.applicationPackages.map((p: { id: string }) => p.id)).toEqual(
      (recordedClone['applicationPackages'] as Array<{ id: string }>).map((p) => p.id),
    );
    expect(queryForm(clone.fileUploadUrl).names).toEqual(queryForm(String(recordedClone['fileUploadUrl'])).names);
  });

  it('status answers have the recorded form and warning, through to Published', async () => {
    const api = await start();
    const polls = packaged!
      .filter((e) => e.method === 'GET' && e.url?.endsWith('/status'))
      .map((e) => e.response as Json);
    const created = (await api('POST', `applications/${SEED_APP_ID}/submissions`)).json;
    const path = `applications/${SEED_APP_ID}/submissions/${created.id}`;
    const { fileUploadUrl, ...sent } = created;
    await new BlockBlobClient(fileUploadUrl).upload(makeZip([]), 22);
    await api('PUT', path, sent);
    expect((await api('POST', `${path}/commit`)).json).toEqual(recorded(packaged, 'POST', /\/commit$/));
    await waitFor(() => em.state.status(created.id) === 'Published');
    const answer = (await api('GET', `${path}/status`)).json;
    expect(shapeMismatches(answer, polls.at(-1))).toEqual([]);
    expect(answer.statusDetails.warnings).toEqual(
      (polls.at(-1) as { statusDetails: { warnings: Json } }).statusDetails.warnings,
    );
    // Every status the recording went through is one the emulator's processing passes too.
    const seen = em.state.statusChanges(created.id);
    for (const poll of polls) expect(seen).toContain((poll as { status: string }).status);
  });

  it.each(['recorded', 'documented'] as const)(
    '%s shapes: the recorded PUT that re-sends the five packages as PendingUpload gets the recorded refusal',
    async (shapes) => {
      const app = recordedApp(packaged!)!;
      const api = await start({ seed: { apps: [app], flights: [], addOns: [] }, variant: { shapes } });
      const put = packaged!.find((e) => e.method === 'PUT')!;
      const created = (await api('POST', `applications/${app.app.id}/submissions`)).json;
      const refused = await api('PUT', `applications/${app.app.id}/submissions/${created.id}`, put.request);
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual(put.response);
    },
  );

  it.each(['recorded', 'documented'] as const)(
    '%s shapes: deleting a draft made in Partner Center gets the refusal the msstore CLI recorded',
    async (shapes) => {
      const partnerCenterDraft = recordedErrorBodies().find((body) => body['code'] === 'InvalidOperation');
      const api = await start({ variant: { shapes } });
      const draft = em.state.addUiPendingSubmission(SEED_APP_ID);
      const refused = await api('DELETE', `applications/${SEED_APP_ID}/submissions/${draft.id}`);
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual(partnerCenterDraft);
    },
  );

  it('MSI/EXE: the recorded product answers the recorded reads word for word, and takes the recorded writes', async () => {
    const productId = /\/product\/([^/]+)\//.exec(unpackaged![0]!.url!)![1]!;
    const api = await startInstaller(productId);
    const byLanguage = (answer: { responseData: { listingAssets: Array<{ language: string }> } }) =>
      [...answer.responseData.listingAssets].sort((a, b) => a.language.localeCompare(b.language));
    for (const [method, pathEnd, path] of [
      ['GET', /\/packages$/, '/packages'],
      ['GET', /\/packages\/\d+$/, '/packages/72541436'],
      ['GET', /\/metadata$/, '/metadata'],
      ['GET', /\/metadata\/listings$/, '/metadata/listings'],
    ] as const) {
      expect((await api(method, path)).json).toEqual(recorded(unpackaged, method, pathEnd));
    }
    const assets = (await api('GET', '/listings/assets')).json;
    expect(byLanguage(assets)).toEqual(byLanguage(recorded(unpackaged, 'GET', /\/listings\/assets$/) as never));
    // The writes the live service took (an exe without genericDocUrl, listings with heroArts and trailers).
    for (const write of unpackaged!.filter((e) => e.method === 'PUT' || e.method === 'PATCH')) {
      const path = new URL(write.url!).pathname.split(productId)[1]!;
      if (path === '/listings/assets/commit') continue; // its asset IDs are slots of the recorded run
      expect([path, (await api(write.method!, path, write.request)).json]).toEqual([path, write.response]);
      for (let polls = 0; !(await api('GET', '/status')).json.responseData.isReady; polls++)
        expect(polls).toBeLessThan(5);
    }
  });

  it('MSI/EXE: each answer has the recorded keys and types', async () => {
    const api = await startInstaller();
    const like = async (answer: Promise<Res>, method: string, pathEnd: RegExp) =>
      expect(shapeMismatches((await answer).json, recorded(unpackaged, method, pathEnd))).toEqual([]);
    await like(api('GET', '/status'), 'GET', /\/status$/);
    const packages = (await api('GET', '/packages')).json.responseData.packages;
    await like(api('GET', '/packages'), 'GET', /\/packages$/);
    await like(api('GET', `/packages/${packages[0].packageId}`), 'GET', /\/packages\/\d+$/);
    const recordedPut = recorded(unpackaged, 'PUT', /\/packages$/);
    expect((await api('PUT', '/packages', { packages })).json).toEqual(recordedPut);
    const commit = (await api('POST', '/packages/commit')).json;
    expect(shapeMismatches(commit, recorded(unpackaged, 'POST', /\/packages\/commit$/))).toEqual([]);
    for (let polls = 0; !(await api('GET', '/status')).json.responseData.isReady; polls++)
      expect(polls).toBeLessThan(5);
    const listing = (await api('GET', '/metadata/listings')).json.responseData.listings[0];
    expect((await api('PUT', '/metadata', { listings: listing })).json).toEqual(
      recorded(unpackaged, 'PUT', /\/metadata$/),
    );
    const submit = (await api('POST', '/submit')).json;
    expect(shapeMismatches(submit, recorded(unpackaged, 'POST', /\/submit$/))).toEqual([]);
    expect(submit.responseData.pollingUrl).not.toMatch(/^\//);
    await like(
      api('GET', `/submission/${submit.responseData.submissionId}/status`),
      'GET',
      /\/submission\/\d+\/status$/,
    );
  });
});
