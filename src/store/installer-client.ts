/**
 * The "Microsoft Store submission API for MSI or EXE app" (store-api.md §8; Microsoft's page
 * hub/apps/publish/store-submission-api.md): one persistent draft per product under
 * `<api-url>/submission/v1/product/<productId>/`, every call with `X-Seller-Account-Id`, every answer
 * in the envelope `{ isSuccess, errors: [{ code, message, target }], responseData }`.
 *
 * Runs on the same Transport (undici, proxies, retries of 429/5xx/resets, 401 -> new token) and the
 * same token source as the MSIX client; the token source must be made with
 * `resource: INSTALLER_API_RESOURCE`.
 */
import { StoreApiError } from '../errors.js';
import { hintFor } from '../hints.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { Logger } from '../log.js';
import { secrets, urlWithoutQuery } from '../redact.js';
import { encodeUploadUrl, registerUploadSecrets } from '../upload/url.js';
import type { AccessTokenSource } from './token-source.js';
import { postOnce, type HttpResult, type Transport } from './http.js';

/** The sign-in resource of this API; its v2 scope is `https://api.store.microsoft.com/.default`. */
export const INSTALLER_API_RESOURCE = 'https://api.store.microsoft.com';
/** The API root when `api-url` is not set. */
export const INSTALLER_API_URL = 'https://api.store.microsoft.com';

/** One entry of an answer's `errors`: an error, or a warning when `code` is `warning`. */
export interface ApiMessage {
  code: string;
  message: string;
  target: string;
}

/** A successful answer: `responseData` (an empty object when absent) and the warnings it carried. */
export interface Envelope {
  data: JsonObject;
  /** Entries of `errors` that came with a successful answer (code `warning`, or anything else). */
  warnings: ApiMessage[];
  correlationId?: string;
}

/** A package of the draft as the API names its fields (GET/PUT `/packages`). */
export interface InstallerPackage {
  /** Assigned by the Store; absent in a PUT (the Store regenerates every ID). */
  packageId?: string;
  /** https URL of a versioned, downloadable installer; the Store downloads it. */
  packageUrl: string;
  /** Lower-case language tags, e.g. `en-us`. */
  languages: string[];
  /** Exactly one of `Neutral`, `X86`, `X64`, `Arm`, `Arm64`. */
  architectures: string[];
  isSilentInstall: boolean;
  /** Required when `isSilentInstall` is false. */
  installerParameters?: string;
  /** Required for `exe`: the page documenting the installer's error codes. */
  genericDocUrl?: string;
  packageType: 'exe' | 'msi';
}

/** GET `/status`: whether every module of the draft is ready, and the submission in progress if any. */
export interface DraftStatus {
  isReady: boolean;
  /** Empty string mapped to undefined. */
  ongoingSubmissionId?: string;
  /** Every entry of `errors` (e.g. `packageuploaderror` on target `packages` after a failed package commit). */
  messages: ApiMessage[];
}

/** What a write answered: where to poll, and the submission that blocks writes, if any. */
export interface WriteResult {
  pollingUrl?: string;
  ongoingSubmissionId?: string;
  warnings: ApiMessage[];
}

/** GET `/submission/{id}/status`. */
export interface PublishingStatus {
  /** `INPROGRESS`, `PUBLISHED`, `FAILED` or `UNKNOWN` (others passed through as sent). */
  publishingStatus: string;
  hasFailed: boolean;
  messages: ApiMessage[];
}

/** One upload slot from POST `/listings/assets/create`. */
export interface CreatedAsset {
  id: string;
  primaryAssetUploadUrl: string;
  secondaryAssetUploadUrl?: string;
  /** `PUT` as documented. */
  httpMethod: string;
  /** Headers the upload must carry; an empty value means "computed by the client" (e.g. Content-Length). */
  httpHeaders: Record<string, string>;
}

/** An asset kept or committed: its ID and URL (for a new one, the upload URL it was uploaded to). */
export interface AssetRef {
  id: string;
  assetUrl: string;
}

/** The assets of one listing language (GET `/listings/assets`, PUT `/listings/assets/commit`). */
export interface ListingAssets {
  language: string;
  storeLogos: AssetRef[];
  screenshots: AssetRef[];
}

/** How many upload slots to create: screenshots 1-10, logos 1-2 (either may be 0 or absent). */
export interface AssetCounts {
  Screenshot?: number;
  Logo?: number;
}

export interface InstallerClientOptions {
  /** API root, e.g. `https://api.store.microsoft.com` (the `api-url` input). */
  apiUrl: string;
  /** The product ID GUID (the `app-id` input). */
  productId: string;
  /** The Partner Center seller ID (the `seller-id` input). */
  sellerId: string;
  /** A token source for `INSTALLER_API_RESOURCE`. */
  tokens: AccessTokenSource;
  transport: Transport;
  logger: Logger;
}

/**
 * An error answer of this API: the HTTP status, and every `{ code, message, target }` it carried
 * (the first shown as the code/message/target of StoreApiError), with the `X-Correlation-ID`.
 */
export class InstallerApiError extends StoreApiError {
  constructor(
    httpStatus: number,
    call: string,
    /** Every error entry of the answer (warnings excluded), in order. */
    readonly messages: ApiMessage[],
    correlationId: string | undefined,
    /** The submission in progress that blocked this write, when the answer named one. */
    readonly ongoingSubmissionId?: string,
    hint?: string,
  ) {
    const first = messages[0];
    super(
      httpStatus,
      call,
      first?.code || undefined,
      first?.message || undefined,
      first?.target || undefined,
      correlationId,
      hint,
    );
    this.name = 'InstallerApiError';
    this.message = describeInstallerError(httpStatus, call, messages, correlationId, ongoingSubmissionId, hint);
  }
}

function describeInstallerError(
  httpStatus: number,
  call: string,
  messages: ApiMessage[],
  correlationId: string | undefined,
  ongoing: string | undefined,
  hint: string | undefined,
): string {
  let text = `${call} failed with HTTP ${httpStatus}`;
  const parts = messages.map((m) => describeMessage(m));
  if (parts.length === 1) text += `: ${parts[0]}`;
  else if (parts.length > 1) text += `: ${parts.join('; ')}`;
  if (ongoing) text += ` (submission ${ongoing} is in progress)`;
  if (correlationId) text += ` (X-Correlation-ID ${correlationId})`;
  if (hint) text += `. Hint: ${hint}`;
  return text;
}

/** `code (target): message`, as errors and logs show an entry of `errors`. */
export function describeMessage(m: ApiMessage): string {
  const head = [m.code || 'error', m.target ? `(target ${m.target})` : ''].filter(Boolean).join(' ');
  return m.message ? `${head}: ${m.message}` : head;
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
}

function nonEmpty(value: JsonValue | undefined): string | undefined {
  const s = text(value);
  return s ? s : undefined;
}

/** The `errors` array of an envelope, tolerant of missing fields and of a single object. */
export function parseMessages(value: JsonValue | undefined): ApiMessage[] {
  const items = Array.isArray(value) ? value : isJsonObject(value) ? [value] : [];
  return items.filter(isJsonObject).map((item) => ({
    code: text(item.code),
    message: secrets.redact(text(item.message)),
    target: text(item.target),
  }));
}

function isWarning(m: ApiMessage): boolean {
  return m.code.toLowerCase() === 'warning';
}

/** The known-cause hint for an error answer of this API, matched on all its words. */
function installerHint(status: number, messages: ApiMessage[], gatewayMessage: string): string | undefined {
  const message = `${messages.map((m) => `${m.code} ${m.message}`).join(' ')} ${gatewayMessage}`;
  return hintFor('installer-api', { status, message });
}

/**
 * Reads an answer of this API: a success (2xx with `isSuccess` not false) gives `responseData`
 * and any warnings; anything else throws InstallerApiError with every error entry. Error answers
 * come as the envelope (`isSuccess: false`, with a 2xx or an error status), as the gateway's
 * `{ statusCode, message }`, or as something that is not JSON (a proxy page): all are reported.
 */
export function readEnvelope(result: HttpResult, call: string): Envelope {
  const correlationId = result.headers.get('x-correlation-id') ?? result.headers.get('ms-correlationid') ?? undefined;
  const ok = result.status >= 200 && result.status < 300;
  let body: JsonObject | undefined;
  const raw = result.text.trim();
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw);
      body = isJsonObject(parsed) ? parsed : undefined;
    } catch {
      body = undefined;
    }
    if (!body) {
      const start = secrets.redact(raw.slice(0, 120));
      if (ok)
        throw new Error(
          `${call} answered HTTP ${result.status} with a body that is not the API's JSON envelope: ${start}`,
        );
      throw new InstallerApiError(
        result.status,
        call,
        [{ code: '', message: start, target: '' }],
        correlationId,
        undefined,
        installerHint(result.status, [], start),
      );
    }
  }
  const messages = parseMessages(body?.errors);
  const data = isJsonObject(body?.responseData) ? body.responseData : {};
  if (ok && body?.isSuccess !== false) {
    if (body && body.isSuccess !== true && !('responseData' in body)) {
      throw new Error(
        `${call} answered HTTP ${result.status} without the API's envelope (isSuccess, errors, responseData): ${secrets.redact(raw.slice(0, 120))}`,
      );
    }
    return { data, warnings: messages, ...(correlationId ? { correlationId } : {}) };
  }
  // A gateway answer (401, 429 that ran out of retries, 404 of an unknown path) has no envelope.
  const gatewayMessage = text(body?.message);
  const errors = messages.filter((m) => !isWarning(m));
  if (errors.length === 0 && gatewayMessage)
    errors.push({
      code: text(body?.statusCode) || text(body?.code),
      message: secrets.redact(gatewayMessage),
      target: '',
    });
  return throwError(result.status, call, errors, correlationId, nonEmpty(data.ongoingSubmissionId), gatewayMessage);
}

function throwError(
  status: number,
  call: string,
  errors: ApiMessage[],
  correlationId: string | undefined,
  ongoing: string | undefined,
  gateway: string,
): never {
  throw new InstallerApiError(status, call, errors, correlationId, ongoing, installerHint(status, errors, gateway));
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function assetRefs(value: JsonValue | undefined): AssetRef[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((a) => ({ id: text(a.id), assetUrl: text(a.assetUrl) }));
}

function createdAssets(value: JsonValue | undefined): CreatedAsset[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((a) => {
    const headers: Record<string, string> = {};
    if (isJsonObject(a.httpHeaders)) for (const [k, v] of Object.entries(a.httpHeaders)) headers[k] = text(v);
    const secondary = nonEmpty(a.secondaryAssetUploadUrl);
    return {
      id: text(a.id),
      primaryAssetUploadUrl: text(a.primaryAssetUploadUrl),
      ...(secondary ? { secondaryAssetUploadUrl: secondary } : {}),
      httpMethod: text(a.httpMethod) || 'PUT',
      httpHeaders: headers,
    };
  });
}

function writeResult(envelope: Envelope): WriteResult {
  const pollingUrl = nonEmpty(envelope.data.pollingUrl);
  const ongoing = nonEmpty(envelope.data.ongoingSubmissionId);
  return {
    ...(pollingUrl ? { pollingUrl } : {}),
    ...(ongoing ? { ongoingSubmissionId: ongoing } : {}),
    warnings: envelope.warnings,
  };
}

/** Reads a package of the API's answer into InstallerPackage, keeping only the fields this API documents. */
export function packageFrom(value: JsonObject): InstallerPackage {
  const type = text(value.packageType).toLowerCase() === 'msi' ? 'msi' : 'exe';
  const id = nonEmpty(value.packageId);
  const params = nonEmpty(value.installerParameters);
  const doc = nonEmpty(value.genericDocUrl);
  return {
    ...(id ? { packageId: id } : {}),
    packageUrl: text(value.packageUrl),
    languages: stringList(value.languages),
    architectures: stringList(value.architectures),
    isSilentInstall: value.isSilentInstall === true,
    ...(params ? { installerParameters: params } : {}),
    ...(doc ? { genericDocUrl: doc } : {}),
    packageType: type,
  };
}

/** The client. Paths are relative to `<api-url>/submission/v1/product/<productId>/`. */
export class InstallerClient {
  private readonly root: string;

  constructor(private readonly options: InstallerClientOptions) {
    this.root = `${options.apiUrl.replace(/\/+$/, '')}/submission/v1/product/${encodeURIComponent(options.productId)}`;
  }

  get productId(): string {
    return this.options.productId;
  }

  /**
   * Sends one call and reads its envelope. GET, PUT and PATCH are retried on 5xx and resets; a POST
   * whose answer is lost throws AmbiguousRequestError (see `postOnce`). Warnings are logged.
   */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    path: string,
    options: {
      query?: Record<string, string>;
      body?: JsonObject;
      /** Return warnings instead of logging them. */ quiet?: boolean;
    } = {},
  ): Promise<Envelope> {
    const query =
      options.query && Object.keys(options.query).length ? `?${new URLSearchParams(options.query).toString()}` : '';
    const callName = `${method} product/${this.options.productId}${path}`;
    const result = await this.options.transport.sendJson(this.options.tokens, {
      method,
      url: `${this.root}${path}${query}`,
      name: callName,
      body: options.body,
      idempotent: method !== 'POST',
      correlationHeader: 'x-correlation-id',
      headers: { 'x-seller-account-id': this.options.sellerId },
    });
    const envelope = readEnvelope(result, callName);
    if (!options.quiet)
      for (const w of envelope.warnings) this.options.logger.warning(`${callName}: ${describeMessage(w)}`);
    return envelope;
  }

  /** GET `/status`: draft readiness (the in-progress lock) and the submission in progress. */
  async draftStatus(): Promise<DraftStatus> {
    // Errors on a successful status answer are the draft's state (e.g. packageuploaderror): returned, not logged.
    const { data, warnings } = await this.call('GET', '/status', { quiet: true });
    const ongoing = nonEmpty(data.ongoingSubmissionId);
    return { isReady: data.isReady === true, ...(ongoing ? { ongoingSubmissionId: ongoing } : {}), messages: warnings };
  }

  /** GET `/packages`: the draft's package list. */
  async getPackages(): Promise<InstallerPackage[]> {
    const { data } = await this.call('GET', '/packages');
    return Array.isArray(data.packages) ? data.packages.filter(isJsonObject).map(packageFrom) : [];
  }

  /** PUT `/packages`: replaces the whole list (package IDs are regenerated). Idempotent. */
  async replacePackages(packages: InstallerPackage[]): Promise<WriteResult> {
    // A PUT sends no package IDs: the Store assigns new ones to the whole list.
    const body = packages.map((p) => {
      const rest: Partial<InstallerPackage> = { ...p };
      delete rest.packageId;
      return rest as unknown as JsonObject;
    });
    return writeResult(await this.call('PUT', '/packages', { body: { packages: body } }));
  }

  /**
   * POST `/packages/commit`. A lost answer is checked against `/status`: a draft that is not ready
   * is processing the commit (it took effect). A ready draft is committed again: committing an
   * unchanged package set starts the same check again and changes nothing else.
   */
  async commitPackages(): Promise<WriteResult> {
    return postOnce(
      this.options.transport,
      async () => writeResult(await this.call('POST', '/packages/commit')),
      async () => {
        const status = await this.draftStatus();
        return status.isReady ? undefined : { warnings: [] };
      },
    );
  }

  /**
   * GET `/metadata` (all modules) with the listing language list: `{ availability, properties,
   * listings: [{ language, ... }], listingLanguages: [{ language, isComplete }] }`.
   */
  async getMetadata(languages?: string[]): Promise<JsonObject> {
    const query: Record<string, string> = { includelanguagelist: 'true' };
    if (languages?.length) query.languages = languages.join(',');
    return (await this.call('GET', '/metadata', { query })).data;
  }

  /**
   * PUT `/metadata` (whole modules: a module sent replaces the draft's, its omitted fields get
   * defaults) or PATCH (only the fields sent). `listings` is one object for one language;
   * `listingsToAdd` / `listingsToRemove` are language lists. Idempotent.
   */
  async updateMetadata(body: JsonObject, method: 'PUT' | 'PATCH' = 'PUT'): Promise<WriteResult> {
    return writeResult(await this.call(method, '/metadata', { body }));
  }

  /** GET `/listings/assets`: screenshots and logos per language. */
  async getListingAssets(languages?: string[]): Promise<ListingAssets[]> {
    const query: Record<string, string> = {};
    if (languages?.length) query.languages = languages.join(',');
    const { data } = await this.call('GET', '/listings/assets', { query });
    const list = Array.isArray(data.listingAssets)
      ? data.listingAssets
      : isJsonObject(data.listingAssets)
        ? [data.listingAssets]
        : [];
    return list.filter(isJsonObject).map((l) => ({
      language: text(l.language),
      storeLogos: assetRefs(l.storeLogos),
      screenshots: assetRefs(l.screenshots),
    }));
  }

  /**
   * POST `/listings/assets/create`: upload slots for one language. The answer's `listingAssets`
   * is one object in Microsoft's sample and an array in its table; both are read. The upload URLs'
   * signatures are registered as secrets at once. A lost answer is sent again: slots that are
   * never committed are discarded by the Store and change nothing.
   */
  async createAssets(
    language: string,
    counts: AssetCounts,
  ): Promise<{ screenshots: CreatedAsset[]; storeLogos: CreatedAsset[] }> {
    const request: JsonObject = {};
    if (counts.Screenshot) request.Screenshot = counts.Screenshot;
    if (counts.Logo) request.Logo = counts.Logo;
    const envelope = await postOnce(
      this.options.transport,
      () => this.call('POST', '/listings/assets/create', { body: { language, createAssetRequest: request } }),
      async () => undefined,
    );
    const raw = envelope.data.listingAssets;
    const list = (Array.isArray(raw) ? raw : [raw]).filter(isJsonObject);
    const mine = list.find((l) => text(l.language).toLowerCase() === language.toLowerCase()) ?? list[0];
    const screenshots = createdAssets(mine?.screenshots);
    const storeLogos = createdAssets(mine?.storeLogos);
    for (const a of [...screenshots, ...storeLogos]) {
      registerUploadSecrets(a.primaryAssetUploadUrl);
      if (a.secondaryAssetUploadUrl) registerUploadSecrets(a.secondaryAssetUploadUrl);
    }
    return { screenshots, storeLogos };
  }

  /**
   * Uploads one image to its slot (a blob PUT with `x-ms-blob-type: BlockBlob`, `image/png` and
   * the headers the slot names) through the same transport and retries. Returns the URL used, which
   * the commit names as the asset's `assetUrl`. The URL's query never reaches a log or error.
   */
  async uploadAsset(asset: CreatedAsset, png: Uint8Array): Promise<string> {
    const url = asset.primaryAssetUploadUrl;
    registerUploadSecrets(url);
    const headers: Record<string, string> = { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'image/png' };
    for (const [name, value] of Object.entries(asset.httpHeaders)) {
      // An empty value means the client computes it (Content-Length, Content-MD5); undici does the length.
      if (value) headers[name.toLowerCase()] = value;
    }
    const call = `${asset.httpMethod.toUpperCase()} ${urlWithoutQuery(url)}`;
    const result = await this.options.transport.send(async () => ({
      method: asset.httpMethod.toUpperCase(),
      url: encodeUploadUrl(url),
      call,
      headers,
      body: png,
      idempotent: true,
    }));
    if (result.status < 200 || result.status >= 300) {
      const code = result.headers.get('x-ms-error-code') ?? undefined;
      const hint = hintFor('asset-upload', { status: result.status, code });
      throw new Error(
        `Uploading asset ${asset.id} (${call}) failed with HTTP ${result.status}${code ? ` ${code}` : ''}` +
          (hint ? `. Hint: ${hint}` : ''),
      );
    }
    return url;
  }

  /** PUT `/listings/assets/commit`: makes these the language's screenshots and logos (each type sent replaces that type's set). */
  async commitAssets(assets: ListingAssets): Promise<WriteResult> {
    const body: JsonObject = {
      listingAssets: {
        language: assets.language,
        storeLogos: assets.storeLogos.map((a) => ({ id: a.id, assetUrl: a.assetUrl })),
        screenshots: assets.screenshots.map((a) => ({ id: a.id, assetUrl: a.assetUrl })),
      },
    };
    return writeResult(await this.call('PUT', '/listings/assets/commit', { body }));
  }

  /**
   * POST `/submit`: submits the draft. Answers `{ submissionId, pollingUrl, ongoingSubmissionId }`;
   * a success naming only `ongoingSubmissionId` is read as the submission created. A lost answer is
   * checked against `/status`: a submission now in progress is this one (the caller made sure none
   * was before), else the submit is sent again.
   */
  async submit(): Promise<string> {
    return postOnce(
      this.options.transport,
      async () => {
        const { data } = await this.call('POST', '/submit');
        const id = nonEmpty(data.submissionId) ?? nonEmpty(data.ongoingSubmissionId);
        if (!id) throw new Error(`POST product/${this.options.productId}/submit succeeded but named no submission ID`);
        return id;
      },
      async () => (await this.draftStatus()).ongoingSubmissionId,
    );
  }

  /** GET `/submission/{id}/status`. */
  async submissionStatus(submissionId: string): Promise<PublishingStatus> {
    const { data, warnings } = await this.call('GET', `/submission/${encodeURIComponent(submissionId)}/status`, {
      quiet: true,
    });
    return {
      publishingStatus: text(data.publishingStatus) || 'UNKNOWN',
      hasFailed: data.hasFailed === true,
      messages: warnings,
    };
  }
}
