/**
 * Starts Azurite, the real Azure Storage emulator (npm devDependency), on a free loopback port, for
 * end-to-end tests, the demo and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  readonly port: number;
  /** `http://127.0.0.1:<port>/devstoreaccount1` (path-style, as Azurite serves it). */
  readonly blobEndpoint: string;
  readonly accountName: string;
  readonly accountKey: string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`azurite-blob exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`azurite-blob did not listen on port ${port} within ${timeoutMs} ms`);
}

export interface AzuriteOptions {
  /** Listen here (e.g. to restart on the port a proxy forwards to); default a free port. */
  port?: number;
  /**
   * Keep blobs in memory (`--inMemoryPersistence`) instead of on disk. On disk one Azurite thread
   * spends a core at about 60-85 MiB/s; the benchmark's receiver must not be the bottleneck of a
   * 96 MiB/s link. Memory is freed only when the process ends, so start a fresh one per upload.
   */
  inMemory?: boolean;
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const location = await mkdtemp(path.join(os.tmpdir(), 'store-submit-azurite-'));
  const port = options.port ?? (await freePort());
  const bin = path.join(repoRoot, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--blobHost', '127.0.0.1',
      '--blobPort', String(port),
      // In memory it refuses --location; its working folder is still the temporary one.
      ...(options.inMemory ? ['--inMemoryPersistence'] : ['--location', location]),
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
    ],
    { cwd: location, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitForPort(port, child, 30000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`, { cause: error });
  }
  return {
    port,
    blobEndpoint: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_KEY,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(location, { recursive: true, force: true });
    },
  };
}
