/**
 * `timeout-minutes` bounds the whole run and a cancel still reports: a Store that accepts
 * connections and never answers, a Store that answers every call after 30 s, and SIGTERM from the
 * runner while the action waits. Time is bounded generously (the harness kills a run after 60 s);
 * what is asserted is what the action says and that it ended by itself.
 */
import http from 'node:http';
import net from 'node:net';
import { SEED_APP_ID } from '../../test/emulator/index.js';
import { startStack, type Stack } from '../../test/support/stack.js';

let stack: Stack;
let silent: net.Server;
let silentUrl: string;
const held = new Set<net.Socket>();

beforeAll(async () => {
  stack = await startStack();
  await stack.file('bounds/ContosoNotes_7.0.0.0_x64.msixupload', 20_000);
  // Accepts connections and never answers a byte.
  silent = net.createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await stack?.stop();
});

afterEach(() => {
  stack.emulator.behaviour.answerDelayMs = 0;
  stack.emulator.behaviour.stuckInCommitStarted = false;
  const pending = stack.emulator.state.pendingSubmission(SEED_APP_ID);
  if (pending) stack.emulator.state.removeSubmission(pending.id);
});

describe('timeout-minutes bounds the whole run', () => {
  test('an api-url that accepts connections and never answers ends the run at the deadline, naming the phase', async () => {
    const run = await stack.run(
      { 'app-id': SEED_APP_ID, 'api-url': silentUrl, 'timeout-minutes': '0.1', packages: 'bounds/*.msixupload' },
      {},
      { timeoutMs: 60_000 },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(
      /Timed out after 6 s \('timeout-minutes: 0\.1'\) during 'Read the app 9NBLGGH4R315'; no submission was created/,
    );
    expect(run.summary).toContain('❌ failed');
  });

  test('a Store that answers every call after 30 s does not run on past the deadline', async () => {
    stack.emulator.behaviour.answerDelayMs = 30_000;
    const mutating = stack.emulator.mutatingRequests().length;
    const run = await stack.run(
      { 'app-id': SEED_APP_ID, 'timeout-minutes': '0.1', packages: 'bounds/*.msixupload' },
      {},
      { timeoutMs: 60_000 },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/Timed out after 6 s \('timeout-minutes: 0\.1'\)/);
    expect(stack.emulator.mutatingRequests().length).toBe(mutating);
  });
});

describe('a cancelled run still reports', () => {
  test('SIGTERM while waiting for the commit: one ::error naming the submission, the summary and the outputs', async () => {
    stack.emulator.behaviour.stuckInCommitStarted = true;
    const run = await stack.run(
      { 'app-id': SEED_APP_ID, packages: 'bounds/*.msixupload', 'timeout-minutes': '5' },
      {},
      { timeoutMs: 60_000, signalWhen: { signal: 'SIGTERM', when: (stdout) => /Committed submission/.test(stdout) } },
    );
    const id = run.outputs['submission-id'];
    expect(id).toMatch(/^\d+$/);
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(
      new RegExp(
        `The run was cancelled \\(SIGTERM\\): submission ${id} is still in CommitStarted \\(the run was in 'Wait for the commit to be processed'\\)\\. It stays in the Store`,
      ),
    );
    expect(run.summary).toContain('❌ failed');
    expect(run.summary).toContain(`| Submission | ${id} |`);
    expect(run.outputs.status).toBe('CommitStarted');
  });
});

describe('cost is bounded by the input, whatever the Store answers', () => {
  test('a 27-character glob of two million patterns is refused at once, naming the input and the pattern', async () => {
    const requests = stack.emulator.requests.length;
    const run = await stack.run(
      { 'app-id': SEED_APP_ID, packages: 'out/{1..2000000}.msixupload', 'timeout-minutes': '0.2' },
      {},
      { timeoutMs: 60_000 },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(
      "Input 'packages': 'out/{1..2000000}.msixupload' expands to 2,000,000 patterns",
    );
    expect(stack.emulator.requests.slice(requests)).toEqual([]);
  });

  test('an endless answer to GET applications/{id} fails the run with the cap, and the connection is closed', async () => {
    let closedByClient = false;
    let written = 0;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const endless = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = (): void => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
      };
      res.on('close', () => (closedByClient = !res.writableFinished));
      more();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    try {
      const run = await stack.run(
        {
          'app-id': SEED_APP_ID,
          packages: 'bounds/*.msixupload',
          'api-url': `http://127.0.0.1:${(endless.address() as net.AddressInfo).port}`,
          'timeout-minutes': '1',
        },
        {},
        { timeoutMs: 60_000 },
      );
      expect(run.exitCode).toBe(1);
      expect(run.errorLines).toHaveLength(1);
      expect(run.errorLines[0]).toContain('GET applications/9NBLGGH4R315: the answer is larger than 8 MiB');
      expect(closedByClient).toBe(true);
      expect(written).toBeLessThan(32 * 1024 * 1024);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
