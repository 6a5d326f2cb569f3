/**
 * The end-to-end stack: Azurite, the Store API emulator, a workspace of sample files, and a way to
 * run the built action against them as the runner would.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CREDENTIALS, startEmulator, type Emulator, type EmulatorOptions, type Shapes } from '../emulator/index.js';
import { findLeaks, runAction, type ActionRun, type RunOptions } from './action.js';
import { startAzurite, type Azurite } from './azurite.js';
import { specFromName, writeNamedPackage } from './packages.js';

export interface Stack {
  azurite: Azurite;
  emulator: Emulator;
  workspace: string;
  /** Sign-in and endpoint inputs pointing at the emulator. */
  connection: Record<string, string>;
  /**
   * Writes a file under the workspace; returns its sha256. A package name (`.msix`, `.appx`,
   * bundles, `.msixupload`/`.appxupload`) gets a real package (writeNamedPackage) of the emulator
   * app's identity with the version and architectures its name announces and about `bytes` of
   * payload; any other name gets `bytes` random bytes.
   */
  file(relativePath: string, bytes: number): Promise<string>;
  /** Writes a real package named like a package, with `identity` instead of the emulator app's; returns its sha256. */
  package(relativePath: string, identity: { name?: string; publisher?: string }, bytes?: number): Promise<string>;
  /**
   * Runs the action and checks that no secret the run could know leaked anywhere, and that no
   * submission PUT of the run left out a key the Store had sent (keysLostBy).
   */
  run(
    inputs: Record<string, string>,
    env?: Record<string, string>,
    options?: Pick<RunOptions, 'timeoutMs' | 'signalWhen'>,
  ): Promise<ActionRun>;
  stop(): Promise<void>;
}

/**
 * The shapes the emulator of a stack serves unless a test says otherwise: the jest project's
 * (`globals.emulatorShapes` in jest.config.js: "e2e documented", "e2e recorded"), else documented.
 */
export const STACK_SHAPES: Shapes =
  (globalThis as { emulatorShapes?: Shapes }).emulatorShapes === 'recorded' ? 'recorded' : 'documented';

/** SAS fields that grant or name the grant: the signature, and a user-delegation key's object and tenant. */
const SECRET_SAS_FIELDS = ['sig', 'skoid', 'sktid'];

/** Every secret of a run: the client secret, the access tokens issued, the secret SAS fields of upload URLs. */
export function secretsOf(emulator: Emulator): string[] {
  const found = new Set<string>([CREDENTIALS.clientSecret, emulator.oidc.requestToken]);
  for (const token of emulator.tokens) found.add(token.accessToken);
  for (const submission of emulator.state.submissions.values()) {
    const url = submission.resource.fileUploadUrl;
    if (typeof url === 'string' && url.includes('sig=')) {
      const query = new URL(url.replace(/\+/g, '%2B')).searchParams;
      for (const field of SECRET_SAS_FIELDS) found.add(query.get(field) ?? '');
    }
  }
  return [...found].filter(Boolean);
}

/**
 * The keys that the submission PUTs taken since request number `from` left out although the stored
 * submission had them (`submission 115...: allowTargetFutureDeviceFamilies.7`): keys the pages do
 * not list must round-trip untouched (docs/store-api.md#what-the-live-services-send).
 */
export function keysLostBy(emulator: Emulator, from: number): string[] {
  const ids = new Set(
    emulator.requests
      .slice(from)
      .filter((r) => r.kind === 'api' && r.method === 'PUT' && r.status === 200)
      .map((r) => r.path.split('/').pop() ?? ''),
  );
  return [...ids].flatMap((id) =>
    (emulator.state.submissions.get(id)?.droppedKeys ?? []).map((key) => `submission ${id}: ${key}`),
  );
}

/** The action inputs that sign in to the emulator and point the action at it. */
export function connectionInputs(emulator: Emulator): Record<string, string> {
  return {
    'tenant-id': CREDENTIALS.tenantId,
    'client-id': CREDENTIALS.clientId,
    'client-secret': CREDENTIALS.clientSecret,
    'authority-url': emulator.authorityUrl,
    'api-url': emulator.apiUrl,
  };
}

export async function startStack(options: Omit<EmulatorOptions, 'azurite'> = {}): Promise<Stack> {
  const azurite = await startAzurite();
  const emulator = await startEmulator({
    statusStepMs: 100,
    ...options,
    variant: { shapes: STACK_SHAPES, ...options.variant },
    azurite,
  });
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'store-submit-ws-'));
  const connection = { ...connectionInputs(emulator), 'poll-interval-seconds': '0.2' };
  return {
    azurite,
    emulator,
    workspace,
    connection,
    async file(relativePath, bytes) {
      const full = path.join(workspace, relativePath);
      if (specFromName(full)) return writePackageFile(full, bytes, {});
      await mkdir(path.dirname(full), { recursive: true });
      const content = randomBytes(bytes);
      await writeFile(full, content);
      return createHash('sha256').update(content).digest('hex');
    },
    package(relativePath, identity, bytes = 1024) {
      return writePackageFile(path.join(workspace, relativePath), bytes, identity);
    },
    async run(inputs, env = {}, options = {}) {
      const before = emulator.requests.length;
      const result = await runAction({
        inputs: { ...connection, ...inputs },
        workspace,
        env: { NO_PROXY: '127.0.0.1,localhost', ...env },
        ...options,
      });
      const leaks = findLeaks(result, secretsOf(emulator));
      if (leaks.length) throw new Error(`Secrets leaked:\n${leaks.join('\n')}\n--- stdout ---\n${result.stdout}`);
      const lost = keysLostBy(emulator, before);
      if (lost.length) throw new Error(`A PUT of the run left out keys the Store sent:\n${lost.join('\n')}`);
      return result;
    },
    async stop() {
      await emulator.close();
      await azurite.stop();
      await rm(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * Writes a real package of `bytes` bytes where the package's own entries leave room (else as small
 * as it gets): the payload is stored, so the file grows byte for byte with it, and a second write
 * with the payload less the first write's overhead hits the size exactly. Returns its sha256.
 */
async function writePackageFile(
  file: string,
  bytes: number,
  identity: { name?: string; publisher?: string },
): Promise<string> {
  await writeNamedPackage(file, bytes, identity);
  const overhead = (await stat(file)).size - bytes;
  if (overhead !== 0 && bytes - overhead >= 1) await writeNamedPackage(file, bytes - overhead, identity);
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
