/**
 * Unattended runs through the bundled action: values from inputs and from the Store never act as
 * workflow commands in the runner's output; a proxy that wants credentials is named at once, not
 * retried; the bundle run on a Node.js older than 24 says so in one error line; and a stuck
 * artifact service cannot hold a finished run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';
import { SEED_APP_ID } from '../../test/emulator/index.js';
import { startStuckArtifactService } from '../../test/support/artifact-service.js';
import { BUNDLE } from '../../test/support/global-setup.js';
import { startStack, type Stack } from '../../test/support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** Commands our own code writes, each at the very start of its line. */
const OWN_COMMANDS = /^::(group|endgroup|debug|add-mask)::/;

/**
 * The shortest marker `strayCommands` takes. The action's own `::add-mask::` lines carry random
 * tokens and signatures, where a 3-letter marker turns up now and then (CI met "INJ" in a bearer
 * token); 5 letters of 64 turn up about once in 10^7 masked values.
 */
const MIN_MARKER = 5;

/**
 * Lines of `stdout` the runner would take as workflow commands that are not our own: lines split
 * as the runner splits them, white space (and invisible characters) trimmed, `::` at the start or
 * `##[` anywhere. Our own commands pass unless a hostile value reached them: an `::add-mask::` or an
 * `::error` title holding one of `markers` (text only the hostile values hold) is stray too.
 */
function strayCommands(stdout: string, markers: readonly string[]): string[] {
  const short = markers.filter((m) => m.length < MIN_MARKER);
  if (short.length)
    throw new Error(`markers shorter than ${MIN_MARKER} characters match random tokens by chance: ${short.join(', ')}`);
  const hostile = (text: string) => markers.some((m) => text.includes(m));
  const stray: string[] = [];
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    // eslint-disable-next-line no-control-regex
    const trimmed = line.replace(/^[\s\u0000-\u001f\u0085\u200b-\u200f\u2060\ufeff]+/, '');
    if (!trimmed.startsWith('::') && !trimmed.includes('##[')) continue;
    if (trimmed === line && OWN_COMMANDS.test(line) && !(line.startsWith('::add-mask::') && hostile(line))) continue;
    if (trimmed === line && line.startsWith('::error') && !hostile(line.slice(0, line.indexOf('::', 2)))) continue;
    stray.push(line);
  }
  return stray;
}

describe('strayCommands (the check below)', () => {
  it('takes no random token for a hostile value, and finds a hostile mask and title', () => {
    // A bearer token the action masked in a CI run; it holds "INJ".
    const token = '::add-mask::J0zo7KJ78_UNpRSa6z25-YbyGRFviRp0INJpKb_r6M0fhIldhji0M-qNvNAECsyN';
    const own = [token, '::group::Create the flight', '::endgroup::', '::error title=Store error::refused'];
    expect(strayCommands(own.join('\n'), ['INJECTED', 'Created'])).toEqual([]);
    const hostile = ['::add-mask::Created', '::error title=INJECTED::x', '  ::warning::INJECTED', 'x ##[error]y'];
    expect(strayCommands([...own, ...hostile].join('\n'), ['INJECTED', 'Created'])).toEqual(hostile);
    expect(() => strayCommands(token, ['INJ'])).toThrow(/shorter than 5/);
  });
});

const FLIGHT_GROUPS = '1152921504607280740';

describe('hostile values never act as workflow commands', () => {
  test.each([
    [
      'flight-name with an error annotation',
      { 'flight-name': 'Ring X\n::error title=INJECTED::INJECTED', 'flight-groups': FLIGHT_GROUPS },
      '%3A:error title=INJECTED::INJECTED',
    ],
    [
      'flight-name with stop-commands',
      { 'flight-name': 'Ring Y\n::stop-commands::pwned', 'flight-groups': FLIGHT_GROUPS },
      '%3A:stop-commands::pwned',
    ],
    [
      "flight-json's friendlyName",
      {
        'flight-json': JSON.stringify({
          friendlyName: 'Ring Z\n::warning::INJECTED\r\n  ::add-mask::Created',
          groupIds: [FLIGHT_GROUPS],
        }),
      },
      '%3A:warning::INJECTED',
    ],
  ])('create-flight, %s: exit 0, no stray command, the value shown neutralised', async (_what, inputs, shown) => {
    const run = await stack.run({ command: 'create-flight', 'app-id': SEED_APP_ID, ...inputs });
    expect(run.exitCode).toBe(0);
    expect(run.errorLines).toEqual([]);
    expect(strayCommands(run.stdout, ['INJECTED', 'pwned', 'Created'])).toEqual([]);
    expect(run.stdout).toContain(shown);
    expect(run.outputs['flight-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.stdout).not.toMatch(/^::stop-commands::/m);
  });

  test("create-add-on, add-on-json's productId: exit 0, no stray command", async () => {
    const run = await stack.run({
      command: 'create-add-on',
      'app-id': SEED_APP_ID,
      'add-on-json': JSON.stringify({
        productId: 'pens\n::error title=INJECTED::INJECTED\n##[error]INJECTED',
        productType: 'Durable',
      }),
    });
    expect(run.exitCode).toBe(0);
    expect(run.errorLines).toEqual([]);
    expect(strayCommands(run.stdout, ['INJECTED'])).toEqual([]);
    expect(run.outputs['add-on-id']).toMatch(/^[0-9A-Z]{12}$/);
  });

  test("a Store value (the app's name) with stop-commands and a warning: exit 0, no stray command", async () => {
    const app = stack.emulator.state.apps.get(SEED_APP_ID);
    if (!app) throw new Error('no seeded app');
    const name = app.primaryName;
    app.primaryName = 'Contoso\n::stop-commands::pwned\n::warning title=INJECTED::INJECTED';
    try {
      const run = await stack.run({ 'app-id': SEED_APP_ID, 'dry-run': 'true', 'notes-for-certification': 'x' });
      expect(run.exitCode).toBe(0);
      expect(strayCommands(run.stdout, ['INJECTED', 'pwned'])).toEqual([]);
      expect(run.stdout).toContain('%3A:stop-commands::pwned');
    } finally {
      app.primaryName = name;
    }
  });

  test('a failure after a Store value with stop-commands: exactly one ::error line, our own, and nothing stopped it', async () => {
    const app = stack.emulator.state.apps.get(SEED_APP_ID);
    if (!app) throw new Error('no seeded app');
    const name = app.primaryName;
    app.primaryName = 'Contoso\n::stop-commands::pwned';
    try {
      const image = {
        listings: {
          'en-us': {
            baseListing: {
              images: [{ fileName: 'missing/shot.png', fileStatus: 'PendingUpload', imageType: 'Screenshot' }],
            },
          },
        },
      };
      const run = await stack.run({ 'app-id': SEED_APP_ID, 'submission-json': JSON.stringify(image) });
      expect(run.exitCode).toBe(1);
      expect(run.errorLines).toHaveLength(1);
      expect(run.errorLines[0]).toMatch(/^::error title=Invalid input::Input 'submission-json': .*missing\/shot\.png/);
      expect(run.stdout).toContain('%3A:stop-commands::pwned');
      expect(strayCommands(run.stdout, ['pwned'])).toEqual([]);
    } finally {
      app.primaryName = name;
    }
  });
});

/** A proxy that answers every request with 407, counting them. */
async function credentialProxy(): Promise<{ url: string; seen: number; close(): Promise<void> }> {
  const state = { seen: 0 };
  const server = http.createServer((_req, res) => {
    state.seen += 1;
    res.writeHead(407, { 'proxy-authenticate': 'Basic realm="corp"' }).end();
  });
  server.on('connect', (_req, socket: net.Socket) => {
    state.seen += 1;
    socket.end(
      'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

test('a proxy that wants credentials: one error naming the proxy and 407, at once, without its credentials', async () => {
  const proxy = await credentialProxy();
  try {
    const withCredentials = proxy.url.replace('http://', 'http://builder:Pr0xyPa55@');
    const run = await stack.run(
      { 'app-id': SEED_APP_ID, command: 'status' },
      { HTTP_PROXY: withCredentials, HTTPS_PROXY: withCredentials, NO_PROXY: '' },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toContain(
      `the proxy ${proxy.url} (HTTP_PROXY) answered HTTP 407 Proxy Authentication Required`,
    );
    // The password is masked from the start (the runner consumes ::add-mask:: lines) and shown nowhere.
    expect(run.stdout.split('\n')).toContain('::add-mask::Pr0xyPa55');
    const shown = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(shown).not.toMatch(/Pr0xyPa55|builder|connection failed|retrying/);
    expect(proxy.seen).toBe(1);
  } finally {
    await proxy.close();
  }
});

/** A Node.js older than 24 on this machine (the machine's /usr/bin/node is 20), with its version. */
function olderNode(): { path: string; version: string } | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (Number(/^v(\d+)\./.exec(version)?.[1]) < 24) return { path: candidate, version };
  }
  return undefined;
}

const OLD_NODE = olderNode();

// Shown as skipped, with its reason, where no older Node.js exists: never a pass that checked nothing.
(OLD_NODE ? test : test.skip)(
  OLD_NODE
    ? `the bundle on Node.js ${OLD_NODE.version} (${OLD_NODE.path}) says it needs 24, in one error line`
    : 'the bundle on an older Node.js says it needs 24 (skipped: no Node.js older than 24 at /usr/bin/node or /usr/local/bin/node)',
  async () => {
    const { path: node, version } = OLD_NODE as { path: string; version: string };
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(node, [BUNDLE], {
        cwd: stack.workspace,
        env: { PATH: process.env.PATH ?? '', INPUT_COMMAND: 'status' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^::error title=Unsupported Node\\.js::store-submit needs Node\\.js 24 or later, and this is Node\\.js ${version.slice(1).replace(/\./g, '\\.')}\\. .*v2\\.327\\.1`,
      ),
    );
  },
);

test('an artifact service that accepts and never answers: the run gives the record up, and ends by itself with its outputs and summary written', async () => {
  const service = await startStuckArtifactService();
  try {
    // A short deadline bounds the upload below its own 30 s; the harness would kill a run that hung (exit -1).
    const run = await stack.run(
      { 'app-id': SEED_APP_ID, command: 'status', 'timeout-minutes': '0.1' },
      { ...service.env, NO_PROXY: '127.0.0.1,localhost' },
      { timeoutMs: 60_000 },
    );
    expect(run.exitCode).toBe(0);
    expect(service.requests).toBeGreaterThan(0);
    expect(run.stdout).toMatch(
      /^::warning::Gave up uploading the run record artifact 'store-submission-record': the artifact service did not answer within \d+ s$/m,
    );
    expect(run.outputs.status).toBeTruthy();
    expect(run.summary).toContain('## Microsoft Store: status');
  } finally {
    await service.close();
  }
});
