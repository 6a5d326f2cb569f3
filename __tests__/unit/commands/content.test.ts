/**
 * The submit command's content inputs and checks: parsing `listings` and `keep-package-versions`,
 * reading real packages before any request, checking them against the app and the submission
 * (with the entries a continued submission holds left out), and the summary sections.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkNewPackages, prepareContent, recordBuilt } from '../../../src/commands/content.js';
import type { RunContext } from '../../../src/commands/context.js';
import type { FileToUpload } from '../../../src/commands/files.js';
import { readInputs } from '../../../src/commands/index.js';
import { InputError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';
import { RunRecord } from '../../../src/report/record.js';
import { renderSummary } from '../../../src/report/summary.js';
import { RunStopped } from '../../../src/stop.js';
import type { StoreClient } from '../../../src/store/client.js';
import { KINDS, type Target } from '../../../src/store/kinds.js';
import { DEFAULT_FAMILY_NAME, DEFAULT_IDENTITY, writeNamedPackage } from '../../../test/support/packages.js';
import { inputErrorOf } from '../../../test/support/input-error.js';
import { unitRunContext } from '../../../test/support/run-context.js';

const workspace = mkdtempSync(path.join(os.tmpdir(), 'content-test-'));
mkdirSync(path.join(workspace, 'store/listings/en-us'), { recursive: true });
writeFileSync(path.join(workspace, 'store/listings/en-us/description.txt'), 'Notes.');
writeFileSync(path.join(workspace, 'ready.zip'), 'PK');
afterAll(() => rm(workspace, { recursive: true, force: true }));

const base = {
  'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
  'client-id': '0b8a7e0c-1b2d-4c5e-9f00-112233445566',
  'client-secret': 'not-a-real-secret',
  'app-id': '9NBLGGH4R315',
};
const FLIGHT_ID = '7bfc11d5-f710-47c5-8a98-e04bb5aad310';

async function parse(inputs: Record<string, string>): Promise<Record<string, unknown>> {
  const { inputs: own } = await readInputs((name) => ({ ...base, ...inputs })[name] ?? '', {
    GITHUB_WORKSPACE: workspace,
  });
  return own as unknown as Record<string, unknown>;
}

/** The InputError the inputs are refused with (the test fails when they are not, or otherwise). */
function failure(inputs: Record<string, string>): Promise<InputError> {
  return inputErrorOf(() => parse(inputs));
}

describe('listings and keep-package-versions inputs', () => {
  test('read as an absolute folder and a whole number; absent, neither is set', async () => {
    expect(await parse({ listings: 'store/listings', 'keep-package-versions': '3' })).toMatchObject({
      listings: path.join(workspace, 'store/listings'),
      keepPackageVersions: 3,
    });
    expect(await parse({})).toMatchObject({ listings: undefined, keepPackageVersions: undefined });
    expect(await parse({ 'flight-id': FLIGHT_ID, 'keep-package-versions': '1' })).toMatchObject({
      keepPackageVersions: 1,
    });
  });

  test.each([
    [
      'keep-package-versions 0',
      { 'keep-package-versions': '0' },
      'keep-package-versions',
      /'0' is not a whole number of at least 1/,
    ],
    [
      'keep-package-versions 1.5',
      { 'keep-package-versions': '1.5' },
      'keep-package-versions',
      /'1\.5' is not a whole number/,
    ],
    [
      'keep-package-versions -2',
      { 'keep-package-versions': '-2' },
      'keep-package-versions',
      /'-2' is not a whole number/,
    ],
    [
      'keep-package-versions for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', 'keep-package-versions': '2' },
      'keep-package-versions',
      /only to apps and package flights/,
    ],
    ['listings missing', { listings: 'store/nothing' }, 'listings', /not an existing folder/],
    [
      'listings with zip-path',
      { listings: 'store/listings', 'zip-path': 'ready.zip' },
      'listings',
      /cannot be combined with 'zip-path'/,
    ],
    [
      'listings for a flight',
      { 'flight-id': FLIGHT_ID, listings: 'store/listings' },
      'listings',
      /only to apps and add-ons/,
    ],
  ])('%s fails naming the input', async (_what, inputs, input, says) => {
    const error = await failure(inputs);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(says);
  });
});

/** A run context whose Store answers getProduct for the app (flights read it) and records the calls. */
function context(app: JsonObject): { ctx: RunContext; gets: Target[]; warnings: string[]; infos: string[] } {
  const gets: Target[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const store = {
    getProduct: (target: Target) => {
      gets.push(target);
      return Promise.resolve(app);
    },
  } as unknown as StoreClient;
  const ctx = unitRunContext(store, {
    info: (message) => infos.push(message),
    warning: (message) => warnings.push(message),
    debug: () => undefined,
  });
  return { ctx, gets, warnings, infos };
}

const APP: JsonObject = {
  id: '9NBLGGH4R315',
  packageIdentityName: DEFAULT_IDENTITY.name,
  packageFamilyName: DEFAULT_FAMILY_NAME,
};

async function packageFiles(names: string[]): Promise<FileToUpload[]> {
  const folder = mkdtempSync(path.join(workspace, 'packages-'));
  const files: FileToUpload[] = [];
  for (const name of names) {
    const file = path.join(folder, name);
    if (name.endsWith('.xap')) writeFileSync(file, 'xap');
    else await writeNamedPackage(file, 2048);
    files.push({ name, path: file, size: 0 });
  }
  return files;
}

const PUBLISHED: JsonObject = {
  applicationPackages: [
    {
      fileName: 'ContosoNotes_2.0.0.0_x64.msixupload',
      fileStatus: 'Uploaded',
      version: '2.0.0.0',
      architecture: 'x64',
    },
    {
      fileName: 'ContosoNotes_1.0.0.0_arm64.msixupload',
      fileStatus: 'Uploaded',
      version: '1.0.0.0',
      architecture: 'ARM64',
    },
  ],
};

describe('prepareContent', () => {
  test('a run stopped while a package is read ends the read, and its phase names that package', async () => {
    const { ctx } = context(APP);
    const controller = new AbortController();
    const stopped = new RunStopped('timeout', '0.5');
    let phase = '';
    // The stop arrives as the read of the first package starts.
    Object.defineProperty(ctx.record, 'phase', {
      get: () => phase,
      set: (value: string) => {
        phase = value;
        controller.abort(stopped);
      },
    });
    const packages = await packageFiles([
      'ContosoNotes_2.1.0.0_x64.msixupload',
      'ContosoNotes_2.1.0.0_arm64.msixupload',
    ]);
    await expect(
      prepareContent(
        { ...ctx, signal: controller.signal },
        { listings: undefined, keepPackageVersions: undefined, workspace },
        { kind: 'app', appId: '9NBLGGH4R315' },
        packages,
      ),
    ).rejects.toBe(stopped);
    expect(phase).toBe('Read package ContosoNotes_2.1.0.0_x64.msixupload');
  });
});

describe('checkNewPackages', () => {
  const target: Target = { kind: 'app', appId: '9NBLGGH4R315' };

  test('records every package from its manifest and warns on a version lower than the published one', async () => {
    const { ctx, gets, warnings } = context(APP);
    const packages = await packageFiles(['ContosoNotes_1.5.0.0_x64_arm64.msixbundle', 'Old.xap']);
    const content = await prepareContent(
      ctx,
      { listings: undefined, keepPackageVersions: undefined, workspace },
      target,
      packages,
    );
    await checkNewPackages(ctx, target, KINDS.app, content, APP, PUBLISHED);
    expect(gets).toEqual([]);
    expect(ctx.record.packages).toEqual([
      {
        file: 'ContosoNotes_1.5.0.0_x64_arm64.msixbundle',
        identity: DEFAULT_IDENTITY.name,
        publisher: DEFAULT_IDENTITY.publisher,
        version: '1.5.0.0',
        architectures: ['x64', 'arm64'],
        deviceFamilies: ['Windows.Desktop'],
      },
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/^packages: Old\.xap is not checked/),
      expect.stringMatching(
        /^packages: ContosoNotes_1\.5\.0\.0_x64_arm64\.msixbundle: version 1\.5\.0\.0 for x64 is lower than 2\.0\.0\.0/,
      ),
    ]);
    expect(ctx.record.warnings).toEqual(warnings);
  });

  // The live API's app resource spells the family name with a capital P, and carries publisherName
  // (docs/store-api.md#what-the-live-services-send): the publisher is checked in that form too.
  test.each([
    ['PackageFamilyName (the live spelling)', { PackageFamilyName: DEFAULT_FAMILY_NAME }],
    ['publisherName alone', { publisherName: 'CN=Contoso Live Publisher' }],
  ])('the publisher is checked against %s', async (_name, fields) => {
    const live: JsonObject = { id: '9NBLGGH4R315', packageIdentityName: DEFAULT_IDENTITY.name, ...fields };
    const { ctx, warnings } = context(live);
    const packages = await packageFiles(['ContosoNotes_7.0.0.0_x64.msixupload']);
    const content = await prepareContent(
      ctx,
      { listings: undefined, keepPackageVersions: undefined, workspace },
      target,
      packages,
    );
    const error = await checkNewPackages(ctx, target, KINDS.app, content, live, PUBLISHED).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(warnings.join('\n')).not.toMatch(/publisher not checked/);
    if ('publisherName' in fields) {
      // The package is signed by DEFAULT_IDENTITY.publisher, not by the app's publisher: refused, naming both.
      expect((error as InputError).message).toMatch(
        /its publisher 'CN=4AB1C2D3-0000-4000-8000-00000000C0DE' differs from app 9NBLGGH4R315's publisher 'CN=Contoso Live Publisher'/,
      );
    } else expect(error).toBeUndefined();
  });

  test('a version already in the submission is refused unless the entry is one a continued submission holds', async () => {
    const { ctx } = context(APP);
    const packages = await packageFiles(['ContosoNotes_2.0.0.0_x64.msixupload']);
    const content = await prepareContent(
      ctx,
      { listings: undefined, keepPackageVersions: undefined, workspace },
      target,
      packages,
    );
    const error = await checkNewPackages(ctx, target, KINDS.app, content, APP, PUBLISHED).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('packages');
    expect((error as InputError).message).toMatch(
      /ContosoNotes_2\.0\.0\.0_x64\.msixupload: version 2\.0\.0\.0 for x64 is already in the submission as ContosoNotes_2\.0\.0\.0_x64\.msixupload/,
    );
    // The continued submission's own entry (compared by last path segment, ignoring case) does not count.
    await expect(
      checkNewPackages(ctx, target, KINDS.app, content, APP, PUBLISHED, {
        ignoreFileNames: ['out/x64/contosonotes_2.0.0.0_X64.msixupload'],
      }),
    ).resolves.toBeUndefined();
  });

  test('a package flight is checked against the app identity, read from the app', async () => {
    const { ctx, gets } = context({ ...APP, packageIdentityName: 'Contoso.Other' });
    const flight: Target = { kind: 'flight', appId: '9NBLGGH4R315', flightId: FLIGHT_ID };
    const packages = await packageFiles(['ContosoNotes_3.0.0.0_x64.msixupload']);
    const content = await prepareContent(
      ctx,
      { listings: undefined, keepPackageVersions: undefined, workspace },
      flight,
      packages,
    );
    const error = await checkNewPackages(ctx, flight, KINDS.flight, content, { flightId: FLIGHT_ID }, undefined).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(gets).toEqual([{ kind: 'app', appId: '9NBLGGH4R315' }]);
    expect((error as InputError).message).toMatch(
      /its identity name is 'Contoso\.ContosoNotes' but app 9NBLGGH4R315's packageIdentityName is 'Contoso\.Other'/,
    );
  });

  test('no package: nothing is read or recorded', async () => {
    const { ctx, gets } = context(APP);
    const content = await prepareContent(
      ctx,
      { listings: undefined, keepPackageVersions: undefined, workspace },
      target,
      [],
    );
    await checkNewPackages(ctx, target, KINDS.app, content, APP, PUBLISHED);
    expect(content.readings).toEqual([]);
    expect(gets).toEqual([]);
    expect(ctx.record.packages).toEqual([]);
  });
});

describe('recordBuilt', () => {
  test('records the outcome of each build and logs it again only when it differs', async () => {
    const { ctx, infos } = context(APP);
    const removed = [
      { fileName: 'A_1.0.0.0_x64.msixupload', version: '1.0.0.0', architectures: ['x64'], deviceFamilies: [] },
    ];
    const preview = {
      submission: {},
      warnings: [],
      listings: {
        languagesAdded: ['fr-fr'],
        imagesKept: [],
        imagesUploaded: ['listings/fr-fr/Screenshot/a.0123456789ab.png'],
      },
      retention: { keep: 1, removed, unjudged: [] },
    };
    recordBuilt(ctx, preview);
    recordBuilt(ctx, structuredClone(preview));
    expect(infos).toEqual([
      'Listings: languages added fr-fr; 0 image(s) unchanged and kept, 1 new image(s) to upload',
      'keep-package-versions 1: marked PendingDelete A_1.0.0.0_x64.msixupload (1.0.0.0, x64)',
    ]);
    const real = { ...preview, retention: { keep: 1, removed: [], unjudged: [] } };
    recordBuilt(ctx, real);
    expect(infos.slice(2)).toEqual([
      'keep-package-versions 1: no package is older than the 1 newest version(s) of its architecture and device family',
    ]);
    expect(ctx.record.retention).toEqual(real.retention);
    expect(ctx.record.listings).toEqual(preview.listings);
  });
});

describe('the summary', () => {
  test('lists the packages, what retention removed and what the listings folder did', async () => {
    const record = new RunRecord();
    record.command = 'submit';
    record.succeeded = true;
    record.packages.push({
      file: 'A_2.0.0.0_x64.msixupload',
      identity: 'Contoso.A',
      publisher: 'CN=C',
      version: '2.0.0.0',
      architectures: ['x64', 'arm64'],
      deviceFamilies: ['Windows.Desktop'],
    });
    record.retention = {
      keep: 1,
      removed: [
        {
          fileName: 'A_1.0.0.0_x64.msixupload',
          version: '1.0.0.0',
          architectures: ['x64'],
          deviceFamilies: ['Windows.Desktop'],
        },
      ],
      unjudged: [],
    };
    record.listings = {
      languagesAdded: ['fr-fr'],
      imagesKept: ['en-us/Screenshot/listings/en-us/Screenshot/01.0123456789ab.png'],
      imagesUploaded: [],
    };
    const markdown = renderSummary(record);
    for (const line of [
      '| A_2.0.0.0_x64.msixupload | Contoso.A | 2.0.0.0 | x64, arm64 | Windows.Desktop |',
      '### Retention (keep-package-versions: 1)',
      'Marked PendingDelete:',
      '| A_1.0.0.0_x64.msixupload | 1.0.0.0 | x64 | Windows.Desktop |',
      '- Languages added: fr-fr',
      '- Images unchanged and kept (not uploaded again): `en-us/Screenshot/listings/en-us/Screenshot/01.0123456789ab.png`',
      '- New images uploaded: none',
    ]) {
      expect(markdown.split('\n')).toContain(line);
    }
  });

  test('says so when retention removed nothing, and leaves the sections out when unused', async () => {
    const record = new RunRecord();
    record.retention = { keep: 3, removed: [], unjudged: [] };
    expect(renderSummary(record)).toContain('No package removed: none is older than the 3 newest version(s)');
    const plain = renderSummary(new RunRecord());
    expect(plain).not.toMatch(/### (Packages|Retention|Listings folder)/);
  });
});
