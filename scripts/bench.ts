/**
 * Benchmark of the whole action: `npm run bench [-- SIZE...] [options]` (sizes like 256M, 1G, 4.2G;
 * default 256M 1G).
 *
 * It bundles the current sources with ncc, runs that bundle as a runner does against the Store API
 * emulator and Azurite, and compares it with its peers in the same run: `curl -T` of the same bytes
 * on loopback and on a modelled slow link, and the actions/typescript-action template's start (an ncc bundle of
 * `@actions/core` that reads one required input and fails) for the cold start. What it
 * measures, how, and the figures: docs/performance.md.
 *
 * Options:
 *   --repeat N        action runs (and loopback curl runs) per size and link, median taken (default 3);
 *                     curl on the slow link runs once (its time is the model's rate)
 *   --links L,...     loopback, slow (default both)
 *   --no-curl         skip curl (e.g. 4.2G on the slow link); ratios to curl are then not shown
 *   --modules         also print the start-up cost of each library (bundled alone with esbuild): what
 *                     the path that loads it pays, and what every run would pay if it loaded at start
 *   --startup-only    only the cold start beside its peer, and the library costs (no uploads)
 *   --bundle PATH     run this bundle instead of building one
 *   --receiver R      memory or disk: Azurite keeps blobs there on every link (default: disk on
 *                     loopback, memory on the slow link)
 *   --node-arg ARG    one more Node.js option for the action's runs (repeatable), e.g. `--trace-gc` or
 *                     `--import=./probe.mjs` of a memory sampler
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, statfs, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { SEED_APP_ID, startEmulator, type Emulator } from '../test/emulator/index.js';
import { runAction } from '../test/support/action.js';
import { startAzurite, type Azurite, type AzuriteOptions } from '../test/support/azurite.js';
import { UPLOAD_CONTAINER } from '../test/emulator/blob.js';
import { writeNamedPackage } from '../test/support/packages.js';
import { connectionInputs } from '../test/support/stack.js';
import { SLOW_LINK, startThrottle, type LinkModel, type Throttle } from '../test/support/throttle.js';
import { fileReader, writeZip, zipSize, type ZipSink } from '../src/upload/zip.js';

const MiB = 1024 * 1024;
const PACKAGE_NAME = 'ContosoNotes_1.1.0.0_x64.msixupload';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

/** Writes the action process's peak RSS (KiB) to $BENCH_RSS_FILE when it exits. */
const RSS_PROBE =
  "data:text/javascript,import{openSync,writeSync}from'node:fs';const f=process.env.BENCH_RSS_FILE;" +
  "if(f)process.on('exit',()=>writeSync(openSync(f,'w'),String(process.resourceUsage().maxRSS)));";

interface Link {
  name: 'loopback' | 'slow';
  /** Where this link's Azurite listens (restarted there for each upload) and keeps blobs. */
  receiver: Receiver;
  model: LinkModel | undefined;
  emulator: Emulator;
  /** The blob endpoint this link reaches Azurite through. */
  blobEndpoint: string;
  throttle: Throttle | undefined;
}

interface ActionSample {
  seconds: number;
  rssMB: number;
  setting: string;
  check: string;
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

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Writes a real package of the emulator app's identity with `payload` bytes of payload (the action
 * reads its manifest before anything is created); returns the file's size (the payload and a few
 * KB of zip and manifest) and its SHA-256, hashed as a stream.
 */
async function makePackage(file: string, payload: number): Promise<{ size: number; sha: string }> {
  await writeNamedPackage(file, payload);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { size: (await stat(file)).size, sha: hash.digest('hex') };
}

/** The ready zip for curl: the same layout the action streams, written to a file (not timed). */
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

/** Bundles `entry` (default src/index.ts) with ncc into `outDir` (what `npm run build` does, elsewhere). */
async function buildBundle(outDir: string, entry = path.join(repoRoot, 'src', 'index.ts')): Promise<string> {
  process.stderr.write(`building ${path.basename(path.dirname(entry))}/${path.basename(entry)} with ncc...\n`);
  // The flags of `npm run build`, so that what is measured is what ships.
  await run(
    path.join(repoRoot, 'node_modules', '.bin', 'ncc'),
    ['build', entry, '-o', outDir, '--source-map', '--no-source-map-register'],
    {
      cwd: repoRoot,
      maxBuffer: 16 * MiB,
    },
  );
  return path.join(outDir, 'index.js');
}

/**
 * The start-up peer: the actions/typescript-action template's start, `@actions/core` reading one
 * required input and failing, written as a small source in `work` and bundled with ncc like the
 * action (its `node_modules` is the project's, through a link).
 */
async function buildTemplatePeer(work: string): Promise<string> {
  const folder = path.join(work, 'template-peer');
  await mkdir(folder, { recursive: true });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
  await writeFile(path.join(folder, 'package.json'), '{ "type": "module" }\n');
  const source = path.join(folder, 'index.js');
  await writeFile(
    source,
    [
      "import * as core from '@actions/core';",
      'try {',
      "  core.info(`x: ${core.getInput('x', { required: true })}`);",
      '} catch (error) {',
      '  core.setFailed(error instanceof Error ? error.message : String(error));',
      '}',
      '',
    ].join('\n'),
  );
  return buildBundle(path.join(folder, 'dist'), source);
}

/** Spawns `node args`, returns wall milliseconds from spawn to exit (stdout and stderr ignored). */
async function timeNode(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return performance.now() - started;
}

async function readRss(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  await rm(file, { force: true });
  return Number(text) / 1024;
}

/** Wall time and peak RSS of one bundle's start, medians. */
interface StartSample {
  ms: number;
  rssMB: number;
}

/**
 * The action's cold start (to its first input error: no inputs) and its peer's (the template's
 * start, to its required-input error), runs alternating so that both meet the same machine load;
 * medians of `runs`.
 */
async function coldStart(
  bundle: string,
  peer: string,
  work: string,
  runs: number,
): Promise<{ action: StartSample; peer: StartSample }> {
  const rssFile = path.join(work, 'rss-cold');
  const env = { PATH: process.env.PATH ?? '', HOME: os.homedir(), BENCH_RSS_FILE: rssFile, GITHUB_ACTIONS: 'true' };
  const samples = {
    action: { ms: [] as number[], rss: [] as number[] },
    peer: { ms: [] as number[], rss: [] as number[] },
  };
  for (let i = 0; i < runs; i++) {
    for (const [which, file] of [
      ['peer', peer],
      ['action', bundle],
    ] as const) {
      samples[which].ms.push(await timeNode([file], env, work));
      await timeNode(['--import', RSS_PROBE, file], env, work);
      samples[which].rss.push(await readRss(rssFile));
    }
  }
  const medians = (which: 'action' | 'peer'): StartSample => ({
    ms: median(samples[which].ms),
    rssMB: median(samples[which].rss),
  });
  return { action: medians('action'), peer: medians('peer') };
}

/**
 * Start-up cost of each library as the bundle would carry it: each bundled alone with esbuild and
 * imported by a bare node (time and peak RSS, medians, and their excess over an empty bundle).
 * `@actions/core` is the one the action loads at start (the platform library, in the peer too); the
 * others load on the paths that need them (`__tests__/unit/lazy.test.ts` keeps it so): what each
 * such path pays when it gets there, and what loading it at start would cost every run.
 */
async function moduleCosts(work: string, runs: number): Promise<string[][]> {
  const esbuild = await import('esbuild');
  const libraries = ['undici', 'yaml', '@actions/github', '@actions/artifact', '@azure/storage-blob'];
  const cases: [string, string[]][] = [
    ['(nothing)', []],
    ['@actions/core (loaded at start)', ['@actions/core']],
    ...libraries.map((m): [string, string[]] => [m, [m]]),
  ];
  const rssFile = path.join(work, 'rss-module');
  const env = { PATH: process.env.PATH ?? '', BENCH_RSS_FILE: rssFile };
  const rows: string[][] = [];
  let base = { ms: 0, rss: 0 };
  for (const [i, [name, imports]] of cases.entries()) {
    const file = path.join(work, `module-${i}.mjs`);
    await esbuild.build({
      stdin: {
        contents: imports.map((m, j) => `import * as m${j} from '${m}'; globalThis.m${j} = m${j};`).join('\n'),
        resolveDir: repoRoot,
        loader: 'js',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      outfile: file,
      logLevel: 'error',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const ms: number[] = [];
    const rss: number[] = [];
    for (let r = 0; r < runs; r++) {
      ms.push(await timeNode([file], env, work));
      await timeNode(['--import', RSS_PROBE, file], env, work);
      rss.push(await readRss(rssFile));
    }
    const m = { ms: median(ms), rss: median(rss) };
    if (i === 0) base = m;
    rows.push([
      name,
      ((await stat(file)).size / 1e6).toFixed(2),
      m.ms.toFixed(0),
      (m.ms - base.ms).toFixed(0),
      m.rss.toFixed(1),
      (m.rss - base.rss).toFixed(1),
    ]);
  }
  return rows;
}

async function curlUpload(url: string, zipPath: string): Promise<number> {
  const { stdout } = await run(
    'curl',
    [
      '-sS',
      '--noproxy',
      '*',
      '-T',
      zipPath,
      '-H',
      'x-ms-blob-type: BlockBlob',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{time_total}',
      url,
    ],
    { timeout: 60 * 60_000 },
  );
  const [status, seconds] = stdout.trim().split(' ');
  if (status !== '201') throw new Error(`curl -T answered HTTP ${status}`);
  return Number(seconds);
}

/** Connections of the harness-ceiling run: enough for the slow link's total (8 x 12 MiB/s) with room for round trips. */
const CEILING_CONNECTIONS = 16;

/** Where curl's blobs go (the action's go to the emulator's UPLOAD_CONTAINER). */
const BENCH_CONTAINER = 'bench';

/**
 * What the harness itself carries on `endpoint`: CEILING_CONNECTIONS `curl -T` at once, each with
 * an equal share of `totalBytes` (a part file cut from the ready zip); seconds until the last ends.
 * On a 2-core machine the receiver (Azurite, one thread) and the throttle share the CPU with the
 * sender: this is the best any uploader can do here, and the action is compared with it too.
 */
async function parallelCurl(
  azurite: Azurite,
  endpoint: string,
  zipPath: string,
  totalBytes: number,
  work: string,
): Promise<number> {
  const part = path.join(work, 'part.bin');
  const share = Math.ceil(totalBytes / CEILING_CONNECTIONS);
  await pipeline(createReadStream(zipPath, { start: 0, end: share - 1 }), createWriteStream(part));
  try {
    const urls = await Promise.all(
      Array.from({ length: CEILING_CONNECTIONS }, () => sasUrl(azurite, endpoint, BENCH_CONTAINER)),
    );
    const started = performance.now();
    await Promise.all(urls.map((url) => curlUpload(url, part)));
    return (performance.now() - started) / 1000;
  } finally {
    await rm(part, { force: true });
  }
}

/** A SAS URL for a fresh blob in `container`, on `endpoint` (Azurite's or the throttle's). */
async function sasUrl(azurite: Azurite, endpoint: string, container: string): Promise<string> {
  const { BlobSASPermissions, generateBlobSASQueryParameters } = await import('@azure/storage-blob');
  const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const blobName = `curl-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const query = generateBlobSASQueryParameters(
    {
      containerName: container,
      blobName,
      permissions: BlobSASPermissions.parse('rcw'),
      expiresOn: new Date(Date.now() + 4 * 3600_000),
    },
    credential,
  ).toString();
  return `${endpoint}/${container}/${blobName}?${query}`;
}

interface Receiver {
  port: number;
  inMemory: boolean;
}

/**
 * The receiver for the next upload: `previous` stopped and a fresh Azurite started as `receiver`
 * says (on the port the link's emulator and throttle point at, once the link has one), with the
 * bench's container and the emulator's. Fresh each time because in-memory Azurite frees deleted
 * blobs only when it ends (a 256 MiB + 1 GiB bench once hit its limit: HTTP 409
 * MemoryExtentStoreAtSizeLimit), and on disk so that one upload's write-back is not billed to the
 * next (`sync` after).
 */
async function freshAzurite(previous: Azurite | undefined, receiver: AzuriteOptions): Promise<Azurite> {
  await previous?.stop();
  const azurite = await startAzurite(receiver);
  const service = new BlobServiceClient(
    azurite.blobEndpoint,
    new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
  );
  for (const name of [BENCH_CONTAINER, UPLOAD_CONTAINER]) await service.getContainerClient(name).createIfNotExists();
  await run('sync');
  return azurite;
}

/** One run of the action on `link`; waits until the emulator has read the zip, and checks it. */
async function actionRun(
  bundle: string,
  link: Link,
  workspace: string,
  work: string,
  sha: string,
  size: number,
  nodeArgs: readonly string[],
): Promise<ActionSample> {
  const emulator = link.emulator;
  const pending = emulator.state.pendingSubmission(SEED_APP_ID);
  if (pending) emulator.state.removeSubmission(pending.id);
  const rssFile = path.join(work, 'rss-action');
  const result = await runAction({
    bundle,
    nodeArgs: ['--import', RSS_PROBE, ...nodeArgs],
    workspace,
    inputs: {
      ...connectionInputs(emulator),
      'app-id': SEED_APP_ID,
      packages: `out/${PACKAGE_NAME}`,
      'release-notes': 'Benchmark.',
      'wait-for': 'none',
      'on-pending': 'delete',
      'artifact-name': '',
    },
    env: { NO_PROXY: '127.0.0.1,localhost', BENCH_RSS_FILE: rssFile },
    timeoutMs: 60 * 60_000,
  });
  const rssMB = await readRss(rssFile);
  if (result.exitCode !== 0)
    throw new Error(
      `the action failed (exit ${result.exitCode}):\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-2000)}`,
    );
  const id = result.outputs['submission-id'] ?? '';
  // The emulator downloads the blob and hashes the zip's entries at commit.
  for (let i = 0; i < 7200 && emulator.state.status(id) === 'CommitStarted'; i++)
    await new Promise((r) => setTimeout(r, 100));
  const uploads = emulator.state.uploads(id) ?? [];
  const entry = uploads.find((u) => u.name === PACKAGE_NAME);
  const check =
    uploads.length === 1 && entry?.size === size && entry.sha256 === sha
      ? 'ok'
      : `MISMATCH (${emulator.state.status(id)}: ${JSON.stringify(uploads)})`;
  // Before it is published: the next run submits the same package version, which the action would
  // otherwise refuse as already in the last published submission.
  if (emulator.state.pendingSubmission(SEED_APP_ID)?.id === id) emulator.state.removeSubmission(id);
  const ended = /ended with (\d+ blocks? of [\d.]+ MiB)/.exec(result.stdout)?.[1] ?? '?';
  return { seconds: (result.elapsedMs ?? 0) / 1000, rssMB, setting: ended, check };
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let repeat = 3;
  let linkNames = ['loopback', 'slow'];
  let withCurl = true;
  let modules = false;
  let startupOnly = false;
  let givenBundle: string | undefined;
  let receiverGiven: string | undefined;
  const nodeArgs: string[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--repeat') repeat = Math.max(1, Number(args[++i]));
    else if (arg === '--links') linkNames = (args[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--no-curl') withCurl = false;
    else if (arg === '--modules') modules = true;
    else if (arg === '--startup-only') startupOnly = modules = true;
    else if (arg === '--bundle') givenBundle = path.resolve(args[++i] ?? '');
    else if (arg === '--receiver') receiverGiven = args[++i];
    else if (arg === '--node-arg') nodeArgs.push(args[++i] ?? '');
    else sizes.push(parseSize(arg));
  }
  if (sizes.length === 0) sizes.push(256 * MiB, 1024 * MiB);
  const unknown = linkNames.filter((n) => n !== 'loopback' && n !== 'slow');
  if (unknown.length) throw new Error(`unknown link(s) ${unknown.join(', ')}: use loopback, slow`);
  if (receiverGiven !== undefined && receiverGiven !== 'memory' && receiverGiven !== 'disk')
    throw new Error(`unknown receiver '${receiverGiven}': use memory, disk`);
  const inMemoryOn = (link: string): boolean =>
    receiverGiven === undefined ? link === 'slow' : receiverGiven === 'memory';
  const anyInMemory = linkNames.some(inMemoryOn);

  const work = await mkdtemp(path.join(os.tmpdir(), 'store-submit-bench-'));
  const fs = await statfs(work);
  // The package, the ready zip and a part of it, the emulator's download, Azurite's copy on disk.
  const need = Math.max(...sizes) * 5;
  if (fs.bavail * fs.bsize < need) throw new Error(`not enough free disk in ${work}: need ${label(need)}`);
  if (anyInMemory && os.freemem() < Math.max(...sizes) * 2)
    throw new Error(
      `not enough free memory for Azurite in memory: need ${label(Math.max(...sizes) * 2)} (or use --receiver disk)`,
    );
  const load: number[] = [os.loadavg()[0] ?? 0];
  let azurite: Azurite | undefined;
  const links: Link[] = [];
  try {
    const bundle = givenBundle ?? (await buildBundle(path.join(work, 'dist')));
    const peer = await buildTemplatePeer(work);
    process.stderr.write('cold start...\n');
    const cold = await coldStart(bundle, peer, work, 7);
    const moduleRows = modules ? await moduleCosts(work, 7) : [];

    const printStartup = (): void => {
      const ratio = cold.action.ms / cold.peer.ms;
      console.log(
        `\ncold start to the first input error (medians of 7): action ${cold.action.ms.toFixed(0)} ms, peak RSS ${cold.action.rssMB.toFixed(0)} MB; ` +
          `template peer (ncc bundle of @actions/core, one required input) ${cold.peer.ms.toFixed(0)} ms, ${cold.peer.rssMB.toFixed(0)} MB; ` +
          `action / peer ${ratio.toFixed(2)}x (target at most 1.25x and 90 MB: ${ratio <= 1.25 && cold.action.rssMB <= 90 ? 'met' : 'MISSED'}); ` +
          `load average (1 min) ${os.loadavg()[0]?.toFixed(1)}`,
      );
      if (moduleRows.length) {
        console.log(
          '\nstart-up cost of each library, bundled alone with esbuild (medians of 7; "+" columns: minus an empty bundle); the action loads only @actions/core at start\n',
        );
        console.log(table(['bundle of', 'MB', 'start ms', '+ms', 'peak RSS MB', '+MB'], moduleRows));
      }
    };
    if (startupOnly) {
      printStartup();
      return;
    }

    for (const name of linkNames) {
      // The link's first Azurite takes a port from the system; each fresh one restarts on it.
      azurite = await freshAzurite(azurite, { inMemory: inMemoryOn(name) });
      const receiver: Receiver = { port: azurite.port, inMemory: inMemoryOn(name) };
      const throttle =
        name === 'slow'
          ? await startThrottle({ targetPort: receiver.port, link: SLOW_LINK, lifetimeMs: 3 * 3600_000 })
          : undefined;
      const blobEndpoint = throttle
        ? azurite.blobEndpoint.replace(`:${azurite.port}/`, `:${throttle.port}/`)
        : azurite.blobEndpoint;
      // The emulator hands out upload URLs on this link's endpoint (and reads the zip back through it).
      const emulator = await startEmulator({ azurite: { ...azurite, blobEndpoint }, statusStepMs: 100 });
      links.push({
        name: name as Link['name'],
        receiver,
        model: throttle ? SLOW_LINK : undefined,
        emulator,
        blobEndpoint,
        throttle,
      });
    }

    const rows: string[][] = [];
    const workspace = path.join(work, 'workspace');
    await mkdir(path.join(workspace, 'out'), { recursive: true });
    for (const payload of sizes) {
      const file = path.join(workspace, 'out', PACKAGE_NAME);
      const zipPath = path.join(work, 'ready.zip');
      process.stderr.write(`${label(payload)}: making the package${withCurl ? ' and the ready zip' : ''}...\n`);
      const { size, sha } = await makePackage(file, payload);
      // The ready zip is only for curl.
      if (withCurl) await makeZip(zipPath, file, size);
      const zipBytes = zipSize([{ name: PACKAGE_NAME, size }]);
      for (const link of links) {
        const action: ActionSample[] = [];
        const curl: number[] = [];
        const curlRuns = withCurl ? (link.name === 'slow' ? 1 : repeat) : 0;
        for (let r = 0; r < Math.max(repeat, curlRuns); r++) {
          load.push(os.loadavg()[0] ?? 0);
          if (r < curlRuns) {
            azurite = await freshAzurite(azurite, link.receiver);
            curl.push(await curlUpload(await sasUrl(azurite, link.blobEndpoint, BENCH_CONTAINER), zipPath));
          }
          if (r < repeat) {
            azurite = await freshAzurite(azurite, link.receiver);
            action.push(await actionRun(bundle, link, workspace, work, sha, size, nodeArgs));
          }
          process.stderr.write(
            `  ${link.name} run ${r + 1}: action ${action.at(-1)?.seconds.toFixed(2) ?? '-'} s, ${action.at(-1)?.rssMB.toFixed(0) ?? '-'} MB, ${action.at(-1)?.setting ?? ''}; curl -T ${r < curlRuns ? `${curl.at(-1)?.toFixed(2)} s` : '-'}; load ${os.loadavg()[0]?.toFixed(1)}\n`,
          );
        }
        let ceiling: number | undefined;
        if (withCurl && link.model) {
          azurite = await freshAzurite(azurite, link.receiver);
          ceiling = await parallelCurl(azurite, link.blobEndpoint, zipPath, zipBytes, work);
          process.stderr.write(`  ${link.name}: ${CEILING_CONNECTIONS} x curl -T at once ${ceiling.toFixed(2)} s\n`);
        }
        const a = median(action.map((x) => x.seconds));
        const c = curl.length ? median(curl) : undefined;
        const linkLimit = link.model ? zipBytes / link.model.totalBytesPerSecond : undefined;
        const checks = [...new Set(action.map((x) => x.check))].join(', ');
        rows.push([
          link.name,
          link.receiver.inMemory ? 'memory' : 'disk',
          label(payload),
          a.toFixed(2),
          (zipBytes / 1e6 / a).toFixed(0),
          c === undefined ? '-' : c.toFixed(2),
          c === undefined ? '-' : (a / c).toFixed(2),
          c === undefined ? '-' : (a - c).toFixed(2),
          linkLimit === undefined ? '-' : (a / linkLimit).toFixed(2),
          ceiling === undefined || linkLimit === undefined
            ? '-'
            : `${ceiling.toFixed(2)} (${(ceiling / linkLimit).toFixed(2)})`,
          ceiling === undefined ? '-' : (a / ceiling).toFixed(2),
          Math.max(...action.map((x) => x.rssMB)).toFixed(0),
          action.at(-1)?.setting ?? '?',
          checks,
        ]);
      }
      await rm(file, { force: true });
      await rm(zipPath, { force: true });
    }

    const cpu = `${os.cpus().length} CPUs`;
    const loadText = `load average (1 min) ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`;
    console.log(
      `\nnode ${process.version}, ${cpu}, ${loadText}; action runs per size and link: ${repeat} (median), curl -T: ${withCurl ? `${repeat} on loopback, 1 on the slow link` : 'skipped'}`,
    );
    console.log('receiver: a fresh Azurite per upload, blobs on disk or in memory (column Azurite)');
    console.log(
      `slow link: ${SLOW_LINK.perConnectionBytesPerSecond / MiB} MiB/s per connection, ${SLOW_LINK.totalBytesPerSecond / MiB} MiB/s in all, ${SLOW_LINK.roundTripMs} ms round trip\n`,
    );
    console.log(
      table(
        [
          'link',
          'Azurite',
          'size',
          'action s',
          'action MB/s',
          'curl -T s',
          'action / curl',
          'action - curl s',
          'action / link limit',
          `${CEILING_CONNECTIONS} x curl s (/ link limit)`,
          `action / ${CEILING_CONNECTIONS} x curl`,
          'action peak RSS MB',
          'ended with',
          'zip check',
        ],
        rows,
      ),
    );
    printStartup();
    if (rows.some((r) => r.at(-1) !== 'ok')) process.exitCode = 1;
  } finally {
    for (const link of links) {
      await link.emulator.close();
      await link.throttle?.close();
    }
    await azurite?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
