/**
 * No secret reaches a log, an output, the summary, a file or the uploaded run record. Every
 * end-to-end run goes through `stack.run`, which scans stdout, stderr, outputs, summary and the
 * files under RUNNER_TEMP for the client secret, the OIDC request token, every access token and every
 * SAS signature (raw, URL-encoded, `+` as %2B, JSON-escaped). This suite first proves that scanner
 * catches what it must (so it cannot pass vacuously), then runs the action down its talkative paths
 * (debug logging, retries, sign-in failure, OIDC, dry run, failed commit, status, the artifact) with a
 * wider scan: base64 forms, the Basic-auth pair, JWT-shaped strings, files left in the workspace,
 * and the run record as uploaded to a fake artifact service.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { BlobStore } from '../../test/emulator/blob.js';
import { CREDENTIALS, SEED_APP_ID } from '../../test/emulator/index.js';
import { findLeaks, runAction, type ActionRun } from '../../test/support/action.js';
import { secretsOf, startStack, type Stack } from '../../test/support/stack.js';

const totals = { runs: 0, scans: 0 };

function fakeRun(overrides: Partial<ActionRun> = {}): ActionRun {
  return {
    exitCode: 0,
    stdout: 'Created submission 1152921504606846976\n',
    stderr: '',
    outputs: { status: 'PreProcessing' },
    summary: '## Store submission\n',
    tempFiles: {},
    errorLines: [],
    ...overrides,
  };
}

/** Every encoding findLeaks promises to catch. */
function encodings(secret: string): Record<string, string> {
  return {
    raw: secret,
    'URL-encoded': encodeURIComponent(secret),
    '+ as %2B': secret.replace(/\+/g, '%2B'),
    'JSON-escaped': JSON.stringify(secret).slice(1, -1),
  };
}

/** Where a secret can be planted in a run. */
const SURFACES: Record<string, (text: string) => Partial<ActionRun>> = {
  stdout: (text) => ({ stdout: `::group::Sign in\nusing ${text} now\n::endgroup::\n` }),
  stderr: (text) => ({ stderr: `Error: request failed with ${text}\n` }),
  outputs: (text) => ({ outputs: { status: 'CommitFailed', 'status-details': `{"errors":[{"details":"${text}"}]}` } }),
  summary: (text) => ({ summary: `| Error | ${text} |\n` }),
  'a file under RUNNER_TEMP': (text) => ({ tempFiles: { 'store-submit-record/record.json': `{"calls":["${text}"]}` } }),
};

/** The wider scan of this suite: what findLeaks does, and base64 forms, Basic auth, JWTs, extra texts. */
function deepLeaks(run: ActionRun, secrets: string[], extra: Record<string, string> = {}): string[] {
  totals.scans += 1;
  const leaks = findLeaks({ ...run, tempFiles: { ...run.tempFiles, ...extra } }, secrets);
  const forms = new Set<string>();
  for (const secret of secrets.filter((s) => s.length >= 8)) {
    forms.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    forms.add(Buffer.from(secret).toString('base64url'));
  }
  forms.add(Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64').replace(/=+$/, ''));
  forms.add(
    Buffer.from(`${encodeURIComponent(CREDENTIALS.clientId)}:${encodeURIComponent(CREDENTIALS.clientSecret)}`)
      .toString('base64')
      .replace(/=+$/, ''),
  );
  const surfaces: Record<string, string> = {
    stdout: run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    stderr: run.stderr,
    outputs: JSON.stringify(run.outputs),
    summary: run.summary,
    ...Object.fromEntries(Object.entries({ ...run.tempFiles, ...extra }).map(([name, text]) => [`file ${name}`, text])),
  };
  for (const [place, text] of Object.entries(surfaces)) {
    for (const form of forms)
      if (form.length >= 8 && text.includes(form))
        leaks.push(`${place} contains an encoded secret ${form.slice(0, 6)}…`);
    // A JSON Web Token: an access token, the GitHub OIDC token or the runtime token, whoever issued it.
    if (/eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/.test(text)) leaks.push(`${place} contains a JWT`);
  }
  return leaks;
}

function jwt(payload: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.${randomBytes(32).toString('base64url')}`;
}

describe('the leak scanner catches what it must', () => {
  const sig = 'dzjLKuxFv/ssXKhQmv2bA+Sb0AYMz2aNzxflB6TzdgE=';
  const token = jwt({ aud: 'https://manage.devcenter.microsoft.com', tid: CREDENTIALS.tenantId });
  const secrets = [CREDENTIALS.clientSecret, token, sig];

  test.each(
    secrets.flatMap((secret, i) =>
      Object.entries(encodings(secret)).flatMap(([encoding, text]) =>
        Object.keys(SURFACES).map(
          (surface) => [['client secret', 'access token', 'SAS signature'][i], encoding, surface, text] as const,
        ),
      ),
    ),
  )('%s, %s, in %s', (_secret, _encoding, surface, text) => {
    const leaks = findLeaks(fakeRun(SURFACES[surface]?.(text)), secrets);
    expect(leaks.length).toBeGreaterThan(0);
    const place = surface === 'a file under RUNNER_TEMP' ? 'file store-submit-record/record.json' : surface;
    expect(leaks.every((leak) => leak.startsWith(`${place} `))).toBe(true);
  });

  test('a clean run, a masked value and a ::add-mask:: command are not leaks', () => {
    expect(findLeaks(fakeRun(), secrets)).toEqual([]);
    const masked = fakeRun({
      stdout: `::add-mask::${CREDENTIALS.clientSecret}\nUploading to http://127.0.0.1:1/devstoreaccount1/ingestion/x?sv=2018-11-09&sig=***\nBearer ***\n`,
    });
    expect(findLeaks(masked, secrets)).toEqual([]);
    expect(deepLeaks(masked, secrets)).toEqual([]);
  });

  test('a SAS signature the run never registered is still caught by its shape', () => {
    const run = fakeRun({
      stderr: 'PUT https://x.blob.core.windows.net/c/b?sv=2018-11-09&sr=b&sp=rwl&sig=AbCdEf%2Bg%3D failed',
    });
    expect(findLeaks(run, [])).toEqual(['stderr contains a SAS signature']);
  });

  test('the wider scan catches base64 forms, the Basic-auth pair and any JWT', () => {
    const basic = Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64');
    expect(deepLeaks(fakeRun({ stdout: `authorization: Basic ${basic}\n` }), secrets)).toContain(
      'stdout contains an encoded secret ' + basic.slice(0, 6) + '…',
    );
    const b64 = Buffer.from(CREDENTIALS.clientSecret).toString('base64');
    expect(deepLeaks(fakeRun({ summary: b64 }), secrets).length).toBeGreaterThan(0);
    // A token the scanner was never told about (the GitHub OIDC token) is caught by its shape.
    const oidc = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:octo-org/octo-app:ref:refs/heads/main',
    });
    expect(deepLeaks(fakeRun({ outputs: { x: oidc } }), [])).toEqual(['outputs contains a JWT']);
    expect(deepLeaks(fakeRun(), [], { 'artifact store-submission-record.json': `{"token":"${oidc}"}` })).toEqual([
      'file artifact store-submission-record.json contains a JWT',
    ]);
  });
});

/** A stand-in for the GitHub artifact service: twirp CreateArtifact/FinalizeArtifact, blobs in Azurite. */
interface ArtifactService {
  url: string;
  runtimeToken: string;
  /** SAS signatures handed out for artifact uploads (secrets too). */
  signatures: string[];
  /** Text of every file in every artifact uploaded so far, by `artifact/file` name. */
  files(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

async function startArtifactService(stack: Stack): Promise<ArtifactService> {
  const blobs = new BlobStore(stack.azurite, 60 * 60_000);
  const uploads: { name: string; blob: { container: string; name: string } }[] = [];
  const signatures: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { name?: string };
        const reply = (value: unknown) => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.url?.endsWith('/CreateArtifact')) {
          const upload = await blobs.newUploadUrl();
          uploads.push({ name: body.name ?? '?', blob: upload.blob });
          const url = upload.url.replace(/\+/g, '%2B');
          signatures.push(decodeURIComponent(new URL(url).searchParams.get('sig') ?? ''));
          reply({ ok: true, signed_upload_url: url });
        } else if (req.url?.endsWith('/FinalizeArtifact')) {
          reply({ ok: true, artifact_id: String(uploads.length) });
        } else {
          res.writeHead(404).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    runtimeToken: jwt({
      scp: `Actions.Results:${randomUUID()}:${randomUUID()}`,
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
    signatures,
    async files() {
      const texts: Record<string, string> = {};
      for (const upload of uploads) {
        const downloaded = await blobs.download(upload.blob);
        if (!downloaded) continue;
        try {
          for (const [name, text] of Object.entries(await unzipTexts(downloaded.file)))
            texts[`${upload.name}/${name}`] = text;
        } finally {
          await rm(downloaded.dir, { recursive: true, force: true });
        }
      }
      return texts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function unzipTexts(file: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const texts: Record<string, string> = {};
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            texts[entry.fileName] = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(texts));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Command values are escaped: % \r \n as %25 %0D %0A. */
function unescapeCommand(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/**
 * stdout with the runner's masking applied to the lines @actions/artifact prints (from its first
 * line, 'Artifact name is valid!', on); the action's own lines before it are left as they are.
 */
function asTheRunnerShowsTheLibrary(stdout: string): string {
  const lines = stdout.split('\n');
  const start = lines.indexOf('Artifact name is valid!');
  if (start === -1) return stdout;
  const masks = lines
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => unescapeCommand(line.slice('::add-mask::'.length)))
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length);
  const library = lines.slice(start).map((line) => {
    if (line.startsWith('::add-mask::')) return line;
    let shown = unescapeCommand(line);
    for (const mask of masks) shown = shown.split(mask).join('***');
    return shown;
  });
  return [...lines.slice(0, start), ...library].join('\n');
}

/** Text files in the workspace that the tests did not write (packages are binary and known). */
async function workspaceTexts(stack: Stack, known: Set<string>): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  for (const entry of await readdir(stack.workspace, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (known.has(full)) continue;
    texts[`workspace ${path.relative(stack.workspace, full)}`] = await readFile(full, 'utf8');
  }
  return texts;
}

describe('no secret leaks from the talkative paths of the action', () => {
  let stack: Stack;
  let artifacts: ArtifactService;
  const known = new Set<string>();
  const extraSecrets: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    artifacts = await startArtifactService(stack);
  });
  afterAll(async () => {
    if (stack) {
      console.log(
        `leaks suite: ${totals.runs} runs of the action scanned (${totals.scans} scans in all, with the self-tests), ` +
          `${stack.emulator.requests.length} requests made to the emulator, ${stack.emulator.faults.injected.length} faults injected, ` +
          `${secretsOf(stack.emulator).length + extraSecrets.length + artifacts.signatures.length} distinct secrets looked for`,
      );
    }
    await artifacts?.close();
    await stack?.stop();
  });
  beforeEach(() => {
    const pending = stack.emulator.state.pendingSubmission(SEED_APP_ID);
    if (pending) stack.emulator.state.removeSubmission(pending.id);
    stack.emulator.faults.clear();
    Object.assign(stack.emulator.behaviour, { commitFailure: undefined });
  });

  async function pkg(folder: string): Promise<string> {
    const relative = `${folder}/ContosoNotes_9.${known.size}.0.0_x64.msixupload`;
    await stack.file(relative, 50_000);
    known.add(path.join(stack.workspace, relative));
    return `${folder}/*.msixupload`;
  }

  /**
   * Runs the action on the debug path with the artifact service, and scans everything it left.
   * Not through `stack.run`: once the action hands the record to @actions/artifact, that library
   * debug-logs the signed upload URL of the artifact service after registering its signature with
   * `::add-mask::`, so the runner shows `***`. The scan holds the action's own lines to "never
   * printed", and the library's lines to what the runner would show (its masks applied).
   */
  async function scannedRun(
    inputs: Record<string, string>,
    env: Record<string, string> = {},
    moreSecrets: string[] = [],
  ): Promise<{ run: ActionRun; artifact: Record<string, string> }> {
    const before = Object.keys(await artifacts.files()).length;
    const raw = await runAction({
      inputs: { ...stack.connection, ...inputs },
      workspace: stack.workspace,
      env: {
        NO_PROXY: '127.0.0.1,localhost',
        RUNNER_DEBUG: '1',
        ACTIONS_STEP_DEBUG: 'true',
        ACTIONS_RUNTIME_TOKEN: artifacts.runtimeToken,
        ACTIONS_RESULTS_URL: artifacts.url,
        ...env,
      },
    });
    const run = { ...raw, stdout: asTheRunnerShowsTheLibrary(raw.stdout) };
    totals.runs += 1;
    extraSecrets.push(...moreSecrets);
    const all = await artifacts.files();
    const artifact = Object.fromEntries(
      Object.entries(all)
        .slice(before)
        .map(([name, text]) => [`artifact ${name}`, text]),
    );
    const secrets = [...secretsOf(stack.emulator), artifacts.runtimeToken, ...artifacts.signatures, ...moreSecrets];
    expect(deepLeaks(run, secrets, { ...artifact, ...(await workspaceTexts(stack, known)) })).toEqual([]);
    return { run, artifact };
  }

  test('a submission waited to publication, with debug logging, retries and the run record uploaded', async () => {
    stack.emulator.faults.add({ method: 'PUT', path: /\/submissions\/\d+$/, status: 503, retryAfter: '0' });
    stack.emulator.faults.add({ method: 'GET', path: /\/submissions\/\d+$/, reset: true });
    const { run, artifact } = await scannedRun({
      'app-id': SEED_APP_ID,
      packages: await pkg('leak-publish'),
      'release-notes': 'Leak scan.',
      'wait-for': 'publish',
    });
    expect(run.exitCode).toBe(0);
    const id = run.outputs['submission-id'] as string;
    // The scan had something to find: the run used a secret, tokens and a SAS signature.
    const secrets = secretsOf(stack.emulator);
    expect(secrets).toContain(CREDENTIALS.clientSecret);
    expect(stack.emulator.tokens.length).toBeGreaterThan(0);
    const uploadUrl = stack.emulator.state.submission(id).resource.fileUploadUrl as string;
    expect(secrets).toContain(new URL(uploadUrl.replace(/\+/g, '%2B')).searchParams.get('sig'));
    expect(run.stdout).toMatch(/::debug::/);
    expect(run.stdout).toMatch(/retrying in/);
    // The record really was uploaded and read back: it names the submission and its calls.
    const record = artifact['artifact store-submission-record/store-submission-record.json'];
    expect(record).toBeDefined();
    const parsed = JSON.parse(record as string) as {
      submissionId: string;
      calls: unknown[];
      submissionSent: Record<string, unknown>;
    };
    expect(parsed.submissionId).toBe(id);
    expect(parsed.calls.length).toBeGreaterThan(5);
    expect(run.stdout).toContain("Uploaded the run record as artifact 'store-submission-record'");
  });

  test('a plain run through stack.run (no artifact service): the shared scan and the wider one', async () => {
    const run = await stack.run(
      { 'app-id': SEED_APP_ID, packages: await pkg('leak-plain'), 'wait-for': 'none' },
      { RUNNER_DEBUG: '1' },
    );
    totals.runs += 1;
    expect(run.exitCode).toBe(0);
    expect(deepLeaks(run, secretsOf(stack.emulator), await workspaceTexts(stack, known))).toEqual([]);
  });

  test('a wrong client secret: sign-in fails and the wrong secret is not shown either', async () => {
    const wrong = `Wr0ng+${randomBytes(9).toString('base64')}/=`;
    const { run } = await scannedRun(
      { 'app-id': SEED_APP_ID, packages: await pkg('leak-wrong'), 'client-secret': wrong },
      {},
      [wrong],
    );
    expect(run.exitCode).toBe(1);
    expect(run.errorLines).toHaveLength(1);
    expect(run.errorLines[0]).toMatch(/Sign-in/);
  });

  test('secretless sign-in: neither the request token nor the GitHub OIDC token shows', async () => {
    const { run } = await scannedRun(
      { 'app-id': SEED_APP_ID, packages: await pkg('leak-oidc'), 'client-secret': '' },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: stack.emulator.oidc.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: stack.emulator.oidc.requestToken,
      },
    );
    expect(run.exitCode).toBe(0);
    expect(stack.emulator.requests.some((r) => r.kind === 'oidc' && r.status === 200)).toBe(true);
  });

  test('a dry run prints the plan and the JSON it would send, and no secret', async () => {
    const { run } = await scannedRun({
      'app-id': SEED_APP_ID,
      packages: await pkg('leak-dry'),
      'dry-run': 'true',
      'submission-json': '{"notesForCertification": "test account"}',
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('The submission JSON that would be sent');
  });

  test('a failed commit, then the status command on it', async () => {
    stack.emulator.behaviour.commitFailure = {
      code: 'InvalidParameterValue',
      details: 'Request it is not IngestionWeb or IngestionApi',
    };
    const failed = await scannedRun({ 'app-id': SEED_APP_ID, packages: await pkg('leak-failed') });
    expect(failed.run.exitCode).toBe(1);
    expect(failed.run.outputs.status).toBe('CommitFailed');
    const id = failed.run.outputs['submission-id'] as string;
    const status = await scannedRun({ 'app-id': SEED_APP_ID, command: 'status', 'submission-id': id });
    expect(status.run.outputs.status).toBe('CommitFailed');
  });

  test('an update refused with an answer that echoes the upload URL, before any upload: no form of its signature shows', async () => {
    // The Store's 400 quotes the URL as a query parser reads it ('+' as a space) and Azure's way ("; signature=").
    const refusal: { method: string; path: RegExp; status: 400; body: unknown; onInject: () => void } = {
      method: 'PUT',
      path: /\/submissions\/\d+$/,
      status: 400,
      body: {},
      onInject: () => {
        const pending = stack.emulator.state.pendingSubmission(SEED_APP_ID);
        const url = String(pending?.resource.fileUploadUrl);
        const raw = url.slice(url.indexOf('sig=') + 4).split('&')[0] ?? '';
        const sig = decodeURIComponent(raw);
        refusal.body = {
          code: 'InvalidParameterValue',
          message: `Cannot reach ${url}; read as sig=${decodeURIComponent(raw.replace(/\+/g, ' '))}; signature=${encodeURIComponent(sig)}`,
          target: 'fileUploadUrl',
        };
        spaced.push(sig.replace(/\+/g, ' '));
      },
    };
    const spaced: string[] = [];
    stack.emulator.faults.add(refusal);
    const { run } = await scannedRun({ 'app-id': SEED_APP_ID, packages: await pkg('leak-echo') }, {});
    expect(stack.emulator.faults.pending).toBe(0);
    expect(run.exitCode).toBe(1);
    expect(run.errorLines[0]).toMatch(/HTTP 400.*Cannot reach/);
    expect(spaced[0]).toContain(' ');
    // The runner takes ::add-mask:: commands in and shows none of them.
    const shown = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const form of spaced) expect(`${shown}${run.stderr}${run.summary}`).not.toContain(form);
  });

  test('the secrets looked for are the real ones (sha256 of each is distinct and non-trivial)', () => {
    const secrets = [...secretsOf(stack.emulator), artifacts.runtimeToken, ...artifacts.signatures];
    expect(artifacts.signatures.length).toBeGreaterThan(0);
    expect(new Set(secrets.map((s) => createHash('sha256').update(s).digest('hex'))).size).toBe(secrets.length);
    expect(secrets.every((s) => s.length >= 16)).toBe(true);
  });
});
