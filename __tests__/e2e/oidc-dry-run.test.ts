/**
 * Secretless sign-in with the workflow's OIDC token, and the dry run, through the bundled action.
 */
import { SEED_APP_ID } from '../../test/emulator/index.js';
import { startStack, type Stack } from '../../test/support/stack.js';

describe('OIDC sign-in', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Access tokens live 3 s; the commit takes longer, so the action must mint new ones as it polls.
    stack = await startStack({ tokenLifetimeSeconds: 3, statusStepMs: 1500 });
  });
  afterAll(async () => stack?.stop());

  const oidcEnv = () => ({
    ACTIONS_ID_TOKEN_REQUEST_URL: stack.emulator.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: stack.emulator.oidc.requestToken,
  });

  test('signs in without a client secret and keeps signing in through a long wait', async () => {
    await stack.file('oidc/ContosoNotes_7.0.0.0_x64.msixupload', 100_000);
    const run = await stack.run(
      {
        'client-secret': '',
        'app-id': SEED_APP_ID,
        packages: 'oidc/*.msixupload',
        'wait-for': 'publish',
        'poll-interval-seconds': '1',
      },
      oidcEnv(),
    );
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(['PendingPublication', 'Publishing', 'Published']).toContain(run.outputs.status);
    const tokens = stack.emulator.tokens.filter((t) => t.credential === 'assertion');
    expect(tokens.length).toBeGreaterThan(1);
    expect(stack.emulator.tokens.every((t) => t.credential === 'assertion')).toBe(true);
    // The claims a user needs to fix a subject mismatch are logged; the token is not.
    expect(run.stdout).toContain(
      "Signing in with the workflow's OIDC token (iss=https://token.actions.githubusercontent.com sub=repo:octo-org/octo-app:ref:refs/heads/main aud=api://AzureADTokenExchange)",
    );
  });

  test('without id-token permission (no OIDC token on offer) it fails before any request: the secret is empty first, then the permission', async () => {
    const before = stack.emulator.requests.length;
    const run = await stack.run({ 'client-secret': '', 'app-id': SEED_APP_ID, command: 'status' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    const line = run.errorLines[0] as string;
    expect(line).toContain("::Input 'client-secret': is empty");
    expect(line).toContain("give the job 'permissions: id-token: write'");
    expect(line).toContain('forks');
    expect(line.indexOf('misspelled')).toBeLessThan(line.indexOf('id-token: write'));
    expect(stack.emulator.requests.length).toBe(before);
  });
});

describe('OIDC subject mismatch', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ federatedSubject: 'repo:octo-org/octo-app:environment:production' });
  });
  afterAll(async () => stack?.stop());

  test("shows the token's claims next to Entra's refusal", async () => {
    const run = await stack.run(
      { 'client-secret': '', 'app-id': SEED_APP_ID, command: 'status' },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: stack.emulator.oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: stack.emulator.oidc.requestToken,
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toMatch(/AADSTS700213/);
    expect(run.errorLines[0]).toContain(
      "must match the token's claims exactly (iss=https://token.actions.githubusercontent.com sub=repo:octo-org/octo-app:ref:refs/heads/main aud=api://AzureADTokenExchange)",
    );
  });
});

describe('dry run', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.stop());

  test('reads, plans and shows the diff, and changes and uploads nothing', async () => {
    await stack.file('dry/ContosoNotes_8.0.0.0_x64.msixupload', 1_500_000);
    await stack.file('dry/images/en-us/Screenshot_new.png', 2000);
    const submissionJson = JSON.stringify({
      listings: {
        'en-us': {
          baseListing: {
            images: [
              { fileName: 'images/en-us/Screenshot_new.png', fileStatus: 'PendingUpload', imageType: 'Screenshot' },
            ],
          },
        },
      },
    });
    const pending = stack.emulator.state.addApiPendingSubmission(SEED_APP_ID);
    const submissionsBefore = stack.emulator.state.submissions.size;
    const run = await stack.run({
      'app-id': SEED_APP_ID,
      'dry-run': 'true',
      packages: 'dry/*.msixupload',
      'replace-packages': 'true',
      'release-notes': 'Dry notes',
      'rollout-percentage': '20',
      'submission-json': submissionJson,
      'content-root': 'dry',
      'on-pending': 'delete',
    });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(stack.emulator.mutatingRequests()).toEqual([]);
    expect(stack.emulator.state.submissions.size).toBe(submissionsBefore);
    expect(stack.emulator.state.pendingSubmission(SEED_APP_ID)?.id).toBe(pending.id);

    expect(run.summary).toContain('🔍 dry run');
    expect(run.summary).toContain(`delete pending submission ${pending.id}`);
    expect(run.summary).toMatch(
      /upload one zip of 2 file\(s\), 1\.5 MB: ContosoNotes_8\.0\.0\.0_x64\.msixupload, images\/en-us\/Screenshot_new\.png/,
    );
    expect(run.summary).toContain('| package added | ContosoNotes_8.0.0.0_x64.msixupload |');
    expect(run.summary).toContain('| package marked PendingDelete | ContosoNotes_1.0.0.0_x64.msixupload |');
    expect(run.summary).toMatch(/`listings\.de-de\.baseListing\.releaseNotes` \| ".*" → "Dry notes"/);
    expect(run.summary).toMatch(/`packageDeliveryOptions\.packageRollout\.packageRolloutPercentage` \| 0 → 20/);
    expect(run.summary).toContain('Listings touched: en-us, de-de');
    expect(run.stdout).toContain('Dry run: nothing was created, changed or uploaded');
    expect(run.stdout).toContain('"releaseNotes": "Dry notes"');
  });
});
