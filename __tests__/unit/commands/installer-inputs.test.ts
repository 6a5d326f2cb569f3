/**
 * How a product ID GUID in `app-id` routes a run to the MSI/EXE commands, and which inputs those
 * take: every other input, and every other command, is an input error naming it.
 */
import { InputError } from '../../../src/errors.js';
import { readInputs } from '../../../src/commands/index.js';
import { inputErrorOf } from '../../../test/support/input-error.js';

const PRODUCT = '0C6A4D3E-7F21-4B8E-9D55-2F0E6C1B9A7D';
const INSTALLERS =
  '- url: https://github.com/contoso/app/releases/download/v2.1.0/Contoso-2.1.0-x64.msi\n  architecture: x64\n  languages: [en-us]\n';

const base: Record<string, string> = {
  'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
  'client-id': '0b8a7e0c-1b2d-4c5e-9f00-112233445566',
  'client-secret': 's3cr+t/=',
  'app-id': PRODUCT,
  'seller-id': '91234567',
  installers: INSTALLERS,
};

function parse(inputs: Record<string, string>): ReturnType<typeof readInputs> {
  return readInputs((name) => inputs[name] ?? '', { GITHUB_WORKSPACE: '/tmp' });
}

/** The InputError the inputs are refused with (the test fails when they are not, or otherwise). */
function failure(inputs: Record<string, string>): Promise<InputError> {
  return inputErrorOf(() => parse(inputs));
}

describe('MSI/EXE products', () => {
  test('a GUID app-id selects the MSI/EXE submit with the API default and the contract defaults', async () => {
    const run = await parse(base);
    expect(run.api).toBe('installer');
    expect(run.command).toBe('submit');
    expect(run.inputs).toMatchObject({
      product: { apiUrl: 'https://api.store.microsoft.com', productId: PRODUCT.toLowerCase(), sellerId: '91234567' },
      commit: true,
      dryRun: false,
      waitFor: 'commit',
      pollIntervalSeconds: 30,
      releaseNotes: undefined,
      metadataPatch: undefined,
    });
    expect(
      run.api === 'installer' && run.command === 'submit' && run.inputs.installers.map((i) => [i.type, i.architecture]),
    ).toEqual([['msi', 'x64']]);
  });

  test('api-url, when set, is the root for an MSI/EXE product too', async () => {
    const run = await parse({ ...base, 'api-url': 'http://127.0.0.1:8080' });
    expect(run.inputs).toMatchObject({ product: { apiUrl: 'http://127.0.0.1:8080' } });
  });

  test('commit: false stages; notes for certification join submission-json as properties.certificationNotes', async () => {
    const run = await parse({
      ...base,
      commit: 'false',
      'notes-for-certification': 'Installs per machine.',
      'submission-json': '{"properties": {"website": "https://contoso.com"}}',
    });
    expect(run.inputs).toMatchObject({
      commit: false,
      metadataPatch: { properties: { website: 'https://contoso.com', certificationNotes: 'Installs per machine.' } },
    });
  });

  test.each([
    ['commit', { installers: '' }, 'installer'],
    ['status', { installers: '', 'submission-id': '1152921504621243649' }, 'installer'],
  ])('command: %s goes to the MSI/EXE module', async (command, extra, api) => {
    const run = await parse({ ...base, ...extra, command });
    expect(run.api).toBe(api);
    expect(run.command).toBe(command);
  });

  test('a Store ID still selects the MSIX modules, where MSI/EXE inputs do not apply', async () => {
    const msix = { ...base, 'app-id': '9NBLGGH4R315', 'seller-id': '', installers: '' };
    expect((await parse(msix)).api).toBe('msix');
    expect(await failure({ ...msix, 'seller-id': '91234567' })).toMatchObject({
      input: 'seller-id',
      problem: expect.stringMatching(/does not apply to apps with 'command: submit', only to MSI\/EXE products/),
    });
    expect(await failure({ ...msix, installers: INSTALLERS })).toMatchObject({
      input: 'installers',
      problem: expect.stringMatching(/only to MSI\/EXE products/),
    });
    expect((await parse({ ...msix, commit: 'false' })).api).toBe('msix');
    expect(
      (
        await failure({
          ...msix,
          command: 'create-flight',
          'seller-id': '91234567',
          'flight-name': 'x',
          'flight-groups': '1',
        })
      ).input,
    ).toBe('seller-id');
  });

  test.each<[string, Record<string, string>, string, RegExp]>([
    ['a missing seller ID', { 'seller-id': '' }, 'seller-id', /is required for an MSI\/EXE product.*Seller ID/],
    ['a seller ID that is not a number', { 'seller-id': 'Contoso Ltd' }, 'seller-id', /digits only/],
    ['no installers', { installers: '' }, 'installers', /is required for 'command: submit'/],
    [
      'installers that do not parse',
      { installers: '- url: https://x.test/a.msi\n  architecture: [' },
      'installers',
      /line 2/,
    ],
    ['an http installer URL', { installers: INSTALLERS.replace('https:', 'http:') }, 'installers', /is not https/],
    ['on-pending: delete', { 'on-pending': 'delete' }, 'on-pending', /cannot be deleted through the MSI\/EXE API/],
    [
      'packages',
      { packages: 'out/*.msix' },
      'packages',
      /does not apply to MSI\/EXE products with 'command: submit', only to apps and package flights/,
    ],
    ['zip-path', { 'zip-path': 'ready.zip' }, 'zip-path', /does not apply to MSI\/EXE products/],
    ['a rollout', { 'rollout-percentage': '10' }, 'rollout-percentage', /does not apply to MSI\/EXE products/],
    ['a mandatory update', { 'mandatory-update': 'true' }, 'mandatory-update', /does not apply to MSI\/EXE products/],
    [
      'a publish mode',
      { 'target-publish-mode': 'Manual' },
      'target-publish-mode',
      /does not apply to MSI\/EXE products/,
    ],
    [
      'a flight',
      { 'flight-id': '1b8e2d3f-0000-4000-8000-000000000001' },
      'flight-id',
      /does not apply to MSI\/EXE products/,
    ],
    ['an add-on', { 'add-on-id': '9NBLGGH4S12X' }, 'add-on-id', /does not apply to MSI\/EXE products/],
    ['existing-rollout', { 'existing-rollout': 'halt' }, 'existing-rollout', /does not apply to MSI\/EXE products/],
    ['replace-packages', { 'replace-packages': 'true' }, 'replace-packages', /does not apply to MSI\/EXE products/],
    ['content-root', { 'content-root': '.' }, 'content-root', /does not apply to MSI\/EXE products/],
    [
      'notes for certification over the limit',
      { 'notes-for-certification': 'x'.repeat(2001) },
      'notes-for-certification',
      /up to 2000/,
    ],
    [
      'a command MSI/EXE products do not take',
      { command: 'rollout', 'rollout-action': 'halt' },
      'command',
      /'rollout' does not apply to MSI\/EXE products.*'submit', 'commit', 'status'/,
    ],
    ['create-flight', { command: 'create-flight' }, 'command', /does not apply to MSI\/EXE products/],
    ['installers with commit', { command: 'commit' }, 'installers', /applies to 'command: submit' only, not 'commit'/],
    ['a dry run of commit', { command: 'commit', installers: '', 'dry-run': 'true' }, 'dry-run', /not 'commit'/],
    [
      'an app-id that is neither form',
      { 'app-id': '0c6a4d3e-7f21' },
      'app-id',
      /is not a Store ID .*, and not the product ID GUID of an MSI\/EXE product/,
    ],
  ])('refuses %s, naming the input', async (_what, extra, input, problem) => {
    const error = await failure({ ...base, ...extra });
    expect(error.input).toBe(input);
    expect(error.problem).toMatch(problem);
  });

  test('an MSIX command given a GUID app-id through its own reader says which ID it needs', async () => {
    // create-add-on reads app-id itself; the router refuses the command first.
    expect(
      await failure({
        ...base,
        command: 'create-add-on',
        'add-on-json': '{"productId":"pro","productType":"Durable"}',
      }),
    ).toMatchObject({ input: 'command' });
  });
});
