/** The emulator's submission rules, over real HTTP and a real Azurite. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { BlockBlobClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';
import {
  SEED_ADDON_ID,
  SEED_APP_ID,
  SEED_FLIGHT_ID,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from '../../test/emulator/index.js';
import { makeZip } from '../../test/emulator/zip.js';
import { call, client, waitFor, type Res } from './helpers.js';

let azurite: Azurite;
let em: Emulator;
let api: (method: string, path: string, body?: unknown) => Promise<Res>;

async function restart(options: Partial<EmulatorOptions> = {}): Promise<void> {
  await em?.close();
  em = await startEmulator({ azurite, statusStepMs: 30, ...options });
  api = await client(em);
}

beforeAll(async () => {
  azurite = await startAzurite();
});
beforeEach(async () => restart());
afterEach(async () => em?.close());
afterAll(async () => azurite?.stop());

const APP = `applications/${SEED_APP_ID}`;

async function upload(url: string, zip: Buffer): Promise<number> {
  const res = await call(url.replace(/\+/g, '%2B'), {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob' },
    body: zip,
  });
  return res.status;
}

describe('app submissions', () => {
  it('create clones the last published submission; a second create is 409 InvalidState', async () => {
    const created = await api('POST', `${APP}/submissions`);
    expect(created.status).toBe(201);
    expect(created.json.status).toBe('PendingCommit');
    expect(created.json.applicationPackages[0]).toMatchObject({
      fileName: 'ContosoNotes_1.0.0.0_x64.msixupload',
      fileStatus: 'Uploaded',
    });
    expect(Object.keys(created.json.listings)).toEqual(['en-us', 'de-de']);
    expect(created.json.someFutureField).toEqual({ keep: ['me', 1, true], nested: { value: null } });
    expect(created.json.fileUploadUrl).toMatch(
      new RegExp(`^${azurite.blobEndpoint}/ingestion/[0-9a-f-]{36}\\?sv=.*&sr=b&sp=rwl&sig=[^&]*\\+`),
    );
    const app = await api('GET', APP);
    expect(app.json.pendingApplicationSubmission).toEqual({
      id: created.json.id,
      resourceLocation: `applications/${SEED_APP_ID}/submissions/${created.json.id}`,
    });
    const again = await api('POST', `${APP}/submissions`);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({
      code: 'InvalidState',
      source: 'Ingestion Api',
      target: 'submission',
      data: [],
      details: [],
    });
  });

  it('isMinimalResponse=true returns a sparse object; the variant switches create to 200', async () => {
    await restart({ variant: { createStatus: 200, deleteStatus: 200 } });
    const created = await api('POST', `${APP}/submissions?isMinimalResponse=true`);
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ id: expect.any(String) });
    const del = await api('DELETE', `${APP}/submissions/${created.json.id}`);
    expect(del.status).toBe(200);
    expect(del.text).toBe('');
  });

  it('PUT keeps unknown fields, ignores read-only ones and enforces package and listing rules', async () => {
    const sub = (await api('POST', `${APP}/submissions`)).json;
    const path = `${APP}/submissions/${sub.id}`;
    const dropped = await api('PUT', path, { ...sub, applicationPackages: [] });
    expect(dropped.status).toBe(400);
    expect(dropped.json).toMatchObject({ code: 'InvalidParameterValue', target: 'packages' });
    expect(dropped.json.message).toMatch(/^Please keep all file entries for existing packages/);
    const noListings = await api('PUT', path, { ...sub, listings: {} });
    expect(noListings.json).toMatchObject({
      code: 'InvalidParameterValue',
      target: 'appListings',
      message: 'The size of AppListings must be 1 or more',
    });
    const next = {
      ...sub,
      id: 'hacked',
      status: 'Published',
      fileUploadUrl: 'http://evil',
      brandNewField: { x: 1 },
      applicationPackages: [
        { ...sub.applicationPackages[0], fileStatus: 'PendingDelete' },
        {
          fileName: 'out\\ContosoNotes_1.1.0.0_x64.msixupload',
          fileStatus: 'PendingUpload',
          minimumDirectXVersion: 'None',
          minimumSystemRam: 'None',
        },
      ],
    };
    const put = await api('PUT', path, next);
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      id: sub.id,
      status: 'PendingCommit',
      fileUploadUrl: sub.fileUploadUrl,
      brandNewField: { x: 1 },
    });
    expect(em.state.submission(sub.id).resource['brandNewField']).toEqual({ x: 1 });
    const noJsonType = await call(`${em.apiUrl}/v1.0/my/${path}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${em.tokens.at(-1)!.accessToken}` },
      body: JSON.stringify(sub),
    });
    expect(noJsonType.status).toBe(415);
  });

  it('a submission made in the UI cannot be updated, committed or deleted through the API', async () => {
    const ui = em.state.addUiPendingSubmission(SEED_APP_ID);
    expect(ui.resource['fileUploadUrl']).toBeUndefined();
    const got = (await api('GET', `${APP}/submissions/${ui.id}`)).json;
    const put = await api('PUT', `${APP}/submissions/${ui.id}`, got);
    expect(put.status).toBe(400);
    expect(put.json).toMatchObject({ code: 'InvalidOperation', target: 'applicationSubmission' });
    expect((await api('POST', `${APP}/submissions/${ui.id}/commit`)).json.code).toBe('InvalidOperation');
    const del = await api('DELETE', `${APP}/submissions/${ui.id}`);
    expect(del.status).toBe(400);
    expect(del.json).toMatchObject({ code: 'InvalidOperation' });
    expect(em.state.app(SEED_APP_ID).pendingSubmissionId).toBe(ui.id);
    em.state.removeSubmission(ui.id);
  });

  it('the upload URL needs %2B: a raw + gets 403 from Azurite', async () => {
    const sub = (await api('POST', `${APP}/submissions`)).json;
    const raw = await call(sub.fileUploadUrl, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'zip',
    });
    expect(raw.status).toBe(403);
    expect(await upload(sub.fileUploadUrl, Buffer.from('zip'))).toBe(201);
  });

  it('commit with a file missing from the zip ends in CommitFailed MissingFiles', async () => {
    const sub = (await api('POST', `${APP}/submissions`)).json;
    sub.applicationPackages.push({
      fileName: 'pkgs\\App_2.0.0.0_x64.msixupload',
      fileStatus: 'PendingUpload',
      minimumDirectXVersion: 'None',
      minimumSystemRam: 'None',
    });
    sub.listings['en-us'].baseListing.images.push({
      fileName: 'en-us/new.png',
      fileStatus: 'PendingUpload',
      imageType: 'Screenshot',
    });
    expect((await api('PUT', `${APP}/submissions/${sub.id}`, sub)).status).toBe(200);
    expect(await upload(sub.fileUploadUrl, makeZip([{ name: 'pkgs/App_2.0.0.0_x64.msixupload', data: 'pkg' }]))).toBe(
      201,
    );
    const commit = await api('POST', `${APP}/submissions/${sub.id}/commit`);
    expect(commit.json).toEqual({ status: 'CommitStarted' });
    await waitFor(() => em.state.status(sub.id) === 'CommitFailed');
    const st = await api('GET', `${APP}/submissions/${sub.id}/status`);
    expect(st.json.status).toBe('CommitFailed');
    expect(st.json.statusDetails.errors).toEqual([
      { code: 'MissingFiles', details: expect.stringContaining('en-us/new.png') },
    ]);
    expect(st.json.statusDetails.errors[0].details).not.toContain('App_2.0.0.0');
    expect((await api('POST', `${APP}/submissions/${sub.id}/commit`)).status).toBe(409);
  });

  it('an upload that is not a zip ends in CommitFailed InvalidArchive', async () => {
    const sub = (await api('POST', `${APP}/submissions`)).json;
    sub.applicationPackages.push({
      fileName: 'a_1.0.0.0_x64.msix',
      fileStatus: 'PendingUpload',
      minimumDirectXVersion: 'None',
      minimumSystemRam: 'None',
    });
    await api('PUT', `${APP}/submissions/${sub.id}`, sub);
    await upload(sub.fileUploadUrl, Buffer.from('not a zip at all'));
    await api('POST', `${APP}/submissions/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'CommitFailed');
    expect(em.state.statusDetails(sub.id).errors[0]?.code).toBe('InvalidArchive');
  });

  it('progresses to Published, records the zip, updates packages and refs; delete is then 409', async () => {
    em.behaviour.warnings = [{ code: 'SalesUnsupportedWarning', details: 'Sales are not supported.' }];
    const sub = (await api('POST', `${APP}/submissions`)).json;
    const oldPkg = sub.applicationPackages[0];
    sub.applicationPackages = [
      { ...oldPkg, fileStatus: 'PendingDelete' },
      {
        fileName: 'out\\ContosoNotes_1.1.0.0_x64.msixupload',
        fileStatus: 'PendingUpload',
        minimumDirectXVersion: 'None',
        minimumSystemRam: 'None',
      },
    ];
    sub.packageDeliveryOptions.packageRollout = { isPackageRollout: true, packageRolloutPercentage: 10 };
    await api('PUT', `${APP}/submissions/${sub.id}`, sub);
    // Upload the way a real client does, through the SDK with the encoded URL.
    const zip = makeZip([
      { name: 'out/ContosoNotes_1.1.0.0_x64.msixupload', data: 'package bytes' },
      { name: 'extra.txt', data: 'x' },
    ]);
    await new BlockBlobClient(sub.fileUploadUrl.replace(/\+/g, '%2B')).uploadData(zip);
    await api('POST', `${APP}/submissions/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'Published');
    expect(em.state.statusChanges(sub.id)).toEqual([
      'PendingCommit',
      'CommitStarted',
      'PreProcessing',
      'Certification',
      'Release',
      'PendingPublication',
      'Publishing',
      'Published',
    ]);
    expect(em.state.uploads(sub.id)).toEqual([
      {
        name: 'out/ContosoNotes_1.1.0.0_x64.msixupload',
        size: 13,
        sha256: createHash('sha256').update('package bytes').digest('hex'),
      },
      { name: 'extra.txt', size: 1, sha256: createHash('sha256').update('x').digest('hex') },
    ]);
    const published = (await api('GET', `${APP}/submissions/${sub.id}`)).json;
    expect(published.applicationPackages).toEqual([
      expect.objectContaining({
        fileStatus: 'Uploaded',
        id: expect.any(String),
        version: '1.1.0.0',
        architecture: 'x64',
      }),
    ]);
    expect(published.statusDetails.certificationReports).toHaveLength(1);
    expect(published.statusDetails.warnings).toEqual(em.behaviour.warnings);
    expect(published.packageDeliveryOptions.packageRollout).toMatchObject({
      packageRolloutStatus: 'PackageRolloutInProgress',
      fallbackSubmissionId: '1152921504621243540',
    });
    const app = (await api('GET', APP)).json;
    expect(app.pendingApplicationSubmission).toBeUndefined();
    expect(app.lastPublishedApplicationSubmission.id).toBe(sub.id);
    expect((await api('DELETE', `${APP}/submissions/${sub.id}`)).json.message).toBe(
      'Submission in its current state cannot be deleted',
    );
    // Rollout in progress blocks a new submission until finalized.
    expect((await api('POST', `${APP}/submissions`)).status).toBe(409);
    const upd = await api('POST', `${APP}/submissions/${sub.id}/updatepackagerolloutpercentage?percentage=50.5`);
    expect(upd.json).toMatchObject({
      packageRolloutPercentage: 50.5,
      packageRolloutStatus: 'PackageRolloutInProgress',
    });
    const fin = await api('POST', `${APP}/submissions/${sub.id}/finalizepackagerollout`);
    expect(fin.json).toMatchObject({ packageRolloutPercentage: 100, packageRolloutStatus: 'PackageRolloutComplete' });
    expect((await api('POST', `${APP}/submissions/${sub.id}/haltpackagerollout`)).status).toBe(409);
    expect((await api('POST', `${APP}/submissions`)).status).toBe(201);
  });

  it('Manual mode stays in Release; a committed submission cannot be deleted; behaviours fail commits', async () => {
    const sub = (await api('POST', `${APP}/submissions`)).json;
    await api('PUT', `${APP}/submissions/${sub.id}`, { ...sub, targetPublishMode: 'Manual' });
    await api('POST', `${APP}/submissions/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'Release');
    await new Promise((r) => setTimeout(r, 150));
    expect(em.state.status(sub.id)).toBe('Release');
    expect(em.state.pendingSubmission(SEED_APP_ID)?.id).toBe(sub.id);
    expect((await api('DELETE', `${APP}/submissions/${sub.id}`)).status).toBe(409);
    em.state.publish(sub.id);
    expect(em.state.lastPublishedSubmission(SEED_APP_ID)?.id).toBe(sub.id);

    em.behaviour.certificationFailure = true;
    const second = (await api('POST', `${APP}/submissions`)).json;
    await api('POST', `${APP}/submissions/${second.id}/commit`);
    await waitFor(() => em.state.status(second.id) === 'CertificationFailed');
    expect(em.state.statusDetails(second.id).certificationReports).toHaveLength(1);
    expect((await api('DELETE', `${APP}/submissions/${second.id}`)).status).toBe(204);

    em.behaviour.certificationFailure = false;
    em.behaviour.commitFailure = {
      code: 'InvalidParameterValue',
      details: 'Request it is not IngestionWeb or IngestionApi',
    };
    const third = (await api('POST', `${APP}/submissions`)).json;
    await api('POST', `${APP}/submissions/${third.id}/commit`);
    await waitFor(() => em.state.status(third.id) === 'CommitFailed');
    expect(em.state.statusDetails(third.id).errors).toEqual([em.behaviour.commitFailure]);
  });

  it('reads a zip of tens of MB at commit', async () => {
    const big = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const sub = (await api('POST', `${APP}/submissions`)).json;
    sub.applicationPackages.push({
      fileName: 'Big_3.0.0.0_x86.msixupload',
      fileStatus: 'PendingUpload',
      minimumDirectXVersion: 'None',
      minimumSystemRam: 'None',
    });
    await api('PUT', `${APP}/submissions/${sub.id}`, sub);
    await new BlockBlobClient(sub.fileUploadUrl.replace(/\+/g, '%2B')).uploadData(
      makeZip([{ name: 'Big_3.0.0.0_x86.msixupload', data: big }]),
      {
        blockSize: 4 * 1024 * 1024,
      },
    );
    await api('POST', `${APP}/submissions/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'Published', 20000);
    expect(em.state.uploads(sub.id)).toEqual([
      { name: 'Big_3.0.0.0_x86.msixupload', size: big.length, sha256: createHash('sha256').update(big).digest('hex') },
    ]);
  });

  it('stuckInCommitStarted never leaves CommitStarted', async () => {
    em.behaviour.stuckInCommitStarted = true;
    const sub = (await api('POST', `${APP}/submissions`)).json;
    await api('POST', `${APP}/submissions/${sub.id}/commit`);
    await new Promise((r) => setTimeout(r, 200));
    expect(em.state.status(sub.id)).toBe('CommitStarted');
  });
});

describe('lists, flights and add-ons', () => {
  it('pages applications with top/skip and a relative @nextLink', async () => {
    for (let i = 0; i < 11; i++) em.state.addApp({});
    const first = await api('GET', 'applications');
    expect(first.json.value).toHaveLength(10);
    expect(first.json.totalCount).toBe(12);
    expect(first.json['@nextLink']).toBe('applications?skip=10&top=10');
    const second = await api('GET', first.json['@nextLink']);
    expect(second.json.value).toHaveLength(2);
    expect(second.json['@nextLink']).toBeUndefined();
    expect((await api('GET', 'applications?top=abc')).status).toBe(400);
    const bare = em.state.addApp({});
    const none = await api('GET', `applications/${bare.id}/listflights`);
    expect(none.status).toBe(404);
    expect(none.json.code).toBe('ResourceNotFound');
    await restart({ variant: { emptyListStatus: 200 } });
    const bare2 = em.state.addApp({});
    expect((await api('GET', `applications/${bare2.id}/listflights`)).json).toEqual({ value: [], totalCount: 0 });
    // An app never submitted in Partner Center cannot get an API submission.
    expect((await api('POST', `applications/${bare2.id}/submissions`)).status).toBe(409);
  });

  it('creates a flight (with or without its first submission) and runs a flight submission', async () => {
    const flight = await api('POST', `${APP}/flights`, {
      friendlyName: 'Beta',
      groupIds: ['123'],
      rankHigherThan: SEED_FLIGHT_ID,
    });
    expect(flight.status).toBe(201);
    expect(flight.json).toMatchObject({ friendlyName: 'Beta', groupIds: ['123'], rankHigherThan: 'Insiders' });
    expect(flight.json.pendingFlightSubmission).toBeUndefined();
    const list = await api('GET', `${APP}/listflights`);
    expect(list.json.value.map((f: { friendlyName: string }) => f.friendlyName)).toEqual(['Insiders', 'Beta']);

    const base = `${APP}/flights/${SEED_FLIGHT_ID}/submissions`;
    const sub = (await api('POST', base)).json;
    expect(sub.flightPackages[0].fileStatus).toBe('Uploaded');
    expect((await api('PUT', `${base}/${sub.id}`, { ...sub, flightPackages: [] })).json.target).toBe('packages');
    sub.flightPackages.push({
      fileName: 'Notes_1.2.0.0_arm64.msix',
      fileStatus: 'PendingUpload',
      minimumDirectXVersion: 'None',
      minimumSystemRam: 'None',
    });
    await api('PUT', `${base}/${sub.id}`, sub);
    await upload(sub.fileUploadUrl, makeZip([{ name: 'Notes_1.2.0.0_arm64.msix', data: 'p' }]));
    await api('POST', `${base}/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'Published');
    const got = (await api('GET', `${APP}/flights/${SEED_FLIGHT_ID}`)).json;
    expect(got.lastPublishedFlightSubmission).toEqual({
      id: sub.id,
      resourceLocation: `flights/${SEED_FLIGHT_ID}/submissions/${sub.id}`,
    });
    expect(em.state.submission(sub.id).resource['flightPackages']).toContainEqual(
      expect.objectContaining({ architecture: 'ARM64', version: '1.2.0.0' }),
    );

    await restart({ variant: { flightCreateIncludesSubmission: true } });
    const withSub = await api('POST', `${APP}/flights`, { friendlyName: 'Gamma' });
    expect(withSub.json.pendingFlightSubmission.id).toEqual(expect.any(String));
    expect(em.state.pendingSubmission(withSub.json.flightId)?.resource['fileUploadUrl']).toMatch(/\+/);
  });

  it('creates add-ons (409 on a reused productId) and checks the icon at commit', async () => {
    const body = { applicationIds: [SEED_APP_ID], productId: 'contoso.notes.pro', productType: 'Durable' };
    expect((await api('POST', 'inappproducts', body)).status).toBe(409);
    const created = await api('POST', 'inappproducts', { ...body, productId: 'contoso.notes.extra' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      productId: 'contoso.notes.extra',
      applications: { value: [{ id: SEED_APP_ID }], totalCount: 1 },
    });
    expect((await api('GET', `${APP}/listinappproducts`)).json.totalCount).toBe(2);

    const base = `inappproducts/${SEED_ADDON_ID}/submissions`;
    const sub = (await api('POST', base)).json;
    sub.listings.en.icon = { fileName: 'icons\\pro2.png', fileStatus: 'PendingUpload' };
    await api('PUT', `${base}/${sub.id}`, sub);
    await upload(sub.fileUploadUrl, makeZip([{ name: 'icons/pro2.png', data: 'png' }]));
    await api('POST', `${base}/${sub.id}/commit`);
    await waitFor(() => em.state.status(sub.id) === 'Published');
    expect(
      (await api('GET', `inappproducts/${SEED_ADDON_ID}`)).json.lastPublishedInAppProductSubmission.resourceLocation,
    ).toBe(`${base}/${sub.id}`);
    expect((await api('DELETE', `inappproducts/${created.json.id}`)).status).toBe(204);
  });
});

describe('faults', () => {
  it('after-effect applies the POST and loses the answer; mutatingRequests shows it', async () => {
    em.faults.add({ method: 'POST', path: /\/submissions$/, status: 500, after: 'after-effect' });
    const lost = await api('POST', `${APP}/submissions`);
    expect(lost.status).toBe(500);
    expect(lost.json.code).toBe('InternalServerError');
    expect(em.state.pendingSubmission(SEED_APP_ID)).toBeDefined();
    expect(em.mutatingRequests().map((r) => [r.method, r.status, r.fault])).toEqual([['POST', 500, 'after-effect']]);
    em.faults.add({ path: 'applications', status: 429, retryAfter: '2', times: 2 });
    expect((await api('GET', APP)).status).toBe(429);
    const second = await api('GET', APP);
    expect(second.json).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 2 seconds.' });
    expect((await api('GET', APP)).status).toBe(200);
    expect(em.faults.injected).toHaveLength(3);
  });

  it('closes idle keep-alive connections after about a second; clients reconnect', async () => {
    const socket = net.connect(Number(new URL(em.url).port), '127.0.0.1');
    const answered = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    const closedAt = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    const start = Date.now();
    socket.write(`GET /v1.0/my/${APP} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
    expect(await answered).toMatch(/^HTTP\/1.1 401 .*MS-CorrelationId: [0-9a-f-]{36}/is);
    const elapsed = (await closedAt) - start;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect((await api('GET', APP)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api('GET', APP)).status).toBe(200);
  });
});
