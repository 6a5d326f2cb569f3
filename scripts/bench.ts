/**
 * Benchmark of the upload path: `npm run bench [-- SIZE...] [--repeat N]` (sizes like 256M, 1G;
 * default 256M 1G).
 *
 * For every size it makes a package of random bytes, then against one Azurite on loopback times
 *   (a) store-submit's zip-and-upload path (`uploadEntries`), in a child process so that its peak
 *       RSS is its own, and
 *   (b) `curl -T` of a ready zip of the same bytes to a fresh SAS blob on the same server,
 * prints both times, their ratio and the peak RSS of (a), and checks the blob (a) wrote: the zip
 * opens and the package inside is byte-identical. Block size and concurrency follow
 * STORE_SUBMIT_BLOCK_SIZE_MB / STORE_SUBMIT_UPLOAD_CONCURRENCY when set.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yauzl from 'yauzl';
import { startAzurite } from '../test/support/azurite.js';
import { makeContainer } from '../__tests__/unit/upload/support.js';
import { uploadEntries } from '../src/upload/upload.js';
import { fileReader, writeZip, type ZipSink } from '../src/upload/zip.js';

const MiB = 1024 * 1024;
const PACKAGE_NAME = 'MyApp_1.0.0.0_x64.msixupload';
const scriptPath = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(scriptPath), '..');

interface ChildReport {
  seconds: number;
  maxRssMB: number;
  bytes: number;
}

/** (a), in the child: one upload, then its own peak RSS. */
async function child(url: string, file: string): Promise<void> {
  const started = performance.now();
  const result = await uploadEntries(url, [{ name: PACKAGE_NAME, path: file }], { progressIntervalMs: 0 });
  const seconds = (performance.now() - started) / 1000;
  const report: ChildReport = { seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, bytes: result.bytes };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text);
  if (!m) throw new Error(`bad size '${text}' (use e.g. 256M or 1G)`);
  const unit = { '': MiB, K: 1024, M: MiB, G: 1024 * MiB }[(m[2] ?? '').toUpperCase()] ?? MiB;
  return Math.round(Number(m[1]) * unit);
}

function label(bytes: number): string {
  return bytes >= 1024 * MiB ? `${+(bytes / 1024 / MiB).toFixed(2)} GiB` : `${+(bytes / MiB).toFixed(1)} MiB`;
}

/** Writes `size` random bytes; returns their SHA-256. */
async function makePackage(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  const chunk = Buffer.alloc(8 * MiB);
  for (let left = size; left > 0; ) {
    const n = Math.min(left, chunk.length);
    randomFillSync(chunk, 0, n);
    const piece = Buffer.from(chunk.subarray(0, n));
    hash.update(piece);
    if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
    left -= n;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

/** The ready zip for (b), written with the same layout to a file (not timed). */
async function makeZip(zipPath: string, file: string, size: number): Promise<void> {
  const fd = openSync(zipPath, 'w');
  let position = 0;
  let headerAt = 0;
  const scratch = Buffer.alloc(8 * MiB);
  const append = (bytes: Buffer): void => {
    writeSync(fd, bytes, 0, bytes.length, position);
    position += bytes.length;
  };
  const sink: ZipSink = {
    async beginEntry(header) {
      headerAt = position;
      append(header);
    },
    async reserve(max) {
      return scratch.subarray(0, Math.min(max, scratch.length));
    },
    commit(length) {
      append(scratch.subarray(0, length));
    },
    async endEntry(header) {
      writeSync(fd, header, 0, header.length, headerAt);
    },
    async write(bytes) {
      append(bytes);
    },
  };
  try {
    await writeZip([{ name: PACKAGE_NAME, size, open: fileReader(file) }], sink);
  } finally {
    closeSync(fd);
  }
}

/**
 * Bundles this script the way the action is shipped (one ESM file, as ncc does), so the child runs
 * on plain node: its RSS is the upload's, not the TypeScript loader's (tsx adds ~30 MB).
 */
async function bundleChild(outfile: string): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [scriptPath],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

async function runChild(childScript: string, url: string, file: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [childScript, '--child', url, file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`upload child exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(line) as ChildReport);
      } catch {
        reject(new Error(`upload child printed no report: ${out}`));
      }
    });
  });
}

async function curlUpload(url: string, zipPath: string): Promise<number> {
  const { stdout } = await promisify(execFile)('curl', [
    '-sS', '-T', zipPath, '-H', 'x-ms-blob-type: BlockBlob', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', url,
  ]);
  const [status, seconds] = stdout.trim().split(' ');
  if (status !== '201') throw new Error(`curl -T answered HTTP ${status}`);
  return Number(seconds);
}

/** Downloads the blob, opens the zip and hashes the package inside. */
async function verify(downloadTo: string, download: (to: string) => Promise<void>, expectedSha: string, size: number): Promise<string> {
  await download(downloadTo);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(downloadTo, { lazyEntries: true, autoClose: false }, (e, z) => (e ? reject(e) : resolve(z))),
  );
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.once('entry', resolve);
      zip.once('error', reject);
      zip.readEntry();
    });
    if (entry.fileName !== PACKAGE_NAME || entry.uncompressedSize !== size) return `unexpected entry ${entry.fileName} (${entry.uncompressedSize} bytes)`;
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))),
    );
    const hash = createHash('sha256');
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return hash.digest('hex') === expectedSha ? 'ok' : 'MISMATCH';
  } finally {
    zip.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] ?? '', args[2] ?? '');
  let repeat = 1;
  const sizes: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--repeat') repeat = Math.max(1, Number(args[++i]));
    else sizes.push(parseSize(arg));
  }
  if (sizes.length === 0) sizes.push(256 * MiB, 1024 * MiB);
  const work = await mkdtemp(path.join(os.tmpdir(), 'store-submit-bench-'));
  const fs = await statfs(work);
  const need = Math.max(...sizes) * 5;
  if (fs.bavail * fs.bsize < need) throw new Error(`not enough free disk in ${work}: need ${label(need)}`);
  const childScript = path.join(work, 'bench-child.mjs');
  await bundleChild(childScript);
  const azurite = await startAzurite();
  const rows: string[][] = [];
  try {
    const container = await makeContainer(azurite, 'bench');
    for (const size of sizes) {
      const file = path.join(work, PACKAGE_NAME);
      const zipPath = path.join(work, 'ready.zip');
      process.stderr.write(`${label(size)}: making the package and the ready zip...\n`);
      const sha = await makePackage(file, size);
      await makeZip(zipPath, file, size);
      await promisify(execFile)('sync');
      const zipBytes = (await stat(zipPath)).size;
      const a: ChildReport[] = [];
      const b: number[] = [];
      let verified = 'ok';
      for (let r = 0; r < repeat; r++) {
        // Each timed run starts with no dirty pages left by the previous one (Azurite writes every
        // blob to disk; write-back of one run must not be billed to the next).
        await promisify(execFile)('sync');
        const curlUrl = container.sasUrl();
        b.push(await curlUpload(curlUrl, zipPath));
        await container.client.getBlockBlobClient(blobName(curlUrl)).delete();
        await promisify(execFile)('sync');
        const url = container.sasUrl({ rawPlus: true });
        const report = await runChild(childScript, url, file);
        if (report.bytes !== zipBytes) verified = `size ${report.bytes} != ${zipBytes}`;
        a.push(report);
        process.stderr.write(`  run ${r + 1}: (a) ${report.seconds.toFixed(2)} s, ${report.maxRssMB.toFixed(0)} MB RSS; (b) ${b[b.length - 1]?.toFixed(2)} s\n`);
        if (r === repeat - 1) {
          const downloaded = path.join(work, 'downloaded.zip');
          const blob = container.client.getBlockBlobClient(blobName(url));
          const check = await verify(downloaded, async (to) => void (await blob.downloadToFile(to)), sha, size);
          if (check !== 'ok') verified = check;
          await rm(downloaded, { force: true });
        }
        await container.client.getBlockBlobClient(blobName(url)).delete();
      }
      const aSeconds = median(a.map((x) => x.seconds));
      const bSeconds = median(b);
      const rss = Math.max(...a.map((x) => x.maxRssMB));
      rows.push([
        label(size),
        aSeconds.toFixed(2),
        (zipBytes / 1e6 / aSeconds).toFixed(0),
        bSeconds.toFixed(2),
        (zipBytes / 1e6 / bSeconds).toFixed(0),
        (aSeconds / bSeconds).toFixed(2),
        rss.toFixed(0),
        verified,
      ]);
      await rm(file, { force: true });
      await rm(zipPath, { force: true });
    }
  } finally {
    await azurite.stop();
    await rm(work, { recursive: true, force: true });
  }
  const blockMb = process.env.STORE_SUBMIT_BLOCK_SIZE_MB ?? '12 (default)';
  const concurrency = process.env.STORE_SUBMIT_UPLOAD_CONCURRENCY ?? '4 (default)';
  const header = ['size', '(a) zip+upload s', '(a) MB/s', '(b) curl -T s', '(b) MB/s', 'a/b', '(a) peak RSS MB', 'blob check'];
  console.log(`\nblock size ${blockMb} MiB, concurrency ${concurrency}, ${repeat} run(s) per size (median), node ${process.version}, ${os.cpus().length} CPUs\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  if (rows.some((r) => r[7] !== 'ok')) process.exitCode = 1;
}

function blobName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').slice(3).join('/'));
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

await main();
