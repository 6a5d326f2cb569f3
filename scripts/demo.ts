/**
 * A demo to watch: `npm run demo`.
 *
 * Starts Azurite and the Store API emulator, makes a sample package in a temporary workspace, and
 * runs the bundled action (`dist/index.js`) as a child process the way a GitHub runner does: inputs
 * as INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. The log streams live. It then
 * runs `command: status` until the submission reads Published, prints the job summary and the
 * outputs. Then the same for an MSI/EXE product: two installers served over HTTPS on 127.0.0.1 (a
 * throw-away certificate the action trusts through NODE_EXTRA_CA_CERTS), checked, submitted and
 * followed to PUBLISHED. Finally it stops everything.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  SEED_APP_ID,
  SEED_INSTALLER_PRODUCT_ID,
  SEED_SELLER_ID,
  startEmulator,
  type Emulator,
} from '../test/emulator/index.js';
import { actionDefaults, parseOutputFile } from '../test/support/action.js';
import { startAzurite, type Azurite } from '../test/support/azurite.js';
import {
  exampleInstallers,
  exeBytes,
  msiBytes,
  startInstallerServer,
  type InstallerServer,
} from '../test/support/installer-server.js';
import { writeNamedPackage } from '../test/support/packages.js';
import { connectionInputs } from '../test/support/stack.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(repoRoot, 'dist', 'index.js');
const PACKAGE = 'ContosoNotes_1.2.0.0_x64.msixupload';
const PACKAGE_BYTES = 6 * 1024 * 1024 + 4321;
const STATUS_STEP_MS = 1500;

const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const yellow = paint('33');
const red = paint('31');
const cyan = paint('36');

function banner(text: string): void {
  process.stdout.write(`\n${bold(cyan(`━━ ${text} `.padEnd(78, '━')))}\n`);
}

/**
 * Shows one line of the action's stdout as a person reading the runner's log would see it: workflow
 * commands rendered, masking and debug lines hidden.
 */
function render(line: string): string | undefined {
  if (line.startsWith('::add-mask::') || line.startsWith('::debug::') || line === '::endgroup::') return undefined;
  const command = /^::(group|warning|error|notice)(?: [^:]*)?::(.*)$/.exec(line);
  if (!command) return `  ${line}`;
  const [, kind, text] = command as unknown as [string, string, string];
  const message = text.replace(/%0A/g, '\n    ').replace(/%0D/g, '').replace(/%25/g, '%');
  if (kind === 'group') return bold(`▸ ${message}`);
  if (kind === 'warning') return yellow(`  warning: ${message}`);
  if (kind === 'error') return red(`  error: ${message}`);
  return `  notice: ${message}`;
}

interface Run {
  exitCode: number;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs the bundle with these inputs (over action.yml's defaults) and extra environment, teeing its log to the terminal. */
async function runAction(
  workspace: string,
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'store-submit-demo-run-'));
  const outputFile = path.join(scratch, 'output');
  const summaryFile = path.join(scratch, 'summary.md');
  const runnerTemp = path.join(scratch, 'runner-temp');
  await mkdir(runnerTemp);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'contoso/notes',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: runnerTemp,
    NO_PROXY: '127.0.0.1,localhost',
    ...extraEnv,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const child = spawn(process.execPath, [bundle], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const shown = render(line.replace(/\r$/, ''));
      if (shown !== undefined) process.stdout.write(`${shown}\n`);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  if (pending) process.stdout.write(`${render(pending) ?? ''}\n`);
  const run: Run = {
    exitCode,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
  await rm(scratch, { recursive: true, force: true });
  process.stdout.write(dim(`  (exit code ${exitCode})\n`));
  return run;
}

/** The summary's collapsed sections (the submission JSON) as one line each, as GitHub shows them. */
function collapseDetails(markdown: string): string {
  return markdown.replace(
    /<details><summary>(.*?)<\/summary>([\s\S]*?)<\/details>/g,
    (_all, title: string, body: string) => dim(`▸ ${title} (collapsed, ${body.trim().split('\n').length} lines)`),
  );
}

function printOutputs(outputs: Record<string, string>): void {
  const width = Math.max(...Object.keys(outputs).map((k) => k.length), 0);
  for (const [name, value] of Object.entries(outputs)) process.stdout.write(`  ${name.padEnd(width)}  ${value}\n`);
}

/**
 * The MSI/EXE run: an MSI and an EXE served over HTTPS (release assets, as it were), submitted to
 * the emulator's MSI/EXE product and followed to PUBLISHED. Returns whether it got there.
 */
async function installerDemo(
  workspace: string,
  connection: Record<string, string>,
  files: InstallerServer,
): Promise<boolean> {
  banner('MSI/EXE product: an installer file server on 127.0.0.1 (HTTPS)');
  const msi = files.serve('/releases/download/v2.1.0/Contoso-2.1.0-x64.msi', { body: msiBytes(3 * 1024 * 1024) });
  const exe = files.serve('/releases/download/v2.1.0/Contoso-2.1.0-arm64.exe', { body: exeBytes(2 * 1024 * 1024) });
  // The child trusts the server's throw-away certificate the way a runner would trust a private CA.
  const caFile = path.join(workspace, 'installer-server-ca.pem');
  await writeFile(caFile, files.ca);
  process.stdout.write(
    `  ${msi}\n  ${exe}\n  (the action trusts the server's certificate through NODE_EXTRA_CA_CERTS=${caFile})\n`,
  );
  const installersYaml = exampleInstallers(msi, exe);

  banner(`MSI/EXE run: submit 2 installers to product ${SEED_INSTALLER_PRODUCT_ID}, wait for publish`);
  const run = await runAction(
    workspace,
    {
      ...connection,
      'app-id': SEED_INSTALLER_PRODUCT_ID,
      'seller-id': SEED_SELLER_ID,
      installers: installersYaml,
      'release-notes': 'Faster start-up and a new dark theme.',
      'wait-for': 'publish',
      'timeout-minutes': '5',
    },
    { NODE_EXTRA_CA_CERTS: caFile },
  );
  banner('Job summary of the MSI/EXE run (GITHUB_STEP_SUMMARY)');
  process.stdout.write(collapseDetails(run.summary));
  banner('Outputs of the MSI/EXE run');
  printOutputs(run.outputs);
  const published = run.exitCode === 0 && run.outputs.status === 'PUBLISHED';
  process.stdout.write(
    `\n${bold(published ? `MSI/EXE submission ${run.outputs['submission-id'] ?? ''} reached PUBLISHED.` : `The MSI/EXE run did not reach PUBLISHED (status: ${run.outputs.status ?? 'unknown'}).`)}\n`,
  );
  return published;
}

async function main(): Promise<number> {
  if (!existsSync(bundle)) {
    process.stderr.write(
      `${path.relative(process.cwd(), bundle)} is missing: run 'npm run build' first, then 'npm run demo'.\n`,
    );
    return 1;
  }
  let azurite: Azurite | undefined;
  let emulator: Emulator | undefined;
  let workspace: string | undefined;
  let installers: InstallerServer | undefined;
  try {
    banner('Starting Azurite and the Store API emulator');
    azurite = await startAzurite();
    emulator = await startEmulator({ azurite, statusStepMs: STATUS_STEP_MS });
    process.stdout.write(`  Azurite (blob storage)  ${azurite.blobEndpoint}\n`);
    process.stdout.write(`  Store API emulator      ${emulator.apiUrl} (token authority ${emulator.authorityUrl})\n`);

    workspace = await mkdtemp(path.join(os.tmpdir(), 'store-submit-demo-'));
    const packagePath = path.join(workspace, 'out', 'x64', PACKAGE);
    // A real upload file (a bundle with its manifest, of the emulator app's identity): the action reads it before anything is created.
    await writeNamedPackage(packagePath, PACKAGE_BYTES);
    const packageBytes = (await stat(packagePath)).size;
    process.stdout.write(
      `  Sample package          out/x64/${PACKAGE} (${(packageBytes / 1048576).toFixed(1)} MB, Contoso.ContosoNotes 1.2.0.0 x64)\n`,
    );
    process.stdout.write(`  Workspace               ${workspace}\n`);

    const connection = { ...connectionInputs(emulator), 'poll-interval-seconds': '1' };

    banner(`Run 1: submit ${PACKAGE} to app ${SEED_APP_ID}, wait for publish`);
    const submit = await runAction(workspace, {
      ...connection,
      'app-id': SEED_APP_ID,
      packages: 'out/**/*.msixupload',
      'release-notes': 'Faster start-up and a new dark theme.',
      'wait-for': 'publish',
      'timeout-minutes': '5',
    });
    if (submit.exitCode !== 0) {
      banner('Job summary of run 1');
      process.stdout.write(submit.summary);
      process.stderr.write('\nThe submit run failed; see its log above.\n');
      return 1;
    }
    const submissionId = submit.outputs['submission-id'] ?? '';

    // 'wait-for: publish' may end at PendingPublication; publication follows a step later.
    let status: Run | undefined;
    for (let attempt = 1; attempt <= 10; attempt++) {
      banner(`Run ${attempt + 1}: command: status of submission ${submissionId}`);
      status = await runAction(workspace, {
        ...connection,
        command: 'status',
        'app-id': SEED_APP_ID,
        'submission-id': submissionId,
      });
      if (status.exitCode !== 0 || status.outputs.status === 'Published') break;
      process.stdout.write(dim(`  not Published yet; asking again in ${STATUS_STEP_MS / 1000} s\n`));
      await new Promise((resolve) => setTimeout(resolve, STATUS_STEP_MS));
    }

    banner('Job summary of the submit run (GITHUB_STEP_SUMMARY)');
    process.stdout.write(collapseDetails(submit.summary));
    banner('Outputs of the submit run');
    printOutputs(submit.outputs);
    banner('Outputs of the last status run');
    printOutputs(status?.outputs ?? {});

    const published = status?.exitCode === 0 && status.outputs.status === 'Published';
    process.stdout.write(
      `\n${bold(published ? `Submission ${submissionId} reached Published.` : `Submission ${submissionId} did not reach Published (last status: ${status?.outputs.status ?? 'unknown'}).`)}\n`,
    );

    installers = await startInstallerServer();
    const installersPublished = await installerDemo(workspace, connection, installers);
    return published && installersPublished ? 0 : 1;
  } finally {
    banner('Stopping the installer server, the emulator and Azurite');
    await installers?.close();
    await emulator?.close();
    await azurite?.stop();
    if (workspace) await rm(workspace, { recursive: true, force: true });
    process.stdout.write('  done\n');
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
