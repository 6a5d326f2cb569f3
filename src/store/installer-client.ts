/**
 * The client of the "Microsoft Store submission API for MSI or EXE app" (docs/store-api.md, the
 * MSI/EXE API section): one persistent draft per product under
 * `<api-url>/submission/v1/product/<productId>/`, every call with `X-Seller-Account-Id`. Runs on the
 * same Transport (proxies, retries, 401 -> new token) and token source as the MSIX client; the
 * token source must be made with `resource: INSTALLER_API_RESOURCE`.
 */
import { hintFor } from '../hints.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { Logger } from '../log.js';
import { registerUrlQuery, urlWithoutQuery } from '../redact.js';
import { encodeUploadUrl } from '../upload/url.js';
import type { AccessTokenSource } from './token-source.js';
import { postOnce, type Transport } from './http.js';
import { describeMessage, nonEmpty, readEnvelope, text, type Envelope } from './installer-envelope.js';
import {
  assetRefs,
  createdAssets,
  packageFrom,
  writeResult,
  type AssetCounts,
  type CreatedAsset,
  type DraftStatus,
  type InstallerPackage,
  type ListingAssets,
  type PublishingStatus,
  type WriteResult,
} from './installer-resources.js';

/** The sign-in resource of this API; its v2 scope is `https://api.store.microsoft.com/.default`. */
export const INSTALLER_API_RESOURCE = 'https://api.store.microsoft.com';
/** The API root when `api-url` is not set. */
export const INSTALLER_API_URL = 'https://api.store.microsoft.com';

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
      registerUrlQuery(a.primaryAssetUploadUrl);
      if (a.secondaryAssetUploadUrl) registerUrlQuery(a.secondaryAssetUploadUrl);
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
    registerUrlQuery(url);
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
