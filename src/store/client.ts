/**
 * The Store submission API's resources, for every kind of product. Paths come from the per-kind
 * descriptors, so app, flight and add-on calls share every method here.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { Logger } from '../log.js';
import { registerUrlQuery, secrets } from '../redact.js';
import { StoreApiError, UnownedSubmissionError } from '../errors.js';
import { postOnce, type Transport } from './http.js';
import { TransientFailure, retrying } from '../retry.js';
import { KINDS, submissionsPath, type Target } from './kinds.js';
import { rolloutFromResource, rolloutOfSubmission, type RolloutAction, type RolloutState } from './rollout.js';
import { storeErrorFrom } from './store-error.js';
import type { AccessTokenSource } from './token-source.js';

export interface SubmissionStatus {
  status: string;
  statusDetails: JsonObject;
}

export interface StoreClientOptions {
  apiUrl: string;
  tokens: AccessTokenSource;
  transport: Transport;
  logger: Logger;
}

/** A reference to a submission held by a product resource (`pending*Submission`, `lastPublished*Submission`). */
export function submissionRef(product: JsonObject, field: string): string | undefined {
  const ref = product[field];
  if (!isJsonObject(ref)) return undefined;
  const id = ref.id;
  return typeof id === 'string' && id !== '' && id !== '0' ? id : undefined;
}

/** The most pages one list is read to: lists of flights and add-ons take a few. */
const MAX_PAGES = 100;

export class StoreClient {
  private readonly root: string;
  /** The submissions this client created: the Store's refusals of these read differently (hints.ts). */
  private readonly created = new Set<string>();

  constructor(private readonly options: StoreClientOptions) {
    this.root = `${options.apiUrl.replace(/\/+$/, '')}/v1.0/my/`;
  }

  /**
   * Sends one call and returns the JSON object it answered with, or undefined for an empty answer
   * (201/204, DELETE) or one that is not an object. A non-2xx answer throws StoreApiError with the
   * Store's code, message, target and correlation ID; a 2xx body that is not JSON (a gateway's
   * page) is retried by the transport like a 5xx.
   */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { query?: Record<string, string>; body?: JsonObject; idempotent?: boolean } = {},
  ): Promise<JsonObject | undefined> {
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const callName = `${method} ${path}`;
    const result = await this.options.transport.sendJson(this.options.tokens, {
      method,
      url: `${this.root}${path}${query}`,
      name: callName,
      body: options.body,
      idempotent: options.idempotent ?? method !== 'POST',
      correlationHeader: 'ms-correlationid',
    });
    if (result.status < 200 || result.status >= 300) {
      const submissionId = /\/submissions\/([^/]+)/.exec(path)?.[1];
      throw storeErrorFrom(result, callName, {
        ownSubmission: submissionId !== undefined && this.created.has(decodeURIComponent(submissionId)),
        afterNewToken: result.afterNewToken,
      });
    }
    // Success answers may be empty (201/204 with no body, DELETE); treat any 2xx as success.
    if (!result.text.trim()) return undefined;
    // sendJson passes on only JSON bodies.
    const parsed: unknown = JSON.parse(result.text);
    if (!isJsonObject(parsed)) return undefined;
    // A submission's upload URL is a secret from the moment it is read, before any upload or error could echo it;
    // every part of its query is masked (docs/store-api.md#live-upload-urls).
    if (typeof parsed.fileUploadUrl === 'string') registerUrlQuery(parsed.fileUploadUrl);
    return parsed;
  }

  private async get(path: string): Promise<JsonObject> {
    const body = await this.call('GET', path);
    if (!body) throw new Error(`GET ${path} answered without a body`);
    return body;
  }

  /**
   * Follows `@nextLink` (relative to `/v1.0/my/`) until the last page. 404 means an empty list.
   * Throws naming the call when a link leads back to a page already read, or past MAX_PAGES pages.
   */
  async list(path: string): Promise<JsonObject[]> {
    const items: JsonObject[] = [];
    // Each page read, in order: a link back to one of them would go round for ever.
    const read: string[] = [];
    let next: string | undefined = path;
    while (next) {
      const earlier = read.indexOf(next);
      if (earlier !== -1)
        throw new Error(
          `GET ${path}: page ${read.length}'s @nextLink (${secrets.redact(next)}) leads back to page ${earlier + 1}; the Store's paging goes round in a loop, stopped there.`,
        );
      if (read.length === MAX_PAGES)
        throw new Error(`GET ${path}: more than ${MAX_PAGES} pages; stopped there (no list of this API is that long).`);
      read.push(next);
      let page: JsonObject;
      try {
        page = await this.get(next);
      } catch (error) {
        if ((error as { httpStatus?: number }).httpStatus === 404 && items.length === 0) return [];
        throw error;
      }
      const value = page.value;
      if (Array.isArray(value)) items.push(...value.filter(isJsonObject));
      const link = page['@nextLink'];
      next = typeof link === 'string' && link ? link.replace(/^\/?(v1\.0\/my\/)?/, '') : undefined;
    }
    return items;
  }

  getProduct(target: Target): Promise<JsonObject> {
    return this.get(KINDS[target.kind].resourcePath(target));
  }

  getSubmission(target: Target, submissionId: string): Promise<JsonObject> {
    return this.get(submissionsPath(target, submissionId));
  }

  async getStatus(target: Target, submissionId: string): Promise<SubmissionStatus> {
    const body = await this.get(`${submissionsPath(target, submissionId)}/status`);
    return {
      status: typeof body.status === 'string' ? body.status : 'Unknown',
      statusDetails: isJsonObject(body.statusDetails) ? body.statusDetails : {},
    };
  }

  /**
   * Creates a submission (a clone of the last published one). The Store may answer with the full
   * resource or a sparse one, or nothing at all: whatever it sends, the full resource is read back.
   * When the answer is lost and a pending submission then exists, nothing shows whether this run's
   * POST or another run's made it: throws UnownedSubmissionError rather than write into it.
   */
  async createSubmission(target: Target): Promise<JsonObject> {
    const pendingField = KINDS[target.kind].pendingField;
    const created = await postOnce(
      this.options.transport,
      () => this.call('POST', submissionsPath(target)),
      async () => {
        const pending = submissionRef(await this.getProduct(target), pendingField);
        if (pending) throw new UnownedSubmissionError(pending, target);
        return undefined;
      },
    );
    let id = typeof created?.id === 'string' ? created.id : undefined;
    if (!id) id = submissionRef(await this.getProduct(target), pendingField);
    if (!id) throw new Error(`The Store created a submission but its ID could not be read back`);
    this.created.add(id);
    if (created && typeof created.fileUploadUrl === 'string' && created.id === id && Object.keys(created).length > 3) {
      return created;
    }
    return this.getSubmission(target, id);
  }

  async updateSubmission(target: Target, submissionId: string, submission: JsonObject): Promise<JsonObject> {
    const body = await this.call('PUT', submissionsPath(target, submissionId), { body: submission });
    return body ?? (await this.getSubmission(target, submissionId));
  }

  /**
   * Commits. If the answer is lost, the status tells whether the commit started. A 409 on a
   * submission that another client committed first (a second commit job) is no failure: returns
   * `{ committedElsewhere: status }` with the status it then has; a 409 on one still PendingCommit
   * throws the StoreApiError.
   */
  async commitSubmission(target: Target, submissionId: string): Promise<{ committedElsewhere?: string }> {
    return postOnce(
      this.options.transport,
      async () => {
        try {
          await this.call('POST', `${submissionsPath(target, submissionId)}/commit`);
          return {};
        } catch (error) {
          if (!(error instanceof StoreApiError) || error.httpStatus !== 409) throw error;
          const { status } = await this.getStatus(target, submissionId);
          if (status === 'PendingCommit') throw error;
          return { committedElsewhere: status };
        }
      },
      async () => {
        // Still PendingCommit: the commit never arrived. Anything else: it started.
        const { status } = await this.getStatus(target, submissionId);
        return status === 'PendingCommit' ? undefined : {};
      },
    );
  }

  /**
   * Deletes a pending submission. A 409 on one that reads PendingCommit is the Store not ready to
   * let it go yet: the DELETE is sent again with backoff until the run stops (docs/store-api.md#pending-submissions).
   * Throws an Error naming the status when the submission was committed meanwhile, and the run's
   * stop with the status, the Store's words and what to do when the refusals last.
   */
  async deleteSubmission(target: Target, submissionId: string): Promise<void> {
    const { transport } = this.options;
    const call = `DELETE ${submissionsPath(target, submissionId)}`;
    await retrying(call, transport.policy, transport.logger, async () => {
      try {
        await this.call('DELETE', submissionsPath(target, submissionId));
      } catch (error) {
        // A retried DELETE whose first attempt took effect finds nothing to delete: that is success.
        if (error instanceof StoreApiError && error.httpStatus === 404) return;
        if (!(error instanceof StoreApiError) || error.httpStatus !== 409) throw error;
        const { status } = await this.getStatus(target, submissionId);
        if (status !== 'PendingCommit') {
          throw new Error(
            `Submission ${submissionId} cannot be deleted: it is now ${status}, committed since it was read (by another run, or in Partner Center). ` +
              "Let it finish and follow it in Partner Center or with 'command: status', then run again.",
            { cause: error },
          );
        }
        throw new TransientFailure(
          `refused with HTTP 409${error.code ? `, code ${error.code}` : ''}: ${error.storeMessage ?? 'no message'}${error.correlationId ? ` (MS-CorrelationId ${error.correlationId})` : ''}; submission ${submissionId} is still PendingCommit`,
          undefined,
          undefined,
          'if the Store keeps refusing, delete the submission in Partner Center, then run again',
        );
      }
    });
  }

  private getRollout(target: Target, submissionId: string): Promise<JsonObject> {
    return this.get(`${submissionsPath(target, submissionId)}/packagerollout`);
  }

  /** A submission's gradual rollout, from its rollout resource (docs/store-api.md, "Gradual rollout"). */
  async getRolloutState(target: Target, submissionId: string): Promise<RolloutState> {
    return rolloutFromResource(await this.getRollout(target, submissionId));
  }

  /**
   * The rollout of a published submission. Where the submission resource shows one, the rollout
   * resource (the authority on its state) is read too, else from what the submission says where the
   * service has no rollout resource for it (404/409); a submission without a rollout costs no call.
   */
  async publishedRolloutState(target: Target, published: JsonObject): Promise<RolloutState> {
    const fromSubmission = rolloutOfSubmission(published);
    if (fromSubmission.status === undefined && fromSubmission.percentage === undefined) return fromSubmission;
    try {
      const state = await this.getRolloutState(target, String(published.id));
      return state.status ? state : fromSubmission;
    } catch (error) {
      if (error instanceof StoreApiError && error.httpStatus < 500) return fromSubmission;
      throw error;
    }
  }

  /**
   * Updates (to `percentage`, 0-100), halts or finalizes a gradual rollout and returns its state
   * after; a lost answer is checked against the rollout's state.
   */
  async changeRollout(
    target: Target,
    submissionId: string,
    action: RolloutAction,
    percentage?: number,
  ): Promise<RolloutState> {
    const base = submissionsPath(target, submissionId);
    const path =
      action === 'update'
        ? `${base}/updatepackagerolloutpercentage`
        : action === 'halt'
          ? `${base}/haltpackagerollout`
          : `${base}/finalizepackagerollout`;
    const query = action === 'update' ? { percentage: String(percentage) } : undefined;
    const done = (rollout: JsonObject): boolean =>
      action === 'update'
        ? Number(rollout.packageRolloutPercentage) === percentage
        : rollout.packageRolloutStatus === (action === 'halt' ? 'PackageRolloutStopped' : 'PackageRolloutComplete');
    const after = await postOnce(
      this.options.transport,
      async () =>
        (await this.call('POST', path, query ? { query } : {})) ?? (await this.getRollout(target, submissionId)),
      async () => {
        const rollout = await this.getRollout(target, submissionId);
        return done(rollout) ? rollout : undefined;
      },
    );
    return rolloutFromResource(after);
  }

  async createFlight(appId: string, flight: JsonObject): Promise<JsonObject> {
    const path = `applications/${encodeURIComponent(appId)}/flights`;
    const find = () => this.findFlight(appId, String(flight.friendlyName));
    const created = await postOnce(this.options.transport, () => this.call('POST', path, { body: flight }), find);
    return created ?? (await find()) ?? {};
  }

  /** The app's flight with this friendly name: flights are found, and reused, by name. */
  async findFlight(appId: string, friendlyName: string): Promise<JsonObject | undefined> {
    return (await this.listFlights(appId)).find((f) => f.friendlyName === friendlyName);
  }

  listFlights(appId: string): Promise<JsonObject[]> {
    return this.list(`applications/${encodeURIComponent(appId)}/listflights`);
  }

  async createAddOn(addOn: JsonObject): Promise<JsonObject> {
    const appIds = Array.isArray(addOn.applicationIds) ? addOn.applicationIds : [];
    const find = () => this.findAddOn(String(addOn.productId), appIds);
    const created = await postOnce(
      this.options.transport,
      () => this.call('POST', 'inappproducts', { body: addOn }),
      find,
    );
    return created ?? (await find()) ?? {};
  }

  /** The add-on with this product ID that belongs to one of these apps. */
  async findAddOn(productId: string, appIds: JsonValue[]): Promise<JsonObject | undefined> {
    return (await this.listAddOns()).find((a) => a.productId === productId && addOnBelongsTo(a, appIds));
  }

  listAddOns(): Promise<JsonObject[]> {
    return this.list('inappproducts');
  }
}

/** Product IDs are unique per app, so an add-on only matches when it belongs to one of these apps. */
function addOnBelongsTo(addOn: JsonObject, appIds: JsonValue[]): boolean {
  const apps = isJsonObject(addOn.applications) ? addOn.applications.value : undefined;
  if (!Array.isArray(apps) || appIds.length === 0) return true;
  return apps.some((app) => isJsonObject(app) && appIds.includes(app.id ?? null));
}
