/**
 * A local emulator of the Microsoft Store submission API v1.0 (plus Entra ID token endpoints and the
 * GitHub Actions OIDC endpoint), following docs/store-api.md strictly. Upload URLs point at a real
 * Azurite. Used by the end-to-end tests and the demo.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Azurite } from '../support/azurite.js';
import { StoreApi, storeError } from './api.js';
import { AuthService, DEFAULT_OIDC_SUBJECT, INSTALLER_API_RESOURCE, type IssuedToken, type Reply } from './auth.js';
import { BlobStore, removeDir } from './blob.js';
import { readZipEntries, readZipPackages } from './preprocess.js';
import { describeNewPackages, loseInProcessing, normalisePath, requiredFiles } from './content.js';
import { FaultInjector, type FaultRule } from './faults.js';
import {
  INSTALLER_PREFIX,
  InstallerApi,
  defaultInstallerSeed,
  installerFaultReply,
  type InstallerSeed,
} from './installer-api.js';
import { defaultSeed } from './seed.js';
import { recordedInstallerSeed, recordedSeed } from './recorded.js';
import { EmulatorState } from './state.js';
import type {
  ProtocolVariant,
  RecordedRequest,
  Seed,
  StatusDetail,
  SubmissionRecord,
  SubmissionStatus,
} from './types.js';

export { defaultSeed, SEED_ADDON_ID, SEED_APP_ID, SEED_FLIGHT_ID } from './seed.js';
export { liveDate, recordedResponse, SALES_UNSUPPORTED_WARNING } from './recorded.js';
export { EmulatorState } from './state.js';
export { FaultInjector } from './faults.js';
export type { FaultRule, InjectedFault } from './faults.js';
export type { IssuedToken } from './auth.js';
export type * from './types.js';
export { parsePackageName, requiredFiles } from './content.js';
export { InstallerApi, SEED_INSTALLER_PRODUCT_ID, SEED_SELLER_ID, defaultInstallerSeed } from './installer-api.js';
export type { InstallerBehaviour, InstallerProduct, InstallerSeed } from './installer-api.js';

export interface EmulatorOptions {
  /** Azurite instance; fileUploadUrls point at it. */
  azurite: Azurite;
  /** Initial products; default defaultSeed(), or recordedSeed() of it in recorded shapes. */
  seed?: Seed;
  /** Lifetime of access tokens (default 3600). Tests use 2-3 s to force refreshes. */
  tokenLifetimeSeconds?: number;
  /** Time between status transitions after commit (default 300). */
  statusStepMs?: number;
  /** Which documented form to serve. */
  variant?: Partial<ProtocolVariant>;
  /** Lifetime of fake GitHub OIDC tokens (default 300). */
  oidcTokenLifetimeSeconds?: number;
  /** `sub` claim of the fake GitHub OIDC tokens (default repo:octo-org/octo-app:ref:refs/heads/main). */
  oidcSubject?: string;
  /** Subject the fake Entra federated credential accepts (default the same). */
  federatedSubject?: string;
  /** Idle keep-alive connections are closed after this (default 1000 ms). */
  keepAliveTimeoutMs?: number;
  /** Lifetime of the upload SAS (default 60 min). */
  sasLifetimeMinutes?: number;
  /** MSI/EXE products; default defaultInstallerSeed(), or recordedInstallerSeed() of it in recorded shapes. */
  installerSeed?: InstallerSeed;
}

export interface Behaviour {
  /** Commits never leave CommitStarted. */
  stuckInCommitStarted: boolean;
  /** Commits fall back from CommitStarted to PendingCommit (a server-side failure, per StoreBroker); `at-once`: before any status read. */
  commitRevertsToPendingCommit: boolean | 'at-once';
  /** Commits end in CommitFailed with this error (after the zip was checked). */
  commitFailure: StatusDetail | undefined;
  /** Certification ends in CertificationFailed with a certification report. `true` = a default error. */
  certificationFailure: boolean | Partial<StatusDetail>;
  /** Warnings put into statusDetails from PreProcessing on. */
  warnings: StatusDetail[];
  /** Every answer of the submission API (/v1.0/my) is held back this long (a slow or hung Store). */
  answerDelayMs: number;
  /**
   * What pre-processing loses while every status still says success: the package entries and
   * add-on icons of these file names (last segment, any case), new or kept, as the Store dropped a
   * hand-made `.msixupload`; or `revert`: the package list goes back to the last published
   * submission's, as a flight's packages were not updated
   * (docs/store-api.md#what-the-store-took-after-a-commit).
   */
  lostInProcessing: string[] | 'revert';
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** For the `authority-url` input: token endpoints are {authorityUrl}/{tenant}/oauth2/token and /oauth2/v2.0/token. */
  authorityUrl: string;
  /** For the `api-url` input (the action appends /v1.0/my/...). */
  apiUrl: string;
  /** For ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN (the URL has a query, like GitHub's). */
  oidc: { requestUrl: string; requestToken: string };
  state: EmulatorState;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Non-GET calls to /v1.0/my (token calls excluded). */
  mutatingRequests(): RecordedRequest[];
  /** Access tokens issued so far. */
  tokens: IssuedToken[];
  /** Makes every issued access token expire now. */
  expireTokens(): void;
  behaviour: Behaviour;
  faults: FaultInjector;
  variant: ProtocolVariant;
  /** The MSI/EXE API (`/submission/v1/product/...`): its products, behaviour and busy draft. */
  installer: InstallerApi;
  close(): Promise<void>;
}

/** The credentials the fake tenant accepts. The secret contains `+`, `/` and `=` on purpose. */
export const CREDENTIALS = {
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: 'c0ffee00-1234-4abc-9def-00000000a11e',
  clientSecret: 'Xy7~q+Z/4kP=w9r+S/t=',
} as const;

export const DEFAULT_VARIANT: ProtocolVariant = {
  createStatus: 201,
  deleteStatus: 204,
  flightCreateIncludesSubmission: false,
  tokenEndpoints: ['v1', 'v2'],
  emptyListStatus: 404,
  shapes: 'documented',
};

const API_PREFIX = '/v1.0/my/';
const AUTHORITY_PREFIX = '/aad';

function faultReply(rule: FaultRule & { status: number }): Reply {
  const headers: Record<string, string> = {};
  if (rule.retryAfter !== undefined) headers['Retry-After'] = rule.retryAfter;
  if (rule.body !== undefined) {
    return { status: rule.status, headers, body: typeof rule.body === 'string' ? rule.body : (rule.body as never) };
  }
  switch (rule.status) {
    case 429:
      return {
        status: 429,
        headers,
        body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${rule.retryAfter ?? '1'} seconds.` },
      };
    case 500: {
      const reply = storeError(500, 'InternalServerError', 'An internal error occurred.', '', {
        innererror: { code: 'UnknownInternalFailure', message: 'Unknown internal failure.' },
      });
      return { ...reply, headers };
    }
    case 502:
      return {
        status: 502,
        headers: { ...headers, 'Content-Type': 'text/html' },
        body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      };
    default:
      return {
        ...storeError(rule.status, 'ServiceError', 'The service is temporarily unavailable. Please retry.', ''),
        headers,
      };
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const variant: ProtocolVariant = { ...DEFAULT_VARIANT, ...options.variant };
  const stepMs = options.statusStepMs ?? 300;
  const recorded = variant.shapes === 'recorded';
  const seed = options.seed ?? (recorded ? recordedSeed(defaultSeed()) : defaultSeed());
  const state = new EmulatorState(structuredClone(seed));
  const faults = new FaultInjector();
  const behaviour: Behaviour = {
    stuckInCommitStarted: false,
    answerDelayMs: 0,
    commitRevertsToPendingCommit: false,
    commitFailure: undefined,
    certificationFailure: false,
    warnings: [],
    lostInProcessing: [],
  };
  const requestToken = randomBytes(24).toString('hex');
  const auth = new AuthService({
    ...CREDENTIALS,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    oidcTokenLifetimeSeconds: options.oidcTokenLifetimeSeconds ?? 300,
    oidcRequestToken: requestToken,
    oidcSubject: options.oidcSubject ?? DEFAULT_OIDC_SUBJECT,
    federatedSubject: options.federatedSubject ?? DEFAULT_OIDC_SUBJECT,
    endpoints: variant.tokenEndpoints,
  });
  const blobs = new BlobStore(options.azurite, (options.sasLifetimeMinutes ?? 60) * 60_000, variant.shapes);
  const requests: RecordedRequest[] = [];
  const installerSeed =
    options.installerSeed ?? (recorded ? recordedInstallerSeed(defaultInstallerSeed()) : defaultInstallerSeed());
  const installer = new InstallerApi(auth, blobs, installerSeed, variant.shapes);

  // ---- commit processing ----------------------------------------------------------------------
  const timers = new Map<string, Set<NodeJS.Timeout>>();
  let closed = false;

  const cancel = (sub: SubmissionRecord): void => {
    for (const t of timers.get(sub.id) ?? []) clearTimeout(t);
    timers.delete(sub.id);
  };
  const later = (sub: SubmissionRecord, fn: () => void | Promise<void>): void => {
    const set = timers.get(sub.id) ?? new Set<NodeJS.Timeout>();
    timers.set(sub.id, set);
    const timer = setTimeout(() => {
      set.delete(timer);
      if (closed) return;
      void Promise.resolve(fn()).catch((error: unknown) => {
        if (!closed) process.stderr.write(`store emulator: commit processing failed: ${String(error)}\n`);
      });
    }, stepMs);
    set.add(timer);
  };
  /** Runs `fn` one step later if the submission still exists, in the same commit, with `expected` status. */
  const step = (sub: SubmissionRecord, expected: SubmissionStatus, fn: () => void | Promise<void>): void => {
    const commit = sub.commits;
    later(sub, () => {
      if (state.submissions.get(sub.id) !== sub || sub.commits !== commit || sub.resource['status'] !== expected)
        return;
      return fn();
    });
  };
  const warnings = (): StatusDetail[] => structuredClone(behaviour.warnings);
  const report = (): { date: string; reportUrl: string } => ({
    date: new Date().toISOString(),
    reportUrl: `https://partner.microsoft.com/dashboard/reports/certification/${randomUUID()}`,
  });

  /** Reads the upload and returns the commit errors (empty = fine). */
  const checkUpload = async (sub: SubmissionRecord): Promise<StatusDetail[]> => {
    const needed = requiredFiles(sub.kind, sub.resource);
    const downloaded = sub.blob ? await blobs.download(sub.blob) : undefined;
    if (!downloaded) {
      return needed.length === 0
        ? []
        : [
            {
              code: 'InvalidArchive',
              details: 'The uploaded archive was not found. Upload one zip to fileUploadUrl before committing.',
            },
          ];
    }
    try {
      let entries;
      try {
        entries = await readZipEntries(downloaded.file);
      } catch (error) {
        return [
          {
            code: 'InvalidArchive',
            details: `The uploaded file is not a valid zip archive: ${(error as Error).message}`,
          },
        ];
      }
      sub.uploads = entries;
      sub.packageFacts = await readZipPackages(downloaded.file, downloaded.dir);
      const present = new Set(entries.map((e) => normalisePath(e.name)));
      const missing = needed.filter((name) => !present.has(normalisePath(name)));
      if (missing.length > 0) {
        return [
          {
            code: 'MissingFiles',
            details: `The following files are referenced in the submission but missing from the zip: ${missing.join(', ')}`,
          },
        ];
      }
      return [];
    } finally {
      await removeDir(downloaded.dir);
    }
  };

  const startCommit = (sub: SubmissionRecord): void => {
    if (behaviour.commitRevertsToPendingCommit === 'at-once') {
      state.setStatus(sub.id, 'PendingCommit');
      return;
    }
    step(sub, 'CommitStarted', async () => {
      if (behaviour.stuckInCommitStarted) return;
      if (behaviour.commitRevertsToPendingCommit) {
        state.setStatus(sub.id, 'PendingCommit');
        return;
      }
      const commit = sub.commits;
      const errors = await checkUpload(sub);
      if (state.submissions.get(sub.id) !== sub || sub.commits !== commit || sub.resource['status'] !== 'CommitStarted')
        return;
      if (errors.length > 0) {
        state.setStatus(sub.id, 'CommitFailed', { errors, warnings: [] });
        return;
      }
      if (behaviour.commitFailure) {
        state.setStatus(sub.id, 'CommitFailed', {
          errors: [structuredClone(behaviour.commitFailure)],
          warnings: warnings(),
        });
        return;
      }
      state.setStatus(sub.id, 'PreProcessing', { warnings: warnings() });
      step(sub, 'PreProcessing', () => {
        // Pre-processing reads the packages: only once it is over are their versions filled in, or a lost one gone.
        describeNewPackages(sub.kind, sub.resource, sub.packageFacts);
        loseInProcessing(
          sub.kind,
          sub.resource,
          behaviour.lostInProcessing,
          state.lastPublishedSubmission(sub.productId)?.resource,
        );
        state.setStatus(sub.id, 'Certification', { warnings: warnings() });
        step(sub, 'Certification', () => {
          const failure = behaviour.certificationFailure;
          if (failure) {
            const detail = failure === true ? {} : failure;
            state.setStatus(sub.id, 'CertificationFailed', {
              errors: [
                {
                  code: detail.code ?? 'Other',
                  details: detail.details ?? 'The submission failed certification. See the certification report.',
                },
              ],
              certificationReports: [report()],
            });
            return;
          }
          state.setStatus(sub.id, 'Release', { certificationReports: [report()] });
          if (sub.resource['targetPublishMode'] !== 'Immediate') return;
          step(sub, 'Release', () => {
            state.setStatus(sub.id, 'PendingPublication');
            step(sub, 'PendingPublication', () => {
              state.setStatus(sub.id, 'Publishing');
              step(sub, 'Publishing', () => state.publish(sub.id));
            });
          });
        });
      });
    });
  };

  const api = new StoreApi({ state, blobs, variant, startCommit, cancel });

  // ---- HTTP ------------------------------------------------------------------------------------
  const send = (res: http.ServerResponse, reply: Reply, correlationId: string, kind: RecordedRequest['kind']): void => {
    const headers: Record<string, string | number> = {
      [kind === 'installer' ? 'X-Correlation-ID' : 'MS-CorrelationId']: correlationId,
      ...reply.headers,
    };
    let payload: Buffer | undefined;
    if (reply.body !== undefined) {
      if (typeof reply.body === 'string') {
        payload = Buffer.from(reply.body, 'utf8');
        headers['Content-Type'] ??= 'text/plain; charset=utf-8';
      } else {
        payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
        headers['Content-Type'] = 'application/json; charset=utf-8';
      }
    }
    if (reply.status !== 204) headers['Content-Length'] = payload?.length ?? 0;
    res.writeHead(reply.status, headers);
    res.end(reply.status === 204 ? undefined : payload);
  };

  const route = async (
    req: http.IncomingMessage,
    url: URL,
    body: Buffer,
    kind: RecordedRequest['kind'],
    authorized: boolean,
  ): Promise<Reply> => {
    const method = req.method ?? 'GET';
    const contentType = req.headers['content-type'];
    if (kind === 'token') {
      const match = /^\/aad\/([^/]+)\/oauth2\/(token|v2\.0\/token)$/.exec(url.pathname);
      if (!match?.[1]) return { status: 404, body: { error: 'not_found' } };
      return auth.token(
        match[2] === 'token' ? 'v1' : 'v2',
        decodeURIComponent(match[1]),
        method,
        contentType,
        body.toString('utf8'),
      );
    }
    if (kind === 'oidc') {
      if (url.pathname !== '/oidc/token') return { status: 404, body: { message: 'Not Found' } };
      return auth.oidc(method, req.headers.authorization, url.searchParams);
    }
    if (kind === 'installer') return installer.handle({ method, url, headers: req.headers, body });
    if (kind === 'api') {
      if (!authorized) {
        return {
          status: 401,
          headers: { 'WWW-Authenticate': 'Bearer' },
          body: { statusCode: 401, message: 'APIM: Unauthorized. Access token is missing or invalid.' },
        };
      }
      const segments = url.pathname
        .slice(API_PREFIX.length)
        .split('/')
        .map((s) => decodeURIComponent(s));
      return api.handle({ method, segments, query: url.searchParams, contentType, body });
    }
    return { status: 404, body: { statusCode: 404, message: 'Resource not found' } };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const correlationId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const kind: RecordedRequest['kind'] = url.pathname.startsWith(API_PREFIX)
      ? 'api'
      : url.pathname.startsWith(INSTALLER_PREFIX)
        ? 'installer'
        : url.pathname.startsWith(`${AUTHORITY_PREFIX}/`)
          ? 'token'
          : url.pathname.startsWith('/oidc/')
            ? 'oidc'
            : 'other';
    const authorized = auth.isAuthorized(
      req.headers.authorization,
      kind === 'installer' ? INSTALLER_API_RESOURCE : undefined,
    );
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      authorized,
      correlationId,
      at: Date.now(),
      kind,
    };
    const clientCorrelation = req.headers['ms-correlationid'];
    if (typeof clientCorrelation === 'string') record.clientCorrelationId = clientCorrelation;
    if (req.headers['user-agent']) record.userAgent = req.headers['user-agent'];
    if (req.headers['content-type']) record.contentType = req.headers['content-type'];
    requests.push(record);

    const taken = faults.take(method, url.pathname);
    let reply: Reply;
    // A twin is not answered instead: the other client's request is handled first, then this one.
    if (taken?.twin) await route(req, url, body, kind, authorized);
    const fault = taken?.twin ? undefined : taken;
    try {
      if (fault && (fault.after ?? 'before') === 'before') {
        record.fault = 'before';
      } else {
        reply = await route(req, url, body, kind, authorized);
        record.status = reply.status;
        if (fault) record.fault = 'after-effect';
      }
    } catch (error) {
      reply = storeError(500, 'InternalServerError', `Emulator error: ${(error as Error).message}`, '');
      process.stderr.write(`store emulator: ${(error as Error).stack ?? String(error)}\n`);
    }
    if (fault) {
      if (fault.reset) {
        record.status = 0;
        req.socket.destroy();
        return;
      }
      reply = (kind === 'installer' ? installerFaultReply : faultReply)(fault as FaultRule & { status: number });
    }
    record.status = reply!.status;
    if (kind === 'api' && behaviour.answerDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, behaviour.answerDelayMs).unref());
      if (res.destroyed) return;
    }
    send(res, reply!, correlationId, kind);
  };

  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    // Recorded shapes: upload URLs point here, and pass on to Azurite only as issued (blob.ts).
    if (recorded && (req.url ?? '').startsWith(blobs.frontPrefix)) {
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '').split('?')[0] ?? '',
        query: {},
        status: 0,
        authorized: false,
        correlationId: '',
        at: Date.now(),
        kind: 'blob',
      };
      requests.push(record);
      res.on('finish', () => (record.status = res.statusCode));
      blobs.frontRequest(req, res);
      return;
    }
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`store emulator: ${String(error)}\n`);
      if (!res.headersSent) res.destroy();
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 1000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  blobs.frontUrl = url;

  return {
    url,
    authorityUrl: `${url}${AUTHORITY_PREFIX}`,
    apiUrl: url,
    oidc: { requestUrl: `${url}/oidc/token?api-version=2.0`, requestToken },
    state,
    requests,
    mutatingRequests: () => requests.filter((r) => r.kind === 'api' && r.method !== 'GET'),
    tokens: auth.issued,
    expireTokens: () => auth.expireAllTokens(),
    behaviour,
    faults,
    variant,
    installer,
    async close() {
      closed = true;
      for (const set of timers.values()) for (const t of set) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
