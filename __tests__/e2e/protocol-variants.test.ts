/**
 * Where the API documentation allows two forms (success codes, token endpoints, empty lists,
 * flights created with or without a submission), the action handles both: the same runs against
 * an emulator serving the other form.
 */
import { CREDENTIALS, SEED_APP_ID } from '../../test/emulator/index.js';
import { startStack, type Stack } from '../../test/support/stack.js';

describe('a service with 200 on create and delete, 200 for empty lists, and only the v2 token endpoint', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      variant: {
        createStatus: 200,
        deleteStatus: 200,
        emptyListStatus: 200,
        tokenEndpoints: ['v2'],
        flightCreateIncludesSubmission: true,
      },
    });
  });
  afterAll(async () => stack?.stop());

  test('a client-secret submit falls back to the v2 endpoint and replaces a pending submission', async () => {
    const pending = stack.emulator.state.addApiPendingSubmission(SEED_APP_ID);
    const sha = await stack.file('v2/ContosoNotes_9.0.0.0_x64.msixupload', 70_000);
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'v2/*.msixupload', 'on-pending': 'delete' });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(stack.emulator.tokens.map((t) => t.endpoint)).toEqual(['v2']);
    expect(stack.emulator.requests.find((r) => r.method === 'DELETE')?.status).toBe(200);
    expect(stack.emulator.requests.find((r) => r.method === 'POST' && r.path.endsWith('/submissions'))?.status).toBe(
      200,
    );
    const id = run.outputs['submission-id'] as string;
    expect(id).not.toBe(pending.id);
    expect(stack.emulator.state.uploads(id)).toEqual([expect.objectContaining({ sha256: sha })]);
  });

  test('create-flight on an app with no flights yet reads an empty list and reports the submission made with the flight', async () => {
    const app = stack.emulator.state.addApp({ primaryName: 'Fresh app' });
    const run = await stack.run({
      command: 'create-flight',
      'app-id': app.id,
      'flight-name': 'First ring',
      'flight-groups': '1152921504607280777',
    });
    expect(run.errorLines).toEqual([]);
    const flight = stack.emulator.state.flightByName(app.id, 'First ring');
    expect(run.outputs['flight-id']).toBe(flight?.flightId);
    expect(run.outputs['submission-id']).toBe(stack.emulator.state.pendingSubmission(flight?.flightId as string)?.id);
  });
});

describe('a service that serves only the v1 token endpoint, signing in with OIDC', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ variant: { tokenEndpoints: ['v1'] } });
  });
  afterAll(async () => stack?.stop());

  test('the federated assertion goes to the v1 endpoint after the v2 one answers 404', async () => {
    const run = await stack.run(
      { 'client-secret': '', command: 'status', 'app-id': SEED_APP_ID },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: stack.emulator.oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: stack.emulator.oidc.requestToken,
      },
    );
    expect(run.errorLines).toEqual([]);
    expect(run.outputs.status).toBe('Published');
    expect(stack.emulator.tokens.map((t) => [t.endpoint, t.credential])).toEqual([['v1', 'assertion']]);
    expect(run.stdout).toContain('The v2 token endpoint answered HTTP 404; trying the other form');
  });

  test("a wrong client secret is reported with the authority's words and no fallback", async () => {
    const run = await stack.run({
      'client-secret': `${CREDENTIALS.clientSecret}x`,
      command: 'status',
      'app-id': SEED_APP_ID,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/Sign-in \(POST [^)]+\/oauth2\/token\) failed with HTTP 40\d.*AADSTS/);
  });
});

describe('a host name that does not resolve', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());

  test('fails at once, naming the host and the inputs to check, without retries', async () => {
    const run = await stack.run({
      'authority-url': 'http://login.store-submit.invalid',
      command: 'status',
      'app-id': SEED_APP_ID,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(
      "the host login.store-submit.invalid is not known (ENOTFOUND); check 'api-url' and 'authority-url'",
    );
    expect(run.stdout).not.toContain('retrying');
  });
});
