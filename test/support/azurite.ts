/**
 * Starts Azurite, the real Azure Storage emulator (npm devDependency), on a free loopback port, for
 * end-to-end tests, the demo and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  readonly port: number;
  /** `http://127.0.0.1:<port>/devstoreaccount1` (path-style, as Azurite serves it). */
  readonly blobEndpoint: string;
  readonly accountName: string;
  readonly accountKey: string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The line Azurite prints once its server listens, with the address it really bound. */
const LISTENING = /successfully listens on https?:\/\/[^\s:]+:(\d+)/;

/**
 * The port `child` (an Azurite) says it listens on, once it says so. Its own word, not a connection
 * test: a port that was free a moment ago may since belong to another test's server (CI once sent
 * a whole suite's blob calls to a Store emulator that had taken Azurite's port), and a connection
 * test would take that server for Azurite.
 */
async function listeningPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(`azurite-blob did not say it listens within ${timeoutMs} ms`), timeoutMs);
    const fail = (message: string) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      reject(new Error(`${message}\n${stdout}${stderr()}`));
    };
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      child.off('close', onClose);
      // Keep draining what it prints on closing, so a full pipe never blocks it.
      child.stdout?.off('data', onData).resume();
      resolve(Number(match[1]));
    };
    // 'close', not 'exit': it comes once stdout and stderr are read to the end, so the error holds
    // why Azurite stopped (EADDRINUSE, say).
    const onClose = (code: number | null) => fail(`azurite-blob exited with code ${code} before it listened`);
    child.stdout?.on('data', onData);
    child.once('close', onClose);
  });
}

export interface AzuriteOptions {
  /**
   * Listen here (to restart on the port a proxy forwards to); fails if the port is taken. Default:
   * a port the system gives Azurite itself as it binds.
   */
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
  const bin = path.join(repoRoot, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(options.port ?? 0),
      // In memory it refuses --location; its working folder is still the temporary one.
      ...(options.inMemory ? ['--inMemoryPersistence'] : ['--location', location]),
      '--silent',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--loose',
    ],
    { cwd: location, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let port: number;
  try {
    port = await listeningPort(child, 30000, () => stderr);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(location, { recursive: true, force: true });
    throw error;
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
