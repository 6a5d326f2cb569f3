/**
 * Bad inputs through the bundled action, one run each: the step fails with exit code 1 and exactly
 * one `::error::` line that names the input, and the Store sees no request that changes anything.
 * Inputs that can be judged alone fail before the action even signs in; those that need the
 * published submission (files it names) fail after reading it, still before creating anything.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SEED_ADDON_ID, SEED_APP_ID, SEED_FLIGHT_ID } from '../../test/emulator/index.js';
import { makeZip } from '../../test/emulator/zip.js';
import { writeUpload } from '../../test/support/packages.js';
import { startStack, type Stack } from '../../test/support/stack.js';

let stack: Stack;
let inputsTried = 0;
/** Files outside the workspace that links in it point at: what a pull request could try to send to the Store. */
let outside: string;

beforeAll(async () => {
  stack = await startStack();
  const w = (relative: string, content: string | Buffer) =>
    mkdir(path.dirname(path.join(stack.workspace, relative)), { recursive: true }).then(() =>
      writeFile(path.join(stack.workspace, relative), content),
    );
  await stack.file('out/ContosoNotes_1.2.0.0_x64.msixupload', 1000);
  await stack.file('mixed/ContosoNotes_1.2.0.0_x64.msixupload', 1000);
  await w('mixed/readme.txt', 'not a package');
  await stack.file('twins/x64/ContosoNotes.msixupload', 1000);
  await stack.file('twins/arm64/ContosoNotes.msixupload', 1000);
  await w('json/broken.json', BROKEN_JSON);
  await w('json/array.json', '[{"notesForCertification": "x"}]');
  await w('ready.zip', Buffer.from('PK\u0005\u0006' + '\0'.repeat(18), 'binary'));
  await w('evil.zip', makeZip([{ name: '../evil.txt', data: 'outside the zip' }]));
  await w('empty/ContosoNotes_1.2.0.0_x64.msixupload', '');
  await stack.file('unzipped/out\\ContosoNotes_1.2.0.0_x64.msixupload', 1000);
  outside = await mkdtemp(path.join(os.tmpdir(), 'store-submit-outside-'));
  await writeFile(path.join(outside, 'runner-secrets.png'), 'not for the Store');
  await writeFile(path.join(outside, 'Stolen_1.0.0.0_x64.msixupload'), 'not for the Store');
  await mkdir(path.join(stack.workspace, 'linked'), { recursive: true });
  await symlink(
    path.join(outside, 'Stolen_1.0.0.0_x64.msixupload'),
    path.join(stack.workspace, 'linked', 'Stolen_1.0.0.0_x64.msixupload'),
  );
  await mkdir(path.join(stack.workspace, 'assets', 'en-us'), { recursive: true });
  await symlink(path.join(outside, 'runner-secrets.png'), path.join(stack.workspace, 'assets', 'en-us', 'shot.png'));
  await w('listings-bad/en-us/keywords.txt', 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n');
  await w(
    'listings-bad/en-us/images/Screenshot/01-main.png',
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0]),
  );
  await w('listings-file.txt', 'a file, not a folder');
  await w('corrupt/ContosoNotes_1.3.0.0_x64.msixupload', 'not a zip at all');
  await stack.package('stranger/Fabrikam_1.3.0.0_x64.msixupload', { name: 'Fabrikam.Stranger' });
  await stack.file('revision/ContosoNotes_2.0.0.1_x64.msixupload', 1000);
  await writeUpload(path.join(stack.workspace, 'android/ContosoNotes_1.4.0.0_x64.msixupload'), {
    package: { version: '1.4.0.0', deviceFamilies: [{ name: 'Google.Android.All' }] },
  });
  // A listings folder outside the workspace, which `listings-outside` in the workspace links to.
  await mkdir(path.join(outside, 'listings', 'en-us'), { recursive: true });
  await writeFile(path.join(outside, 'listings/en-us/description.txt'), 'Read from outside the workspace');
  await symlink(path.join(outside, 'listings'), path.join(stack.workspace, 'listings-outside'));
  // JSON and a zip of the runner's, linked from the workspace or named with '../'.
  await writeFile(path.join(outside, 'runner.json'), '{"notesForCertification": "not for the Store"}');
  await writeFile(path.join(outside, 'runner.zip'), Buffer.from('PK\u0005\u0006' + '\0'.repeat(18), 'binary'));
  await symlink(path.join(outside, 'runner.json'), path.join(stack.workspace, 'json', 'linked.json'));
  await symlink(path.join(outside, 'runner.zip'), path.join(stack.workspace, 'linked.zip'));
  CLIMB_INPUTS['submission-json'] = path.relative(stack.workspace, path.join(outside, 'runner.json'));
});

afterAll(async () => {
  if (stack) {
    console.log(
      `bad-inputs suite: ${inputsTried} bad inputs tried, ${stack.emulator.requests.length} requests made to the emulator ` +
        `(${stack.emulator.mutatingRequests().length} mutating), ${stack.emulator.faults.injected.length} faults injected`,
    );
    await stack.stop();
  }
  if (outside) await rm(outside, { recursive: true, force: true });
});

/** Line 3 has a bare word where a value belongs. */
const BROKEN_JSON =
  '{\n  "notesForCertification": "Sign in with the test account.",\n  "targetPublishMode": Immediate\n}\n';

const image = (fileName: string) => ({
  listings: {
    'en-us': {
      baseListing: { images: [{ fileName, fileStatus: 'PendingUpload', imageType: 'Screenshot', description: '' }] },
    },
  },
});

interface Case {
  what: string;
  inputs: Record<string, string>;
  /** The input the error must name. */
  input: string;
  /** Also in the message. */
  says?: RegExp;
  /** The action may read the Store first (the check needs the published submission); default: no request at all. */
  reads?: boolean;
}

const app = { 'app-id': SEED_APP_ID };
const pkg = { ...app, packages: 'out/*.msixupload' };

/** submission-json as a '../' path to the outside folder's runner.json, set in beforeAll. */
const CLIMB_INPUTS: Record<string, string> = { ...pkg };

const CASES: Case[] = [
  { what: 'tenant-id missing', inputs: { ...pkg, 'tenant-id': '' }, input: 'tenant-id', says: /is required/ },
  { what: 'tenant-id neither GUID nor domain', inputs: { ...pkg, 'tenant-id': 'contoso tenant' }, input: 'tenant-id' },
  { what: 'client-id missing', inputs: { ...pkg, 'client-id': '' }, input: 'client-id', says: /is required/ },
  {
    what: 'client-id not a GUID',
    inputs: { ...pkg, 'client-id': 'store-uploader' },
    input: 'client-id',
    says: /not a GUID/,
  },
  {
    what: 'unknown command',
    inputs: { ...pkg, command: 'publish' },
    input: 'command',
    says: /'publish' is not one of 'submit'/,
  },
  { what: 'app-id not a Store ID', inputs: { ...pkg, 'app-id': '9NBLGG' }, input: 'app-id', says: /not a Store ID/ },
  { what: 'submit without a product', inputs: { packages: 'out/*.msixupload', 'app-id': '' }, input: 'app-id' },
  {
    what: 'wait-for invalid',
    inputs: { ...pkg, 'wait-for': 'forever' },
    input: 'wait-for',
    says: /'forever' is not one of 'none', 'commit', 'publish'/,
  },
  {
    what: 'rollout-percentage 150',
    inputs: { ...pkg, 'rollout-percentage': '150' },
    input: 'rollout-percentage',
    says: /from 0 to 100/,
  },
  {
    what: 'rollout-percentage not a number',
    inputs: { ...pkg, 'rollout-percentage': '10%' },
    input: 'rollout-percentage',
  },
  {
    what: 'SpecificDate without a date',
    inputs: { ...pkg, 'target-publish-mode': 'SpecificDate' },
    input: 'target-publish-date',
    says: /is required/,
  },
  {
    what: 'target-publish-mode unknown',
    inputs: { ...pkg, 'target-publish-mode': 'Tomorrow' },
    input: 'target-publish-mode',
  },
  {
    what: 'target-publish-date not ISO 8601',
    inputs: { ...pkg, 'target-publish-mode': 'SpecificDate', 'target-publish-date': '12/01/2026' },
    input: 'target-publish-date',
    says: /ISO 8601/,
  },
  {
    what: 'mandatory-update not a boolean',
    inputs: { ...pkg, 'mandatory-update': 'sometimes' },
    input: 'mandatory-update',
  },
  {
    what: 'mandatory-update-date with mandatory-update false',
    inputs: { ...pkg, 'mandatory-update': 'false', 'mandatory-update-date': '2026-12-01T09:00:00Z' },
    input: 'mandatory-update-date',
  },
  {
    what: 'malformed inline submission-json',
    inputs: { ...app, 'submission-json': '{"notesForCertification": "x",}' },
    input: 'submission-json',
    says: /not valid JSON \(line 1, column \d+\)/,
  },
  {
    what: 'submission-json neither JSON nor a file',
    inputs: { ...app, 'submission-json': 'json/missing.json' },
    input: 'submission-json',
    says: /neither inline JSON nor an existing file/,
  },
  {
    what: 'submission-json file holding an array',
    inputs: { ...app, 'submission-json': 'json/array.json' },
    input: 'submission-json',
    says: /must be a JSON object/,
  },
  {
    what: 'packages glob matching nothing',
    inputs: { ...app, packages: 'build/**/*.msixupload' },
    input: 'packages',
    says: /matches no file/,
  },
  {
    what: 'packages glob matching a non-package file',
    inputs: { ...app, packages: 'mixed/*' },
    input: 'packages',
    says: /readme\.txt, which is not a package/,
  },
  {
    what: 'two packages with one file name: both paths',
    inputs: { ...app, packages: 'twins/**/*.msixupload' },
    input: 'packages',
    says: /twins\/arm64\/ContosoNotes\.msixupload and twins\/x64\/ContosoNotes\.msixupload have the same file name/,
  },
  {
    what: 'an empty package',
    inputs: { ...app, packages: 'empty/*.msixupload' },
    input: 'packages',
    says: /empty\/ContosoNotes_1\.2\.0\.0_x64\.msixupload is empty \(0 bytes\)/,
  },
  {
    what: 'a package whose file name holds a backslash',
    inputs: { ...app, packages: 'unzipped/*.msixupload' },
    input: 'packages',
    says: /whose file name contains '\\', a Windows path separator/,
  },
  {
    what: 'a package link whose real path leaves the workspace',
    inputs: { ...app, packages: 'linked/*.msixupload' },
    input: 'packages',
    says: /a symbolic link to .*Stolen_1\.0\.0\.0_x64\.msixupload, outside the workspace/,
  },
  {
    what: 'an image link whose real path leaves content-root',
    inputs: { ...app, 'content-root': 'assets', 'submission-json': JSON.stringify(image('en-us/shot.png')) },
    input: 'submission-json',
    says: /a symbolic link to .*runner-secrets\.png, outside content-root/,
    reads: true,
  },
  {
    what: 'a zip-path entry climbing out of the zip',
    inputs: { ...app, 'zip-path': 'evil.zip' },
    input: 'zip-path',
    says: /"\.\.\/evil\.txt" contains a '\.\.' segment/,
    reads: true,
  },
  {
    what: 'client-secret empty, and no OIDC token on offer',
    inputs: { ...pkg, 'client-secret': '' },
    input: 'client-secret',
    says: /^Input 'client-secret': is empty, .*missing or misspelled.*forks get no secrets.*id-token: write/,
  },
  {
    what: 'an image the JSON names missing under content-root',
    inputs: { ...app, 'submission-json': JSON.stringify(image('en-us/NewScreenshot.png')) },
    input: 'submission-json',
    says: /en-us\/NewScreenshot\.png.*does not exist/,
    reads: true,
  },
  {
    what: 'an image path climbing out of the zip',
    inputs: { ...app, 'submission-json': JSON.stringify(image('../x.png')) },
    input: 'submission-json',
    says: /"\.\.\/x\.png" contains a '\.\.' segment/,
    reads: true,
  },
  {
    what: 'an absolute Windows image path',
    inputs: { ...app, 'submission-json': JSON.stringify(image('C:\\x.png')) },
    input: 'submission-json',
    says: /starts with a drive letter/,
    reads: true,
  },
  {
    what: 'release-notes on a package flight',
    inputs: { ...pkg, 'flight-id': SEED_FLIGHT_ID, 'release-notes': 'New!' },
    input: 'release-notes',
    says: /package flights/,
  },
  {
    what: 'packages for an add-on',
    inputs: { 'add-on-id': SEED_ADDON_ID, packages: 'out/*.msixupload' },
    input: 'packages',
    says: /add-ons/,
  },
  {
    what: 'zip-path missing',
    inputs: { ...app, 'zip-path': 'build/missing.zip' },
    input: 'zip-path',
    says: /not an existing file/,
  },
  {
    what: 'zip-path with packages',
    inputs: { ...pkg, 'zip-path': 'ready.zip' },
    input: 'packages',
    says: /cannot be combined with 'zip-path'/,
  },
  {
    what: 'flight-id not a GUID',
    inputs: { ...pkg, 'flight-id': 'beta' },
    input: 'flight-id',
    says: /not a flight ID/,
  },
  {
    what: 'flight-id and add-on-id together',
    inputs: { ...app, 'flight-id': SEED_FLIGHT_ID, 'add-on-id': SEED_ADDON_ID },
    input: 'flight-id',
    says: /not both/,
  },
  {
    what: 'existing-rollout invalid',
    inputs: { ...pkg, 'existing-rollout': 'ignore' },
    input: 'existing-rollout',
    says: /'ignore' is not one of 'fail', 'finalize', 'halt'/,
  },
  { what: 'on-pending invalid', inputs: { ...pkg, 'on-pending': 'replace' }, input: 'on-pending' },
  {
    what: 'timeout-minutes 0',
    inputs: { ...pkg, 'timeout-minutes': '0' },
    input: 'timeout-minutes',
    says: /'0' is not a number of minutes from 0\.05/,
  },
  {
    what: 'poll-interval-seconds negative',
    inputs: { ...pkg, 'poll-interval-seconds': '-5' },
    input: 'poll-interval-seconds',
  },
  { what: 'dry-run not a boolean', inputs: { ...pkg, 'dry-run': 'perhaps' }, input: 'dry-run' },
  {
    what: 'replace-packages without packages',
    inputs: { ...app, 'replace-packages': 'true' },
    input: 'replace-packages',
  },
  {
    what: 'authority-url not a URL',
    inputs: { ...pkg, 'authority-url': 'login.microsoftonline.com' },
    input: 'authority-url',
  },
  { what: 'api-url with a query', inputs: { ...pkg, 'api-url': `${'http://127.0.0.1:1'}/?x=1` }, input: 'api-url' },
  { what: 'content-root not a folder', inputs: { ...pkg, 'content-root': 'assets/missing' }, input: 'content-root' },
  { what: 'artifact-name with a slash', inputs: { ...pkg, 'artifact-name': 'store/record' }, input: 'artifact-name' },
  {
    what: 'submission-id not digits',
    inputs: { ...app, command: 'status', 'submission-id': 'latest' },
    input: 'submission-id',
  },
  { what: 'rollout without rollout-action', inputs: { ...app, command: 'rollout' }, input: 'rollout-action' },
  {
    what: 'rollout update without a percentage',
    inputs: { ...app, command: 'rollout', 'rollout-action': 'update' },
    input: 'rollout-percentage',
  },
  {
    what: 'release-notes with command status',
    inputs: { ...app, command: 'status', 'release-notes': 'x' },
    input: 'release-notes',
    says: /applies to 'command: submit' only/,
  },
  {
    what: 'create-flight without flight groups',
    inputs: { ...app, command: 'create-flight', 'flight-name': 'Beta' },
    input: 'flight-groups',
  },
  {
    what: 'flight group that is not an ID',
    inputs: { ...app, command: 'create-flight', 'flight-name': 'Beta', 'flight-groups': 'insiders' },
    input: 'flight-groups',
  },
  {
    what: 'keep-package-versions 0',
    inputs: { ...pkg, 'keep-package-versions': '0' },
    input: 'keep-package-versions',
    says: /'0' is not a whole number of at least 1/,
  },
  {
    what: 'keep-package-versions not a whole number',
    inputs: { ...pkg, 'keep-package-versions': '2.5' },
    input: 'keep-package-versions',
  },
  {
    what: 'keep-package-versions for an add-on',
    inputs: { 'add-on-id': SEED_ADDON_ID, 'keep-package-versions': '2' },
    input: 'keep-package-versions',
    says: /add-ons/,
  },
  {
    what: 'listings for a package flight',
    inputs: { ...pkg, 'flight-id': SEED_FLIGHT_ID, listings: 'listings-bad' },
    input: 'listings',
    says: /package flights/,
  },
  {
    what: 'listings naming a file',
    inputs: { ...app, listings: 'listings-file.txt' },
    input: 'listings',
    says: /not an existing folder/,
  },
  {
    what: 'listings with zip-path',
    inputs: { ...app, listings: 'listings-bad', 'zip-path': 'ready.zip' },
    input: 'listings',
    says: /cannot be combined with 'zip-path'/,
  },
  {
    what: 'listings over a Store limit and with a JPEG named .png',
    inputs: { ...app, listings: 'listings-bad' },
    input: 'listings',
    says: /2 problems in the listings folder(?=.*keywords\.txt: has 8 items)(?=.*01-main\.png: is not a PNG image)/,
  },
  {
    what: 'listings linking to a folder outside the workspace',
    inputs: { ...app, listings: 'listings-outside' },
    input: 'listings',
    says: /'listings-outside' resolves to .*, outside the workspace/,
  },
  {
    what: 'submission-json a link to a file outside the workspace',
    inputs: { ...pkg, 'submission-json': 'json/linked.json', 'dry-run': 'true' },
    input: 'submission-json',
    says: /'json\/linked\.json' resolves to .*runner\.json, outside the workspace .*copy the file or folder into it/,
  },
  {
    what: "submission-json a '../' path out of the workspace",
    // The path up to the outside folder is known once it is made (beforeAll).
    inputs: CLIMB_INPUTS,
    input: 'submission-json',
    says: /'\.\.\/store-submit-outside-\w+\/runner\.json' resolves to .*runner\.json, outside the workspace/,
  },
  {
    what: 'zip-path a link to a zip outside the workspace',
    inputs: { ...app, 'zip-path': 'linked.zip' },
    input: 'zip-path',
    says: /'linked\.zip' resolves to .*runner\.zip, outside the workspace/,
  },
  {
    what: 'flight-json a link to a file outside the workspace',
    inputs: {
      ...app,
      command: 'create-flight',
      'flight-name': 'Insiders',
      'flight-groups': '1152921504606962205',
      'flight-json': 'json/linked.json',
    },
    input: 'flight-json',
    says: /resolves to .*runner\.json, outside the workspace/,
  },
  {
    what: 'add-on-json a link to a file outside the workspace',
    inputs: { ...app, command: 'create-add-on', 'add-on-json': 'json/linked.json' },
    input: 'add-on-json',
    says: /resolves to .*runner\.json, outside the workspace/,
  },
  {
    what: 'a publish date that does not exist (it would be shifted to 2 March)',
    inputs: { ...pkg, 'target-publish-mode': 'SpecificDate', 'target-publish-date': '2027-02-30T09:00:00Z' },
    input: 'target-publish-date',
    says: /'2027-02-30T09:00:00Z' is not a date that exists: 2027-02 has 28 days/,
  },
  {
    what: 'a publish date in the past',
    inputs: { ...pkg, 'target-publish-mode': 'SpecificDate', 'target-publish-date': '2020-06-01T09:00:00Z' },
    input: 'target-publish-date',
    says: /is in the past/,
  },
  {
    what: 'a mandatory update date without a zone',
    inputs: { ...pkg, 'mandatory-update': 'true', 'mandatory-update-date': '2099-06-01T09:00:00' },
    input: 'mandatory-update-date',
    says: /has no time zone/,
  },
  {
    what: 'a package file that is not a zip',
    inputs: { ...app, packages: 'corrupt/*.msixupload' },
    input: 'packages',
    says: /ContosoNotes_1\.3\.0\.0_x64\.msixupload is not a readable package/,
    reads: true,
  },
  {
    what: "a package of another app's identity",
    inputs: { ...app, packages: 'stranger/*.msixupload' },
    input: 'packages',
    says: /'Fabrikam\.Stranger' but app 9NBLGGH4R315's packageIdentityName is 'Contoso\.ContosoNotes'/,
    reads: true,
  },
  {
    what: 'a package version whose fourth part is not 0 (the Store refuses it only at commit), in a dry run too',
    inputs: { ...app, packages: 'revision/*.msixupload', 'dry-run': 'true' },
    input: 'packages',
    says: /ContosoNotes_2\.0\.0\.1_x64\.msixupload: its package ContosoNotes_2\.0\.0\.1_x64\.msix: version '2\.0\.0\.1' has a fourth part other than 0; .*X\.Y\.Z\.0, such as 2\.0\.1\.0/,
    reads: true,
  },
  {
    what: 'a package for Android only',
    inputs: { ...app, packages: 'android/*.msixupload' },
    input: 'packages',
    says: /its package ContosoNotes_1\.4\.0\.0_x64\.msix targets only Google\.Android\.All: no Windows device family/,
    reads: true,
  },
  {
    what: 'add-on-json without productType',
    inputs: { ...app, command: 'create-add-on', 'add-on-json': '{"productId": "extra-pens"}' },
    input: 'add-on-json',
    says: /productType/,
  },
];

describe('a bad input fails the step before anything changes in the Store', () => {
  test.each(CASES.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    inputsTried += 1;
    const mutating = stack.emulator.mutatingRequests().length;
    const requests = stack.emulator.requests.length;
    const run = await stack.run(c.inputs);
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    const line = run.errorLines[0] as string;
    // The message itself (not only the annotation title) starts by naming the input.
    const message = line.slice(line.indexOf('::', 2) + 2);
    expect(message.startsWith(`Input '${c.input}': `)).toBe(true);
    if (c.says) expect(message).toMatch(c.says);
    // Named once: the title does not repeat the message's "Input 'x': ".
    expect(line).toContain('::error title=Invalid input::');
    expect(line.split(`Input '${c.input}'`)).toHaveLength(2);
    expect(stack.emulator.mutatingRequests().length).toBe(mutating);
    if (!c.reads) expect(stack.emulator.requests.slice(requests)).toEqual([]);
    expect(run.outputs['submission-id'] ?? '').toBe('');
    expect(run.summary).toContain('❌');
    // Nothing of the runner's files outside the workspace was read into the log or the summary.
    expect(`${run.stdout}${run.summary}`).not.toContain('not for the Store');
  });

  test('malformed submission-json in a file: the annotation points at its file, line and column', async () => {
    inputsTried += 1;
    const mutating = stack.emulator.mutatingRequests().length;
    const requests = stack.emulator.requests.length;
    const run = await stack.run({ ...app, 'submission-json': 'json/broken.json' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    const file = path.join(stack.workspace, 'json/broken.json');
    // Line 3, the bare word: `  "targetPublishMode": Immediate` has its first bad character at column 24.
    const column = '  "targetPublishMode": I'.length;
    const line = run.errorLines[0] as string;
    const [properties = '', message = ''] = line.replace(/^::error /, '').split('::');
    expect(properties.split(',')).toEqual(
      expect.arrayContaining([`file=${file}`, 'line=3', `col=${column}`, 'title=Invalid input']),
    );
    expect(message).toContain(`Input 'submission-json': is not valid JSON (${file}: line 3, column ${column})`);
    expect(stack.emulator.mutatingRequests().length).toBe(mutating);
    expect(stack.emulator.requests.slice(requests)).toEqual([]);
  });

  test('the table covers enough inputs', () => {
    expect(new Set(CASES.map((c) => c.input)).size).toBeGreaterThanOrEqual(25);
    expect(CASES.length + 1).toBeGreaterThanOrEqual(25);
  });
});
