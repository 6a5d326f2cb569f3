/**
 * Transient faults through the bundled action: the emulator answers chosen calls with 429 (with and
 * without Retry-After), 5xx or a reset connection, before or after the call took effect; access tokens
 * expire mid-run; a commit never ends. The run must still end in the right state with the right
 * outputs, the package in the Store byte for byte, and every retry in the log. The real retry policy
 * runs (1 s base backoff), so each test injects few faults and `Retry-After` is 0-2 s.
 */
import { SEED_APP_ID, type FaultRule, type InjectedFault } from '../../test/emulator/index.js';
import type { ActionRun } from '../../test/support/action.js';
import { startStack, type Stack } from '../../test/support/stack.js';

const CREATE = /\/applications\/[^/]+\/submissions$/;
const COMMIT = /\/submissions\/\d+\/commit$/;
const SUBMISSION = /\/submissions\/\d+$/;
const PRODUCT = /\/applications\/[^/]+$/;
const TOKEN = '/oauth2/';

/** A retry or a lost-answer recovery, as the action logs it: one `::warning::` line per fault. */
const RETRY_LINE = /^::warning::.*(retrying in \d+\.\d s|may or may not have taken effect)/;

const totals = { faults: 0, requests: 0, runs: 0 };

interface FaultRun {
  run: ActionRun;
  /** The faults this run met. */
  injected: InjectedFault[];
  /** IDs of the submissions of the app that this run created. */
  created: string[];
}

/** A stack, plus what each run did in it. */
interface FaultStack extends Stack {
  /** Runs the action with `faults` armed; returns the run and the faults it met. */
  runWith(faults: FaultRule[], inputs: Record<string, string>): Promise<FaultRun>;
}

async function faultStack(options: Parameters<typeof startStack>[0]): Promise<FaultStack> {
  const stack = await startStack(options);
  return Object.assign(stack, {
    async runWith(faults: FaultRule[], inputs: Record<string, string>) {
      const pending = stack.emulator.state.pendingSubmission(SEED_APP_ID);
      if (pending) stack.emulator.state.removeSubmission(pending.id);
      const existing = new Set(stack.emulator.state.submissionsOf(SEED_APP_ID).map((s) => s.id));
      stack.emulator.faults.clear();
      const first = stack.emulator.faults.injected.length;
      for (const fault of faults) stack.emulator.faults.add(fault);
      const run = await stack.run({ 'app-id': SEED_APP_ID, ...inputs });
      totals.runs += 1;
      const injected = stack.emulator.faults.injected.slice(first);
      // Every armed fault was met: a test cannot pass because its fault never fired.
      expect(stack.emulator.faults.pending).toBe(0);
      stack.emulator.faults.clear();
      const created = stack.emulator.state
        .submissionsOf(SEED_APP_ID)
        .map((s) => s.id)
        .filter((id) => !existing.has(id));
      return { run, injected, created };
    },
  });
}

/** The run succeeded, created exactly one submission, and that submission holds `sha` under `name`. */
function expectSubmitted(stack: Stack, { run, created }: FaultRun, name: string, sha: string): string {
  expect(run.errorLines).toEqual([]);
  expect(run.exitCode).toBe(0);
  const id = run.outputs['submission-id'] as string;
  expect(id).toMatch(/^\d+$/);
  expect(created).toEqual([id]);
  expect(stack.emulator.state.uploads(id)).toEqual([expect.objectContaining({ name, sha256: sha })]);
  // The status output is one the submission really went through, past the commit.
  const history = stack.emulator.state.statusChanges(id);
  expect(history).toContain(run.outputs.status);
  expect(history.indexOf(run.outputs.status as never)).toBeGreaterThan(history.indexOf('CommitStarted'));
  expect(run.outputs.status).not.toMatch(/Failed$/);
  expect(JSON.parse(run.outputs['status-details'] as string)).toHaveProperty('errors', []);
  return id;
}

/** Each fault shows in the log as one retry or recovery warning, and nothing else warns of one. */
function expectRetriesLogged(run: ActionRun, injected: InjectedFault[]): void {
  // A 401 is not a fault of the emulator's: the token is renewed and the call sent again.
  const lines = run.stdout.split('\n').filter((line) => RETRY_LINE.test(line) && !line.includes('HTTP 401'));
  expect(lines).toHaveLength(injected.length);
  for (const fault of injected) {
    const what = fault.reset
      ? 'connection failed'
      : fault.status === 429
        ? 'HTTP 429 (rate limited)'
        : `HTTP ${fault.status}`;
    expect(lines.some((line) => line.includes(what))).toBe(true);
  }
}

function createPosts(stack: Stack, since: number): number {
  return stack.emulator.requests.slice(since).filter((r) => r.method === 'POST' && CREATE.test(r.path)).length;
}

describe('transient faults (1 h tokens, fast Store)', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await faultStack({});
  });
  afterAll(async () => {
    totals.faults += stack?.emulator.faults.injected.length ?? 0;
    totals.requests += stack?.emulator.requests.length ?? 0;
    await stack?.stop();
  });
  beforeEach(() => {
    Object.assign(stack.emulator.behaviour, {
      stuckInCommitStarted: false,
      commitFailure: undefined,
      certificationFailure: false,
      warnings: [],
    });
  });

  test('429 with Retry-After on GETs, the create POST and the commit POST: waits as told and succeeds', async () => {
    const sha = await stack.file('f429a/ContosoNotes_2.1.0.0_x64.msixupload', 300_000);
    const requestsBefore = stack.emulator.requests.length;
    const result = await stack.runWith(
      [
        { method: 'GET', path: PRODUCT, status: 429, retryAfter: '2' },
        { method: 'POST', path: CREATE, status: 429, retryAfter: '0' },
        { method: 'POST', path: COMMIT, status: 429, retryAfter: '1' },
      ],
      { packages: 'f429a/*.msixupload' },
    );
    const { run, injected } = result;
    expectSubmitted(stack, result, 'ContosoNotes_2.1.0.0_x64.msixupload', sha);
    expect(injected).toHaveLength(3);
    expectRetriesLogged(run, injected);
    // Retry-After: 2 is longer than the first backoff (at most 1 s): the wait is the header's.
    expect(run.stdout).toMatch(
      /::warning::GET applications\/9NBLGGH4R315: HTTP 429 \(rate limited\): Rate limit is exceeded\. Try again in 2 seconds\. \(MS-CorrelationId [\w-]+\); retrying in 2\.0 s \(attempt 2\)/,
    );
    // A refused create is simply sent again: two POSTs, one submission.
    expect(createPosts(stack, requestsBefore)).toBe(2);
  });

  test('429 without Retry-After: the "Try again in N seconds" of the body is honoured', async () => {
    const sha = await stack.file('f429b/ContosoNotes_2.2.0.0_x64.msixupload', 200_000);
    const hint = (seconds: number) => ({
      statusCode: 429,
      message: `Rate limit is exceeded. Try again in ${seconds} seconds.`,
    });
    const result = await stack.runWith(
      [
        { method: 'GET', path: SUBMISSION, status: 429, body: hint(2) },
        { method: 'POST', path: CREATE, status: 429 },
        { method: 'POST', path: COMMIT, status: 429, body: hint(1) },
      ],
      { packages: 'f429b/*.msixupload' },
    );
    const { run, injected } = result;
    expectSubmitted(stack, result, 'ContosoNotes_2.2.0.0_x64.msixupload', sha);
    expectRetriesLogged(run, injected);
    expect(run.stdout).toMatch(
      /::warning::GET applications\/9NBLGGH4R315\/submissions\/\d+: HTTP 429 \(rate limited\): .*; retrying in 2\.0 s/,
    );
    expect(run.stdout).toMatch(
      /::warning::POST applications\/9NBLGGH4R315\/submissions: HTTP 429 \(rate limited\): .*; retrying in/,
    );
    expect(run.stdout).toMatch(
      /::warning::POST applications\/9NBLGGH4R315\/submissions\/\d+\/commit: HTTP 429 \(rate limited\): .*; retrying in/,
    );
  });

  test('503 and 500 on GET and PUT are retried', async () => {
    const sha = await stack.file('f5xx/ContosoNotes_2.3.0.0_x64.msixupload', 250_000);
    const result = await stack.runWith(
      [
        { method: 'GET', path: PRODUCT, status: 503 },
        { method: 'GET', path: SUBMISSION, status: 500 },
        { method: 'PUT', path: SUBMISSION, status: 503 },
      ],
      { packages: 'f5xx/*.msixupload' },
    );
    const { run, injected } = result;
    const id = expectSubmitted(stack, result, 'ContosoNotes_2.3.0.0_x64.msixupload', sha);
    expectRetriesLogged(run, injected);
    expect(run.stdout).toMatch(
      /::warning::PUT applications\/9NBLGGH4R315\/submissions\/\d+: HTTP 503, code ServiceError: .*; retrying in/,
    );
    expect(run.stdout).toMatch(
      /::warning::GET applications\/9NBLGGH4R315\/submissions\/\d+: HTTP 500, code InternalServerError: .*; retrying in/,
    );
    // The PUT that failed was sent again and took effect: the new package entry is there.
    const puts = stack.emulator.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/submissions/${id}`));
    expect(puts.map((r) => r.status)).toEqual([503, 200]);
  });

  test('connection resets on GET and PUT are retried', async () => {
    const sha = await stack.file('freset/ContosoNotes_2.4.0.0_x64.msixupload', 250_000);
    const result = await stack.runWith(
      [
        { method: 'GET', path: PRODUCT, reset: true },
        { method: 'PUT', path: SUBMISSION, reset: true },
      ],
      { packages: 'freset/*.msixupload' },
    );
    const { run, injected } = result;
    expectSubmitted(stack, result, 'ContosoNotes_2.4.0.0_x64.msixupload', sha);
    expect(injected.every((f) => f.reset)).toBe(true);
    expectRetriesLogged(run, injected);
    expect(run.stdout).toMatch(
      /::warning::PUT applications\/9NBLGGH4R315\/submissions\/\d+: connection failed: .+; retrying in/,
    );
  });

  test('a commit answer lost (500) after it took effect: no repeat, the run continues', async () => {
    const sha = await stack.file('flost500/ContosoNotes_2.5.0.0_x64.msixupload', 150_000);
    const requestsBefore = stack.emulator.requests.length;
    const result = await stack.runWith([{ method: 'POST', path: COMMIT, status: 500, after: 'after-effect' }], {
      packages: 'flost500/*.msixupload',
    });
    const { run, injected } = result;
    const id = expectSubmitted(stack, result, 'ContosoNotes_2.5.0.0_x64.msixupload', sha);
    expect(injected.map((f) => f.after)).toEqual(['after-effect']);
    expectRetriesLogged(run, injected);
    expect(
      stack.emulator.requests.slice(requestsBefore).filter((r) => r.method === 'POST' && COMMIT.test(r.path)),
    ).toHaveLength(1);
    expect(stack.emulator.state.submission(id).commits).toBe(1);
    expect(run.stdout).toMatch(
      /POST applications\/9NBLGGH4R315\/submissions\/\d+\/commit had taken effect; continuing from the current state/,
    );
  });

  test('a commit connection reset after it took effect: no repeat', async () => {
    const sha = await stack.file('flostreset/ContosoNotes_2.6.0.0_x64.msixupload', 150_000);
    const result = await stack.runWith([{ method: 'POST', path: COMMIT, reset: true, after: 'after-effect' }], {
      packages: 'flostreset/*.msixupload',
    });
    const { run, injected } = result;
    const id = expectSubmitted(stack, result, 'ContosoNotes_2.6.0.0_x64.msixupload', sha);
    expectRetriesLogged(run, injected);
    expect(stack.emulator.state.submission(id).commits).toBe(1);
    expect(run.stdout).toMatch(
      /POST applications\/9NBLGGH4R315\/submissions\/\d+\/commit may or may not have taken effect \(connection failed: /,
    );
  });

  test.each([
    ['500 after it took effect', { status: 500 as const, after: 'after-effect' as const }],
    ['a reset after it took effect', { reset: true as const, after: 'after-effect' as const }],
  ])(
    'a create answer lost (%s): the run writes nothing into a pending submission it cannot show is its own',
    async (_what, fault) => {
      await stack.file('flostcreate/ContosoNotes_2.4.5.0_x64.msixupload', 50_000);
      const requestsBefore = stack.emulator.requests.length;
      const { run, created } = await stack.runWith([{ method: 'POST', path: CREATE, ...fault } as FaultRule], {
        packages: 'flostcreate/*.msixupload',
      });
      expect(created).toHaveLength(1);
      const id = created[0] as string;
      expect(run.exitCode).toBe(1);
      expect(run.errorLines).toHaveLength(1);
      expect(run.errorLines[0]).toContain(`submission ${id} is now pending`);
      expect(run.errorLines[0]).toContain("'concurrency' group");
      // Nothing was written into it, and the create was not sent again.
      const after = stack.emulator.requests.slice(requestsBefore);
      expect(after.filter((r) => r.method === 'PUT' || (r.method === 'POST' && COMMIT.test(r.path)))).toEqual([]);
      expect(createPosts(stack, requestsBefore)).toBe(1);
      expect(stack.emulator.state.status(id)).toBe('PendingCommit');
    },
  );

  test("two runs on one app: a create answered 503 (not applied) does not take over the other run's fresh submission", async () => {
    await stack.file('ftwo/ContosoNotes_2.3.5.0_x64.msixupload', 50_000);
    const requestsBefore = stack.emulator.requests.length;
    let otherRuns: string | undefined;
    // Run B creates its submission while run A's create is being refused. In the fault's own hook:
    // a test polling for the 503 raced run A's read that follows it, and A then sent its create
    // again (answered 409) before B's submission existed.
    const createdByRunB = (): void => {
      otherRuns = stack.emulator.state.createPendingSubmission(stack.emulator.state.app(SEED_APP_ID), {
        createdByApi: true,
      }).id;
    };
    const { run } = await stack.runWith([{ method: 'POST', path: CREATE, status: 503, onInject: createdByRunB }], {
      packages: 'ftwo/*.msixupload',
    });
    expect(otherRuns).toBeDefined();
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toContain(`submission ${otherRuns} is now pending`);
    const after = stack.emulator.requests.slice(requestsBefore);
    expect(
      after.filter((r) => r.method === 'PUT' || r.method === 'DELETE' || (r.method === 'POST' && COMMIT.test(r.path))),
    ).toEqual([]);
    expect(stack.emulator.state.submission(otherRuns as string).resource.applicationPackages).toEqual(
      stack.emulator.state.lastPublishedSubmission(SEED_APP_ID)?.resource.applicationPackages,
    );
  });

  test('a create answered 503 that did not take effect is sent again after a backoff, with the Store message kept', async () => {
    const sha = await stack.file('f503create/ContosoNotes_2.2.5.0_x64.msixupload', 50_000);
    const requestsBefore = stack.emulator.requests.length;
    const result = await stack.runWith([{ method: 'POST', path: CREATE, status: 503 }], {
      packages: 'f503create/*.msixupload',
    });
    expectSubmitted(stack, result, 'ContosoNotes_2.2.5.0_x64.msixupload', sha);
    const creates = stack.emulator.requests
      .slice(requestsBefore)
      .filter((r) => r.method === 'POST' && CREATE.test(r.path));
    expect(creates).toHaveLength(2);
    expect((creates[1]?.at ?? 0) - (creates[0]?.at ?? 0)).toBeGreaterThanOrEqual(400);
    expect(result.run.stdout).toMatch(/had not taken effect; sending it again in \d+\.\d s/);
    expect(result.run.stdout).toMatch(
      /may or may not have taken effect \(HTTP 503, code ServiceError: .*MS-CorrelationId/,
    );
  });

  test('a create answered 503 three times (timeout-minutes: 5) is sent until it is taken, each time after the state is read', async () => {
    const sha = await stack.file('f503thrice/ContosoNotes_2.2.6.0_x64.msixupload', 50_000);
    const requestsBefore = stack.emulator.requests.length;
    const busy = { code: 'ServiceUnavailable', message: 'Retry your operation using exponential backoff' };
    const result = await stack.runWith([{ method: 'POST', path: CREATE, status: 503, body: busy, times: 3 }], {
      packages: 'f503thrice/*.msixupload',
      'timeout-minutes': '5',
    });
    expectSubmitted(stack, result, 'ContosoNotes_2.2.6.0_x64.msixupload', sha);
    expect(createPosts(stack, requestsBefore)).toBe(4);
    expectRetriesLogged(result.run, result.injected);
    expect(result.run.stdout).toContain('Retry your operation using exponential backoff');
  });

  test('a commit answered 503 three times is sent again until it is taken', async () => {
    const sha = await stack.file('f503commit/ContosoNotes_2.2.7.0_x64.msixupload', 50_000);
    const result = await stack.runWith([{ method: 'POST', path: COMMIT, status: 503, times: 3 }], {
      packages: 'f503commit/*.msixupload',
      'timeout-minutes': '5',
    });
    const id = expectSubmitted(stack, result, 'ContosoNotes_2.2.7.0_x64.msixupload', sha);
    expectRetriesLogged(result.run, result.injected);
    expect(stack.emulator.state.submission(id).commits).toBe(1);
  });

  test("a 503 on the first read until timeout-minutes: the time-out keeps the Store's words, its correlation ID and the hint", async () => {
    await stack.file('faccount/ContosoNotes_2.2.8.0_x64.msixupload', 10_000);
    const account = { code: 'ServiceUnavailable', message: 'Account service is experiencing issue' };
    // Armed by hand: runWith checks every fault was met, and this one lasts for as long as the run.
    stack.emulator.faults.clear();
    stack.emulator.faults.add({ method: 'GET', path: PRODUCT, status: 503, body: account, times: Infinity });
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'faccount/*.msixupload', 'timeout-minutes': '0.1' });
    stack.emulator.faults.clear();
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(
      /Timed out after 6 s \('timeout-minutes: 0\.1'\).*no submission was created\. GET applications\/9NBLGGH4R315 still failing after \d+ attempts over \d+ s: HTTP 503, code ServiceUnavailable: Account service is experiencing issue \(MS-CorrelationId [\w-]+\)\. Hint: .*Entra app is most likely not added to Partner Center/,
    );
  });

  test('a status read after a good commit answered with an HTML page is read again', async () => {
    const sha = await stack.file('fhtml/ContosoNotes_2.2.9.0_x64.msixupload', 50_000);
    const page = '<html><head><title>Service Unavailable</title></head><body>The gateway is busy</body></html>';
    // Armed when the commit is taken, so the page answers the first status read after it.
    const afterCommit = (): void =>
      stack.emulator.faults.add({ method: 'GET', path: SUBMISSION, status: 200, body: page });
    const result = await stack.runWith(
      [{ method: 'POST', path: COMMIT, status: 429, retryAfter: '0', onInject: afterCommit }],
      { packages: 'fhtml/*.msixupload' },
    );
    expectSubmitted(stack, result, 'ContosoNotes_2.2.9.0_x64.msixupload', sha);
    expect(result.injected.map((f) => f.status)).toEqual([429, 200]);
    expectRetriesLogged(result.run, result.injected);
    expect(result.run.stdout).toMatch(
      /HTTP 200: an HTML page titled 'Service Unavailable', not the API's JSON \(MS-CorrelationId [\w-]+\); retrying in/,
    );
  });

  test('on-pending: delete refused with 409 on a deletable submission: the DELETE is sent again and the run goes on', async () => {
    const sha = await stack.file('fdelete/ContosoNotes_2.2.4.0_x64.msixupload', 50_000);
    const leftover = stack.emulator.state.pendingSubmission(SEED_APP_ID);
    if (leftover) stack.emulator.state.removeSubmission(leftover.id);
    const pending = stack.emulator.state.addApiPendingSubmission(SEED_APP_ID);
    stack.emulator.faults.clear();
    const first = stack.emulator.faults.injected.length;
    stack.emulator.faults.add({
      method: 'DELETE',
      path: SUBMISSION,
      status: 409,
      body: {
        code: 'InvalidState',
        message: 'Submission in its current state cannot be deleted',
        target: 'submissionId',
      },
    });
    const run = await stack.run({ 'app-id': SEED_APP_ID, packages: 'fdelete/*.msixupload', 'on-pending': 'delete' });
    const injected = stack.emulator.faults.injected.slice(first);
    expect(stack.emulator.faults.pending).toBe(0);
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(stack.emulator.state.submissionsOf(SEED_APP_ID).some((s) => s.id === pending.id)).toBe(false);
    expect(stack.emulator.state.uploads(run.outputs['submission-id'] as string)).toEqual([
      expect.objectContaining({ name: 'ContosoNotes_2.2.4.0_x64.msixupload', sha256: sha }),
    ]);
    expectRetriesLogged(run, injected);
    expect(run.stdout).toMatch(
      /DELETE applications\/9NBLGGH4R315\/submissions\/\d+: refused with HTTP 409, code InvalidState: Submission in its current state cannot be deleted \(MS-CorrelationId [\w-]+\); submission \d+ is still PendingCommit; retrying in/,
    );
  });

  test('two commit jobs at once: the one whose commit is refused (409, another job committed first) waits for it', async () => {
    await stack.file('ftwin/ContosoNotes_2.2.3.0_x64.msixupload', 50_000);
    const stage = await stack.runWith([], { packages: 'ftwin/*.msixupload', commit: 'false' });
    const id = stage.run.outputs['submission-id'] as string;
    expect(stack.emulator.state.status(id)).toBe('PendingCommit');
    stack.emulator.faults.clear();
    const first = stack.emulator.faults.injected.length;
    stack.emulator.faults.add({ method: 'POST', path: COMMIT, twin: true });
    const commit = await stack.run({ 'app-id': SEED_APP_ID, command: 'commit', 'submission-id': id });
    expect(stack.emulator.faults.injected.slice(first)).toEqual([expect.objectContaining({ twin: true })]);
    expect(commit.errorLines).toEqual([]);
    expect(commit.exitCode).toBe(0);
    expect(commit.stdout).toContain(`Submission ${id} was committed by another run meanwhile`);
    expect(stack.emulator.state.submission(id).commits).toBe(1);
    expect(stack.emulator.state.statusChanges(id)).toContain(commit.outputs.status);
    expect(commit.outputs.status).not.toMatch(/^(PendingCommit|CommitStarted)$|Failed$/);
  });

  test('a create connection reset before it took effect: the state shows nothing was created, so it is sent again', async () => {
    const sha = await stack.file('fnoeffect/ContosoNotes_2.7.0.0_x64.msixupload', 100_000);
    const requestsBefore = stack.emulator.requests.length;
    const result = await stack.runWith([{ method: 'POST', path: CREATE, reset: true }], {
      packages: 'fnoeffect/*.msixupload',
    });
    const { run, injected } = result;
    expectSubmitted(stack, result, 'ContosoNotes_2.7.0.0_x64.msixupload', sha);
    expectRetriesLogged(run, injected);
    expect(createPosts(stack, requestsBefore)).toBe(2);
    expect(run.stdout).toContain('POST applications/9NBLGGH4R315/submissions had not taken effect; sending it again');
  });

  test('the token endpoint answering 503 once is retried', async () => {
    const sha = await stack.file('ftoken/ContosoNotes_2.8.0.0_x64.msixupload', 100_000);
    const result = await stack.runWith([{ method: 'POST', path: TOKEN, status: 503 }], {
      packages: 'ftoken/*.msixupload',
    });
    const { run, injected } = result;
    expectSubmitted(stack, result, 'ContosoNotes_2.8.0.0_x64.msixupload', sha);
    expect(injected.every((f) => f.path.includes('/oauth2/'))).toBe(true);
    expectRetriesLogged(run, injected);
    expect(run.stdout).toMatch(/::warning::POST [^ ]+\/oauth2\/token: HTTP 503, code ServiceError: .*; retrying in/);
  });

  test('a commit that never leaves CommitStarted ends at timeout-minutes, naming the submission and its status', async () => {
    stack.emulator.behaviour.stuckInCommitStarted = true;
    await stack.file('fstuck/ContosoNotes_2.9.0.0_x64.msixupload', 10_000);
    const result = await stack.runWith([], {
      packages: 'fstuck/*.msixupload',
      'timeout-minutes': '0.05',
    });
    const { run, injected } = result;
    expect(run.exitCode).toBe(1);
    const id = run.outputs['submission-id'] as string;
    expect(id).toMatch(/^\d+$/);
    expect(run.outputs.status).toBe('CommitStarted');
    expect(stack.emulator.state.status(id)).toBe('CommitStarted');
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(`submission ${id} is still in CommitStarted`);
    expect(run.errorLines[0]).toContain("'timeout-minutes: 0.05'");
    expect(run.errorLines[0]).toContain('It stays in the Store (this run created it)');
    expect(run.errorLines[0]?.split('in the Store')).toHaveLength(2);
    expectRetriesLogged(run, injected);
  });

  test('CommitFailed with details fails the step with the words of the Store', async () => {
    stack.emulator.behaviour.commitFailure = {
      code: 'InvalidParameterValue',
      details: 'Request it is not IngestionWeb or IngestionApi',
    };
    await stack.file('ffailed/ContosoNotes_3.0.0.0_x64.msixupload', 10_000);
    const result = await stack.runWith([], { packages: 'ffailed/*.msixupload' });
    const { run, injected } = result;
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('CommitFailed');
    expect(JSON.parse(run.outputs['status-details'] as string).errors).toEqual([
      { code: 'InvalidParameterValue', details: 'Request it is not IngestionWeb or IngestionApi' },
    ]);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain('CommitFailed');
    expect(run.errorLines[0]).toContain('InvalidParameterValue: Request it is not IngestionWeb or IngestionApi');
    expect(run.errorLines[0]).toContain(run.outputs['submission-id']);
    expectRetriesLogged(run, injected);
  });

  test('tokens revoked mid-run: the 401 gets a new token and the call is sent again', async () => {
    const sha = await stack.file('trevoked/ContosoNotes_4.2.0.0_x64.msixupload', 100_000);
    const requestsBefore = stack.emulator.requests.length;
    const tokensBefore = stack.emulator.tokens.length;
    // Every token the action holds stops working when a read of the submission is refused; the
    // read sent again carries the revoked one. With 1 h tokens the action never renews early, so
    // that call meets a 401 (with 2 s tokens, as this test once had, it could renew first).
    const revokeTokens = (): void => stack.emulator.expireTokens();
    const result = await stack.runWith([{ method: 'GET', path: SUBMISSION, status: 503, onInject: revokeTokens }], {
      packages: 'trevoked/*.msixupload',
    });
    const { run, injected } = result;
    expectSubmitted(stack, result, 'ContosoNotes_4.2.0.0_x64.msixupload', sha);
    const after = stack.emulator.requests.slice(requestsBefore);
    expect(after.some((r) => r.kind === 'api' && r.status === 401)).toBe(true);
    expect(stack.emulator.tokens.length - tokensBefore).toBeGreaterThan(1);
    expect(run.stdout).toMatch(/answered 401; getting a new access token and trying again/);
    expectRetriesLogged(run, injected);
  });
});

describe('expiring tokens and everything at once (2 s tokens, slow Store)', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    // A 2 s token is renewed after 1.6 s; the four status steps to PendingPublication take longer.
    stack = await faultStack({ tokenLifetimeSeconds: 2, statusStepMs: 500 });
  });
  afterAll(async () => {
    totals.faults += stack?.emulator.faults.injected.length ?? 0;
    totals.requests += stack?.emulator.requests.length ?? 0;
    await stack?.stop();
  });

  test('tokens that run out during a long wait for publication are renewed', async () => {
    const sha = await stack.file('tshort/ContosoNotes_4.1.0.0_x64.msixupload', 200_000);
    const tokensBefore = stack.emulator.tokens.length;
    const result = await stack.runWith([], {
      packages: 'tshort/*.msixupload',
      'wait-for': 'publish',
      'target-publish-mode': 'Immediate',
    });
    const { run, injected } = result;
    expectSubmitted(stack, result, 'ContosoNotes_4.1.0.0_x64.msixupload', sha);
    expect(['PendingPublication', 'Publishing', 'Published']).toContain(run.outputs.status);
    expect(stack.emulator.tokens.length - tokensBefore).toBeGreaterThan(1);
    expectRetriesLogged(run, injected); // none: renewing a token is not a fault
  });

  test('every fault at once: throttling, 5xx, resets, lost answers, token failures and expiry, still the right end', async () => {
    const sha = await stack.file('tall/ContosoNotes_4.3.0.0_x64.msixupload', 500_000);
    const requestsBefore = stack.emulator.requests.length;
    const tokensBefore = stack.emulator.tokens.length;
    let revokedAt = -1;
    const revokeTokens = (): void => {
      revokedAt = stack.emulator.requests.length;
      stack.emulator.expireTokens();
    };
    const result = await stack.runWith(
      [
        { method: 'POST', path: TOKEN, status: 503 },
        { method: 'GET', path: PRODUCT, status: 429, retryAfter: '1' },
        { method: 'GET', path: SUBMISSION, status: 500 },
        { method: 'POST', path: CREATE, status: 429 },
        { method: 'POST', path: CREATE, status: 503 },
        { method: 'PUT', path: SUBMISSION, reset: true },
        { method: 'POST', path: COMMIT, status: 429, retryAfter: '0' },
        { method: 'POST', path: COMMIT, reset: true, after: 'after-effect' },
        // The reads of the submission after the commit meet these; the first also revokes every
        // token the action holds.
        { method: 'GET', path: SUBMISSION, status: 503, onInject: revokeTokens },
        { method: 'GET', path: SUBMISSION, reset: true, times: 1 },
      ],
      { packages: 'tall/*.msixupload', 'wait-for': 'publish', 'target-publish-mode': 'Immediate' },
    );
    const { run, injected } = result;
    const id = expectSubmitted(stack, result, 'ContosoNotes_4.3.0.0_x64.msixupload', sha);
    expect(['PendingPublication', 'Publishing', 'Published']).toContain(run.outputs.status);
    expect(injected).toHaveLength(10);
    expectRetriesLogged(run, injected);
    expect(createPosts(stack, requestsBefore)).toBe(3); // one refused (429), one not applied (503), one that took effect
    expect(stack.emulator.state.submission(id).commits).toBe(1);
    // After the revocation the run went on with a token issued later: fetched when a call met a
    // 401, or before, as the action renews a token with a fifth of its 2 s left (which of the two
    // depends on the jittered backoff; 'tokens revoked mid-run' checks the 401 path).
    expect(revokedAt).toBeGreaterThan(requestsBefore);
    const afterRevoke = stack.emulator.requests.slice(revokedAt);
    expect(afterRevoke.some((r) => r.kind === 'token' && r.status === 200)).toBe(true);
    expect(afterRevoke.filter((r) => r.kind === 'api' && r.status === 200).length).toBeGreaterThan(0);
    expect(stack.emulator.tokens.length - tokensBefore).toBeGreaterThan(1);
    expect(run.summary).toContain(`| Submission | ${id} |`);
  });
});

afterAll(() => {
  console.log(
    `faults suite: ${totals.faults} faults injected, ${totals.requests} requests made to the emulator, ${totals.runs} runs of the action`,
  );
});
