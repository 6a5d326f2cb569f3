import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../src/errors.js';
import { readInputs } from '../../src/commands/index.js';
import { checkChanges, type SubmissionChanges } from '../../src/submission/build.js';
import { KINDS } from '../../src/store/kinds.js';
import { lineAndColumn, parseJsonText, MAX_JSON_DEPTH, JsonSyntaxError } from '../../src/inputs/json.js';
import { INPUT_DEFAULTS } from '../../src/inputs/names.js';
import { inputErrorOf } from '../../test/support/input-error.js';

const workspace = mkdtempSync(path.join(os.tmpdir(), 'inputs-test-'));
writeFileSync(path.join(workspace, 'broken.json'), '{\n  "notesForCertification": "x",\n  "visibility": Public\n}\n');
writeFileSync(path.join(workspace, 'sub.json'), '{ "notesForCertification": "from file" }');
writeFileSync(path.join(workspace, 'ready.zip'), 'PK');
// Files of the runner outside the workspace, and links in the workspace that lead to them.
const outside = mkdtempSync(path.join(os.tmpdir(), 'inputs-outside-'));
writeFileSync(path.join(outside, 'secret.json'), '{ "notesForCertification": "runner secret" }');
writeFileSync(path.join(outside, 'secret.zip'), 'PK');
mkdirSync(path.join(outside, 'folder'));
symlinkSync(path.join(outside, 'secret.json'), path.join(workspace, 'linked.json'));
symlinkSync(path.join(outside, 'secret.zip'), path.join(workspace, 'linked.zip'));
symlinkSync(path.join(outside, 'folder'), path.join(workspace, 'linked-folder'));
const climb = path.relative(workspace, path.join(outside, 'secret.json'));

const base = {
  'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
  'client-id': '0b8a7e0c-1b2d-4c5e-9f00-112233445566',
  'client-secret': 's3cr+t/=',
  'app-id': '9NBLGGH4R315',
};

/** The parsed run flattened (command, common and the command's own inputs), as tables read best. */
async function parse(inputs: Record<string, string>): Promise<Record<string, unknown>> {
  const {
    command,
    common,
    inputs: own,
  } = await readInputs((name) => inputs[name] ?? '', { GITHUB_WORKSPACE: workspace });
  return { command, ...common, ...own };
}

/** The InputError the inputs are refused with (the test fails when they are not, or otherwise). */
function failure(inputs: Record<string, string>): Promise<InputError> {
  return inputErrorOf(() => parse(inputs));
}

describe('readInputs', () => {
  test('applies the contract defaults to a minimal app submission', async () => {
    const inputs = await parse(base);
    expect(inputs).toMatchObject({
      command: 'submit',
      target: { kind: 'app', appId: '9NBLGGH4R315' },
      authorityUrl: 'https://login.microsoftonline.com',
      apiUrl: 'https://manage.devcenter.microsoft.com',
      onPending: 'fail',
      waitFor: 'commit',
      timeoutMinutes: 60,
      pollIntervalSeconds: 30,
      dryRun: false,
      replacePackages: false,
      existingRollout: 'fail',
      contentRoot: workspace,
      packages: [],
    });
  });

  test.each([
    [
      { 'flight-id': '1b8e2d3f-0000-4000-8000-000000000001' },
      { kind: 'flight', appId: '9NBLGGH4R315', flightId: '1b8e2d3f-0000-4000-8000-000000000001' },
    ],
    [
      { 'app-id': '', 'add-on-id': '9nblggh4s12x' },
      { kind: 'add-on', addOnId: '9NBLGGH4S12X' },
    ],
  ])('resolves the target kind from %j', async (extra, expected) => {
    expect((await parse({ ...base, ...extra })).target).toEqual(expected);
  });

  test('reads packages one glob per line and release notes verbatim', async () => {
    const inputs = await parse({
      ...base,
      packages: 'out/**/*.msixupload\n\n  build/*.msix  \n',
      'release-notes': 'Line one\nLine two\n',
    });
    expect(inputs.packages).toEqual(['out/**/*.msixupload', 'build/*.msix']);
    expect(inputs.releaseNotes).toBe('Line one\nLine two');
  });

  test('reads submission-json from a file and makes its folder the content root', async () => {
    const inputs = await parse({ ...base, 'submission-json': 'sub.json' });
    expect((inputs.submissionJson as { value: unknown } | undefined)?.value).toEqual({
      notesForCertification: 'from file',
    });
    expect(inputs.contentRoot).toBe(workspace);
  });

  test('normalises dates to ISO 8601 UTC', async () => {
    const inputs = await parse({
      ...base,
      'target-publish-mode': 'specificdate',
      'target-publish-date': '2099-12-01T09:00:00+01:00',
    });
    expect(inputs.targetPublishMode).toBe('SpecificDate');
    expect(inputs.targetPublishDate).toBe('2099-12-01T08:00:00.000Z');
  });

  // The Store reads a date-time as given: one that does not exist, is over, or has no zone (the
  // runner's zone is not the user's) is refused rather than shifted or guessed.
  test.each<[string, string, RegExp]>([
    [
      'a day the month does not have',
      '2027-02-30T09:00:00Z',
      /'2027-02-30T09:00:00Z' is not a date that exists: 2027-02 has 28 days/,
    ],
    ['the 31st of a 30-day month', '2099-04-31T00:00:00+02:00', /2099-04 has 30 days/],
    ['an hour past 23', '2099-01-01T24:00:00Z', /hour 24/],
    ['year 0000', '0000-01-01T00:00:00Z', /year 0000/],
    ['a date in the past', '2020-01-01T00:00:00Z', /is in the past/],
    ['a time without a zone', '2099-01-01T09:00:00', /has no time zone/],
    ['a date without a time', '2099-01-01', /has no time zone/],
    ['an offset without a colon', '2099-01-01T09:00:00+0100', /is not an ISO 8601 date-time; .*\+01:00/],
    ['an offset past 14 hours', '2099-01-01T09:00:00+15:00', /offset \+15:00/],
  ])('refuses %s', async (_what, date, problem) => {
    for (const [name, extra] of [
      ['target-publish-date', { 'target-publish-mode': 'SpecificDate' }],
      ['mandatory-update-date', { 'mandatory-update': 'true' }],
    ] as const) {
      const error = await failure({ ...base, ...extra, [name]: date });
      expect(error.input).toBe(name);
      expect(error.message).toMatch(problem);
    }
  });

  test.each<[string, string, RegExp]>([
    [
      'targetPublishDate',
      '{"targetPublishMode": "SpecificDate", "targetPublishDate": "2027-02-30T09:00:00Z"}',
      /its targetPublishDate '2027-02-30T09:00:00Z' is not a date that exists/,
    ],
    [
      'packageDeliveryOptions.mandatoryUpdateEffectiveDate',
      '{"packageDeliveryOptions": {"isMandatoryUpdate": true, "mandatoryUpdateEffectiveDate": "2020-01-01T00:00:00Z"}}',
      /its packageDeliveryOptions\.mandatoryUpdateEffectiveDate '2020-01-01T00:00:00Z' is in the past/,
    ],
  ])("refuses submission-json's %s as the inputs' dates", async (_field, json, problem) => {
    const error = await failure({ ...base, 'submission-json': json });
    expect(error.input).toBe('submission-json');
    expect(error.message).toMatch(problem);
  });

  test("leaves submission-json's dates the Store does not read alone (the copy's unset 1601 dates)", async () => {
    const json =
      '{"targetPublishMode": "Immediate", "targetPublishDate": "1601-01-01T00:00:00Z", "packageDeliveryOptions": {"isMandatoryUpdate": false, "mandatoryUpdateEffectiveDate": "1601-01-01T00:00:00.0000000Z"}}';
    await expect(parse({ ...base, 'submission-json': json })).resolves.toBeDefined();
  });

  test('splits flight groups on commas and newlines', async () => {
    const inputs = await parse({
      ...base,
      command: 'create-flight',
      'flight-name': 'Insiders',
      'flight-groups': '111, 222\n333',
    });
    expect(inputs.flight).toEqual({ friendlyName: 'Insiders', groupIds: ['111', '222', '333'] });
  });

  test.each<[string, Record<string, string>, string, RegExp]>([
    ['a missing tenant', { 'tenant-id': '' }, 'tenant-id', /required/],
    ['a client ID that is no GUID', { 'client-id': 'my-app' }, 'client-id', /not a GUID/],
    ['an unknown command', { command: 'publish' }, 'command', /'submit'/],
    ['a Store ID of the wrong shape', { 'app-id': '12345' }, 'app-id', /12 letters and digits/],
    ['a flight ID that is no GUID', { 'flight-id': 'Insiders' }, 'flight-id', /GUID/],
    [
      'a flight without an app',
      { 'app-id': '', 'flight-id': '1b8e2d3f-0000-4000-8000-000000000001' },
      'app-id',
      /required with 'flight-id'/,
    ],
    [
      'both flight and add-on',
      { 'flight-id': '1b8e2d3f-0000-4000-8000-000000000001', 'add-on-id': '9NBLGGH4S12X' },
      'flight-id',
      /not both/,
    ],
    ['no product at all', { 'app-id': '' }, 'app-id', /needs a product/],
    ['a percentage over 100', { 'rollout-percentage': '150' }, 'rollout-percentage', /from 0 to 100/],
    ['a percentage that is text', { 'rollout-percentage': 'ten' }, 'rollout-percentage', /not a percentage/],
    ['a bad boolean', { 'dry-run': 'maybe' }, 'dry-run', /'true' or 'false'/],
    [
      'a bad date',
      { 'target-publish-mode': 'SpecificDate', 'target-publish-date': 'next friday' },
      'target-publish-date',
      /ISO 8601/,
    ],
    ['a bad wait-for', { 'wait-for': 'certification' }, 'wait-for', /'publish'/],
    ['a zero timeout', { 'timeout-minutes': '0' }, 'timeout-minutes', /minutes/],
    ['an authority that is no URL', { 'authority-url': 'login' }, 'authority-url', /not a URL/],
    ['inline JSON that is broken', { 'submission-json': '{"a": }' }, 'submission-json', /not valid JSON/],
    ['JSON that is an array', { 'submission-json': '[1]' }, 'submission-json', /JSON object/],
    [
      'a JSON path that does not exist',
      { 'submission-json': 'missing.json' },
      'submission-json',
      /neither inline JSON nor an existing file/,
    ],
    ['a zip that does not exist', { 'zip-path': 'nope.zip' }, 'zip-path', /not an existing file/],
    ['packages with a ready zip', { 'zip-path': 'ready.zip', packages: '*.msix' }, 'packages', /cannot be combined/],
    [
      'release notes for a flight',
      { 'flight-id': '1b8e2d3f-0000-4000-8000-000000000001', 'release-notes': 'x' },
      'release-notes',
      /package flights/,
    ],
    [
      'packages for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', packages: '*.msix' },
      'packages',
      /add-ons/,
    ],
    [
      'replace-packages for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', 'replace-packages': 'true' },
      'replace-packages',
      /add-ons/,
    ],
    [
      'release notes for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', 'release-notes': 'x' },
      'release-notes',
      /add-ons/,
    ],
    [
      'notes for certification for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', 'notes-for-certification': 'x' },
      'notes-for-certification',
      /add-ons/,
    ],
    [
      'a rollout percentage for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', 'rollout-percentage': '10' },
      'rollout-percentage',
      /add-ons/,
    ],
    [
      'a mandatory update for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', 'mandatory-update': 'true' },
      'mandatory-update',
      /add-ons/,
    ],
    [
      'a mandatory update date for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', 'mandatory-update-date': '2030-01-01T00:00:00Z' },
      'mandatory-update-date',
      /add-ons/,
    ],
    ['a negative percentage', { 'rollout-percentage': '-1' }, 'rollout-percentage', /from 0 to 100/],
    [
      'an impossible date',
      { 'mandatory-update': 'true', 'mandatory-update-date': '2030-13-01T00:00:00Z' },
      'mandatory-update-date',
      /ISO 8601/,
    ],
    [
      'rollout for an add-on',
      { 'app-id': '', 'add-on-id': '9NBLGGH4S12X', command: 'rollout', 'rollout-action': 'halt' },
      'add-on-id',
      /not 'rollout'/,
    ],
    [
      'a dry run of a rollout',
      { command: 'rollout', 'rollout-action': 'halt', 'dry-run': 'true' },
      'dry-run',
      /not 'rollout'/,
    ],
    // Status changes nothing, so a dry run of it is a mistake in the workflow, not a mode.
    [
      'a dry run of status',
      { command: 'status', 'dry-run': 'true' },
      'dry-run',
      /applies to 'command: submit' only, not 'status'/,
    ],
    [
      "a dry run of an MSI/EXE product's status",
      {
        command: 'status',
        'app-id': '0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d',
        'seller-id': '91234567',
        'dry-run': 'true',
      },
      'dry-run',
      /applies to 'command: submit' only, not 'status'/,
    ],
    [
      'JSON nested deeper than a Store resource',
      { 'submission-json': '['.repeat(5000) + ']'.repeat(5000) },
      'submission-json',
      /JSON object/,
    ],
    [
      'an object nested deeper than a Store resource',
      { 'submission-json': '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) },
      'submission-json',
      /levels deep/,
    ],
    ['rollout without an action', { command: 'rollout' }, 'rollout-action', /required/],
    [
      'rollout update without a percentage',
      { command: 'rollout', 'rollout-action': 'update' },
      'rollout-percentage',
      /required/,
    ],
    [
      'a percentage with halt',
      { command: 'rollout', 'rollout-action': 'halt', 'rollout-percentage': '5' },
      'rollout-percentage',
      /does not apply/,
    ],
    [
      'packages with the status command',
      { command: 'status', packages: '*.msix' },
      'packages',
      /applies to 'command: submit' and 'command: commit' only, not 'status'/,
    ],
    ['a flight without a name', { command: 'create-flight', 'flight-groups': '1' }, 'flight-name', /required/],
    ['a flight without groups', { command: 'create-flight', 'flight-name': 'Beta' }, 'flight-groups', /at least one/],
    [
      'a flight group that is not numeric',
      { command: 'create-flight', 'flight-name': 'Beta', 'flight-groups': 'testers' },
      'flight-groups',
      /flight group ID/,
    ],
    ['an add-on without JSON', { command: 'create-add-on' }, 'add-on-json', /required/],
    [
      'an add-on of an unknown type',
      { command: 'create-add-on', 'add-on-json': '{"productId":"pro","productType":"Subscription"}' },
      'add-on-json',
      /Durable/,
    ],
    [
      'an add-on with two apps',
      {
        command: 'create-add-on',
        'add-on-json': '{"productId":"pro","productType":"Durable","applicationIds":["A","B"]}',
      },
      'add-on-json',
      /exactly one/,
    ],
    ['a submission ID with letters', { command: 'status', 'submission-id': 'abc' }, 'submission-id', /digits/],
    ['an artifact name with a slash', { 'artifact-name': 'a/b' }, 'artifact-name', /character/],
  ])('rejects %s, naming the input', async (_what, extra, input, problem) => {
    const error = await failure({ ...base, ...extra });
    expect(error.input).toBe(input);
    expect(error.message).toMatch(problem);
    expect(error.message.startsWith(`Input '${input}'`)).toBe(true);
  });

  test('points a JSON syntax error in a file at its line and column', async () => {
    const error = (await failure({ ...base, 'submission-json': 'broken.json' })) as InputError & {
      position?: { line: number; column: number };
      file?: string;
    };
    expect(error.position).toEqual({ line: 3, column: 17 });
    expect(error.file).toBe(path.join(workspace, 'broken.json'));
    expect(error.message).toContain('line 3, column 17');
  });

  test('never puts the client secret into an error message', async () => {
    const error = await failure({ ...base, 'client-id': 'bad' });
    expect(error.message).not.toContain(base['client-secret']);
  });
});

describe('file inputs are read only inside the workspace', () => {
  const flight = { command: 'create-flight', 'flight-name': 'Insiders', 'flight-groups': '111' };
  test.each<[string, Record<string, string>, string]>([
    ['submission-json, a link to an outside file', { 'submission-json': 'linked.json' }, 'submission-json'],
    ['submission-json, a ../ path', { 'submission-json': climb }, 'submission-json'],
    [
      'submission-json, an absolute path outside',
      { 'submission-json': path.join(outside, 'secret.json') },
      'submission-json',
    ],
    ['zip-path, a link to an outside zip', { 'zip-path': 'linked.zip' }, 'zip-path'],
    ['zip-path, a ../ path', { 'zip-path': path.relative(workspace, path.join(outside, 'secret.zip')) }, 'zip-path'],
    ['flight-json, a link', { ...flight, 'flight-json': 'linked.json' }, 'flight-json'],
    ['add-on-json, a ../ path', { command: 'create-add-on', 'add-on-json': climb }, 'add-on-json'],
    ['content-root, a link to an outside folder', { 'content-root': 'linked-folder' }, 'content-root'],
    ['listings, a ../ path', { listings: path.relative(workspace, path.join(outside, 'folder')) }, 'listings'],
  ])('refuses %s, naming where it leads, before reading it', async (_what, inputs, input) => {
    const error = await failure({ ...base, ...inputs });
    expect(error.input).toBe(input);
    expect(error.message).toMatch(/resolves to .*inputs-outside-.*, outside the workspace \(.*inputs-test-.*\)/);
    expect(error.message).not.toContain('runner secret');
  });
});

describe('lineAndColumn', () => {
  test.each([
    ['abc', 0, { line: 1, column: 1 }],
    ['ab\ncd', 3, { line: 2, column: 1 }],
    ['ab\ncd\nef', 7, { line: 3, column: 2 }],
  ])('maps offset %#', async (text, offset, expected) => {
    expect(lineAndColumn(text, offset)).toEqual(expected);
  });
});

describe('parseJsonText', () => {
  test.each([
    ['{"a": }', { line: 1, column: 7 }],
    ['{"a": 1,}', { line: 1, column: 9 }],
    ['{"a" 1}', { line: 1, column: 6 }],
    ['{"a": 1} x', { line: 1, column: 10 }],
    ['{\n  "a": Immediate\n}', { line: 2, column: 8 }],
  ])('points the syntax error of %j at its line and column', async (text, position) => {
    let caught: unknown;
    try {
      parseJsonText('submission-json', text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JsonSyntaxError);
    expect((caught as JsonSyntaxError).position).toEqual(position);
  });

  test('refuses nesting deeper than MAX_JSON_DEPTH without overflowing the stack', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    expect(() => parseJsonText('submission-json', deep)).toThrow(/levels deep/);
    const fits = '{"a":'.repeat(MAX_JSON_DEPTH) + '1' + '}'.repeat(MAX_JSON_DEPTH);
    expect(parseJsonText('submission-json', fits)).toHaveProperty('a');
  });
});

describe('publish mode and date (checked by the submission rules, not twice)', () => {
  const changes = (extra: Partial<SubmissionChanges>): SubmissionChanges => ({
    newPackages: [],
    replacePackages: false,
    ...extra,
  });

  test('a date with SpecificDate set in submission-json is accepted by the inputs and by the rules', async () => {
    const inputs = await parse({
      ...base,
      'submission-json': '{"targetPublishMode": "SpecificDate"}',
      'target-publish-date': '2030-01-31T09:00:00Z',
    });
    expect(inputs.targetPublishDate).toBe('2030-01-31T09:00:00.000Z');
    expect(() =>
      checkChanges(
        KINDS.app,
        changes({ overlay: { targetPublishMode: 'SpecificDate' }, targetPublishDate: '2030-01-31T09:00:00.000Z' }),
      ),
    ).not.toThrow();
  });

  test.each<[string, Partial<SubmissionChanges>, RegExp]>([
    ['SpecificDate without a date', { targetPublishMode: 'SpecificDate' }, /is required/],
    [
      'a date with another mode',
      { targetPublishMode: 'Manual', targetPublishDate: '2030-01-31T09:00:00.000Z' },
      /only applies with target-publish-mode SpecificDate/,
    ],
    [
      'a date with another mode in submission-json',
      { overlay: { targetPublishMode: 'Immediate' }, targetPublishDate: '2030-01-31T09:00:00.000Z' },
      /SpecificDate/,
    ],
  ])('refuses %s before anything is read', async (_what, extra, problem) => {
    expect(() => checkChanges(KINDS.app, changes(extra))).toThrow(problem);
  });
});

describe('the input table', () => {
  test('names every input of action.yml with its default', async () => {
    const action = parseYaml(readFileSync(path.join(import.meta.dirname, '../../action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>;
    };
    const declared = Object.fromEntries(
      Object.entries(action.inputs).map(([name, spec]) => [name, spec.default ?? '']),
    );
    expect(INPUT_DEFAULTS).toEqual(declared);
  });
});

describe('defaults the runner fills in', () => {
  test('do not count as setting an input that does not apply', async () => {
    const inputs = await parse({
      ...base,
      'app-id': '',
      'add-on-id': '9NBLGGH4S12X',
      'replace-packages': 'false',
      'existing-rollout': 'fail',
    });
    expect(inputs.target).toEqual({ kind: 'add-on', addOnId: '9NBLGGH4S12X' });
  });
});

describe('an empty client-secret', () => {
  const read = (env: NodeJS.ProcessEnv) =>
    readInputs((name) => ({ ...base, 'client-secret': '' })[name as keyof typeof base] ?? '', {
      GITHUB_WORKSPACE: workspace,
      ...env,
    });

  test('without an OIDC token on offer, says first that the secret is empty, then the OIDC way', async () => {
    const error = await read({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect((error as InputError).input).toBe('client-secret');
    expect(message.startsWith("Input 'client-secret': is empty")).toBe(true);
    expect(message).toMatch(/missing or misspelled/);
    expect(message).toMatch(/forks get no secrets/);
    expect(message.indexOf('misspelled')).toBeLessThan(message.indexOf('id-token: write'));
  });

  test('with an OIDC token on offer (ACTIONS_ID_TOKEN_REQUEST_URL), signs in with it', async () => {
    expect((await read({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token' })).common.clientSecret).toBe('');
  });
});
