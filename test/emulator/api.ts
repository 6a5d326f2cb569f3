/** The Store submission API v1.0 routes (`/v1.0/my/...`), strictly as docs/store-api.md describes them. */
import type { Reply } from './auth.js';
import type { BlobStore } from './blob.js';
import { asArray, clone, isObject, packagesField } from './content.js';
import { recordedReply } from './recorded.js';
import { DELETABLE, EmulatorState, kindOf, productIdOf } from './state.js';
import type {
  AddOnRecord,
  AppRecord,
  FlightRecord,
  Json,
  JsonObject,
  ProductKind,
  ProductRecord,
  ProtocolVariant,
  SubmissionRecord,
} from './types.js';

export function storeError(
  status: number,
  code: string,
  message: string,
  target: string,
  extra: JsonObject = {},
): Reply {
  return { status, body: { code, data: [], details: [], message, source: 'Ingestion Api', target, ...extra } };
}

const UNSUPPORTED =
  'This application uses features that are not supported by the submission API. Use Partner Center to manage this product.';
const CREATE_CONFLICT = 'Create submission failed, status code Conflict, reason phrase Conflict';
const FILE_STATUSES = new Set(['None', 'PendingUpload', 'Uploaded', 'PendingDelete']);
const PUBLISH_MODES = new Set(['Immediate', 'Manual', 'SpecificDate']);
const VISIBILITIES = new Set(['Hidden', 'Public', 'Private', 'NotSet']);

export interface ApiRequest {
  method: string;
  /** Path segments after `/v1.0/my/`. */
  segments: string[];
  query: URLSearchParams;
  contentType: string | undefined;
  body: Buffer;
}

export interface ApiContext {
  state: EmulatorState;
  blobs: BlobStore;
  variant: ProtocolVariant;
  /** Starts processing after a commit. */
  startCommit(sub: SubmissionRecord): void;
  /** Stops processing of a submission (deleted). */
  cancel(sub: SubmissionRecord): void;
}

const NAMES: Record<ProductKind, { ref: string; pending: string; published: string; target: string; label: string }> = {
  app: {
    ref: 'application',
    pending: 'pendingApplicationSubmission',
    published: 'lastPublishedApplicationSubmission',
    target: 'applicationSubmission',
    label: 'Application',
  },
  flight: {
    ref: 'flight',
    pending: 'pendingFlightSubmission',
    published: 'lastPublishedFlightSubmission',
    target: 'flightSubmission',
    label: 'Flight',
  },
  addon: {
    ref: 'inAppProduct',
    pending: 'pendingInAppProductSubmission',
    published: 'lastPublishedInAppProductSubmission',
    target: 'inAppProductSubmission',
    label: 'InAppProduct',
  },
};

function submissionLocation(product: ProductRecord, submissionId: string): string {
  switch (kindOf(product)) {
    case 'flight':
      return `flights/${productIdOf(product)}/submissions/${submissionId}`;
    case 'addon':
      return `inappproducts/${productIdOf(product)}/submissions/${submissionId}`;
    default:
      return `applications/${productIdOf(product)}/submissions/${submissionId}`;
  }
}

function refs(product: ProductRecord): JsonObject {
  const names = NAMES[kindOf(product)];
  const out: JsonObject = {};
  if (product.lastPublishedSubmissionId) {
    out[names.published] = {
      id: product.lastPublishedSubmissionId,
      resourceLocation: submissionLocation(product, product.lastPublishedSubmissionId),
    };
  }
  if (product.pendingSubmissionId) {
    out[names.pending] = {
      id: product.pendingSubmissionId,
      resourceLocation: submissionLocation(product, product.pendingSubmissionId),
    };
  }
  return out;
}

export function appResource(app: AppRecord): JsonObject {
  return {
    id: app.id,
    primaryName: app.primaryName,
    packageFamilyName: app.packageFamilyName,
    packageIdentityName: app.packageIdentityName,
    publisherName: app.publisherName,
    firstPublishedDate: app.firstPublishedDate,
    ...refs(app),
    hasAdvancedListingPermission: app.hasAdvancedListingPermission,
    ...clone(app.extra),
  };
}

export function flightResource(flight: FlightRecord): JsonObject {
  return {
    flightId: flight.flightId,
    friendlyName: flight.friendlyName,
    ...refs(flight),
    groupIds: [...flight.groupIds],
    rankHigherThan: flight.rankHigherThan,
  };
}

export function addOnResource(addOn: AddOnRecord): JsonObject {
  return {
    applications: {
      value: addOn.applicationIds.map((id) => ({ id, resourceLocation: `applications/${id}` })),
      totalCount: addOn.applicationIds.length,
    },
    id: addOn.id,
    productId: addOn.productId,
    productType: addOn.productType,
    ...refs(addOn),
  };
}

/** Fields the service keeps whatever a PUT sends. */
const SERVICE_FIELDS = ['id', 'status', 'statusDetails', 'fileUploadUrl', 'friendlyName', 'flightId'];

/**
 * The paths of keys `stored` has and `sent` lacks: nested objects by key, array items by their `id`
 * (items without one, or no longer sent, are not compared). `skip` names top-level keys not compared.
 */
export function droppedKeys(stored: Json, sent: Json, skip: readonly string[] = [], at = ''): string[] {
  if (Array.isArray(stored) && Array.isArray(sent)) {
    return stored.flatMap((item) => {
      const id = isObject(item) ? item['id'] : undefined;
      if (typeof id !== 'string' || id === '') return [];
      const match = sent.find((other) => isObject(other) && other['id'] === id);
      return match === undefined ? [] : droppedKeys(item, match, [], `${at}[${id}]`);
    });
  }
  if (!isObject(stored) || !isObject(sent)) return [];
  return Object.keys(stored)
    .filter((key) => !skip.includes(key))
    .flatMap((key) => {
      const path = at ? `${at}.${key}` : key;
      return key in sent ? droppedKeys(stored[key]!, sent[key]!, [], path) : [path];
    });
}

function ok(body: Json, status = 200): Reply {
  return { status, body };
}

function notFound(what: string, id: string, target: string): Reply {
  return storeError(404, 'ResourceNotFound', `${what} '${id}' was not found.`, target);
}

export class StoreApi {
  constructor(private readonly ctx: ApiContext) {}

  private get state(): EmulatorState {
    return this.ctx.state;
  }

  /** Answers one call, in the variant's shapes. */
  async handle(req: ApiRequest): Promise<Reply> {
    const reply = await this.route(req);
    return this.ctx.variant.shapes === 'recorded' ? recordedReply(reply) : reply;
  }

  private async route(req: ApiRequest): Promise<Reply> {
    const s = req.segments;
    const m = req.method;
    const route = (n: number, method: string): boolean => s.length === n && m === method;
    const [root, id, sub1, sub2, sub3] = s;

    if (root === 'applications') {
      if (s.length === 1) return m === 'GET' ? this.listApps(req) : this.methodNotAllowed();
      const app = this.state.apps.get(id ?? '');
      if (!app) return notFound('Application', id ?? '', 'applicationId');
      if (app.unsupported) return storeError(409, 'InvalidState', UNSUPPORTED, 'applicationId');
      if (s.length === 2) return m === 'GET' ? ok(appResource(app)) : this.methodNotAllowed();
      if (sub1 === 'listinappproducts' && s.length === 3)
        return m === 'GET' ? this.listAppAddOns(app, req) : this.methodNotAllowed();
      if (sub1 === 'listflights' && s.length === 3)
        return m === 'GET' ? this.listFlights(app, req) : this.methodNotAllowed();
      if (sub1 === 'submissions') return this.submissionRoutes(app, s.slice(3), req);
      if (sub1 === 'flights') {
        if (s.length === 3) return m === 'POST' ? this.createFlight(app, req) : this.methodNotAllowed();
        const flight = this.state.flights.get(sub2 ?? '');
        if (!flight || flight.appId !== app.id) return notFound('Flight', sub2 ?? '', 'flightId');
        if (s.length === 4) {
          if (m === 'GET') return ok(flightResource(flight));
          if (m === 'DELETE') return this.deleteProduct(flight);
          return this.methodNotAllowed();
        }
        if (sub3 === 'submissions') return this.submissionRoutes(flight, s.slice(5), req);
      }
      return this.unknownRoute();
    }
    if (root === 'inappproducts') {
      if (s.length === 1) {
        if (m === 'GET') return this.listAddOns(req);
        if (m === 'POST') return this.createAddOn(req);
        return this.methodNotAllowed();
      }
      const addOn = this.state.addOns.get(id ?? '');
      if (!addOn) return notFound('InAppProduct', id ?? '', 'inAppProductId');
      if (addOn.unsupported || addOn.applicationIds.some((a) => this.state.apps.get(a)?.unsupported)) {
        return storeError(409, 'InvalidState', UNSUPPORTED, 'inAppProductId');
      }
      if (route(2, 'GET')) return ok(addOnResource(addOn));
      if (route(2, 'DELETE')) return this.deleteProduct(addOn);
      if (s.length === 2) return this.methodNotAllowed();
      if (sub1 === 'submissions') return this.submissionRoutes(addOn, s.slice(3), req);
    }
    return this.unknownRoute();
  }

  private methodNotAllowed(): Reply {
    return storeError(405, 'InvalidOperation', 'The requested resource does not support this HTTP method.', 'method');
  }

  private unknownRoute(): Reply {
    return storeError(404, 'ResourceNotFound', 'No resource was found that matches the request URI.', 'uri');
  }

  // ---- lists ---------------------------------------------------------------------------------

  private page(req: ApiRequest, base: string, items: Json[], defaultTop: number | undefined): Reply {
    const parse = (name: string): number | undefined | Reply => {
      const raw = req.query.get(name);
      if (raw === null) return undefined;
      if (!/^\d+$/.test(raw))
        return storeError(400, 'InvalidParameterValue', `The value '${raw}' is not valid for ${name}.`, name);
      return Number(raw);
    };
    const top = parse('top');
    const skip = parse('skip');
    if (typeof top === 'object') return top;
    if (typeof skip === 'object') return skip;
    if (items.length === 0 && this.ctx.variant.emptyListStatus === 404) {
      return storeError(404, 'ResourceNotFound', 'No resources were found.', base.split('/').pop() ?? base);
    }
    const from = skip ?? 0;
    const size = top ?? defaultTop ?? items.length;
    const value = items.slice(from, from + size);
    const body: JsonObject = { value, totalCount: items.length };
    if (from + size < items.length) body['@nextLink'] = `${base}?skip=${from + size}&top=${size}`;
    return ok(body);
  }

  private listApps(req: ApiRequest): Reply {
    return this.page(req, 'applications', [...this.state.apps.values()].map(appResource), 10);
  }

  private listAppAddOns(app: AppRecord, req: ApiRequest): Reply {
    const items = [...this.state.addOns.values()]
      .filter((a) => a.applicationIds.includes(app.id))
      .map((a) => ({ inAppProductId: a.id }));
    return this.page(req, `applications/${app.id}/listinappproducts`, items, 10);
  }

  private listFlights(app: AppRecord, req: ApiRequest): Reply {
    return this.page(req, `applications/${app.id}/listflights`, this.state.flightsOf(app.id).map(flightResource), 10);
  }

  private listAddOns(req: ApiRequest): Reply {
    return this.page(req, 'inappproducts', [...this.state.addOns.values()].map(addOnResource), undefined);
  }

  // ---- flights and add-ons ---------------------------------------------------------------------

  private parseJson(req: ApiRequest, target: string, allowEmpty: boolean): { value: JsonObject } | { error: Reply } {
    if (req.body.length === 0 && allowEmpty) return { value: {} };
    if (!/^application\/json\b/i.test(req.contentType ?? '')) {
      return {
        error: storeError(
          415,
          'InvalidParameterValue',
          `The request entity's media type '${req.contentType ?? ''}' is not supported for this resource.`,
          target,
        ),
      };
    }
    try {
      const value = JSON.parse(req.body.toString('utf8')) as Json;
      if (isObject(value)) return { value };
    } catch {
      // fall through
    }
    return { error: storeError(400, 'InvalidParameterValue', 'The request body is not a valid JSON object.', target) };
  }

  private async createFlight(app: AppRecord, req: ApiRequest): Promise<Reply> {
    const parsed = this.parseJson(req, 'flight', true);
    if ('error' in parsed) return parsed.error;
    const b = parsed.value;
    const name = b['friendlyName'];
    if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) {
      return storeError(400, 'InvalidParameterValue', 'friendlyName must be a non-empty string.', 'friendlyName');
    }
    const groups = b['groupIds'];
    if (
      groups !== undefined &&
      !(Array.isArray(groups) && groups.every((g) => typeof g === 'string' || typeof g === 'number'))
    ) {
      return storeError(400, 'InvalidParameterValue', 'groupIds must be an array of flight group IDs.', 'groupIds');
    }
    const rank = b['rankHigherThan'];
    const siblings = this.state.flightsOf(app.id);
    let rankHigherThan = siblings.at(-1)?.friendlyName ?? 'Non-flighted submission';
    if (rank !== undefined && rank !== null && rank !== '') {
      const target =
        typeof rank === 'string' ? siblings.find((f) => f.flightId === rank || f.friendlyName === rank) : undefined;
      if (!target && rank !== 'Non-flighted submission') {
        return storeError(
          400,
          'InvalidParameterValue',
          `rankHigherThan '${String(rank)}' does not name a flight of this application.`,
          'rankHigherThan',
        );
      }
      rankHigherThan = target ? target.friendlyName : 'Non-flighted submission';
    }
    const flight = this.state.addFlight(app.id, {
      friendlyName: typeof name === 'string' ? name : `Flight ${siblings.length + 1}`,
      groupIds: (Array.isArray(groups) ? groups : []).map((g) => String(g)),
      rankHigherThan,
    });
    const out: JsonObject = {
      flightId: flight.flightId,
      friendlyName: flight.friendlyName,
      groupIds: [...flight.groupIds],
      rankHigherThan: flight.rankHigherThan,
    };
    if (this.ctx.variant.flightCreateIncludesSubmission) {
      const upload = await this.ctx.blobs.newUploadUrl();
      const sub = this.state.createPendingSubmission(flight, { createdByApi: true, fileUploadUrl: upload.url });
      sub.blob = upload.blob;
      out['pendingFlightSubmission'] = { id: sub.id, resourceLocation: submissionLocation(flight, sub.id) };
    }
    return ok(out, this.ctx.variant.createStatus);
  }

  private createAddOn(req: ApiRequest): Reply {
    const parsed = this.parseJson(req, 'inAppProduct', false);
    if ('error' in parsed) return parsed.error;
    const b = parsed.value;
    const apps = b['applicationIds'];
    if (!Array.isArray(apps) || apps.length !== 1 || typeof apps[0] !== 'string') {
      return storeError(
        400,
        'InvalidParameterValue',
        'applicationIds must contain exactly one application ID.',
        'applicationIds',
      );
    }
    const appId = apps[0];
    const app = this.state.apps.get(appId);
    if (!app)
      return storeError(400, 'InvalidParameterValue', `Application '${appId}' was not found.`, 'applicationIds');
    if (app.unsupported) return storeError(409, 'InvalidState', UNSUPPORTED, 'applicationIds');
    const productId = b['productId'];
    if (typeof productId !== 'string' || productId.trim() === '') {
      return storeError(400, 'InvalidParameterValue', 'productId is required.', 'productId');
    }
    const productType = b['productType'];
    if (productType !== 'Durable' && productType !== 'Consumable') {
      return storeError(400, 'InvalidParameterValue', "productType must be 'Durable' or 'Consumable'.", 'productType');
    }
    const clash = [...this.state.addOns.values()].find(
      (a) => a.productId === productId && a.applicationIds.includes(appId),
    );
    if (clash) {
      return storeError(
        409,
        'InvalidState',
        `An add-on with product ID '${productId}' already exists for this application (${clash.id}).`,
        'productId',
      );
    }
    const addOn = this.state.addAddOn({ applicationIds: [appId], productId, productType });
    return ok(addOnResource(addOn), this.ctx.variant.createStatus);
  }

  private deleteProduct(product: FlightRecord | AddOnRecord): Reply {
    const pending = this.state.pendingSubmission(product);
    if (pending && !DELETABLE.has(pending.resource['status'] as never)) {
      const what = 'flightId' in product ? 'Flight' : 'InAppProduct';
      return storeError(
        409,
        'InvalidState',
        `${what} in its current state cannot be deleted`,
        'flightId' in product ? 'flightId' : 'inAppProductId',
      );
    }
    for (const sub of this.state.submissionsOf(product)) {
      this.ctx.cancel(sub);
      this.state.submissions.delete(sub.id);
    }
    if ('flightId' in product) this.state.flights.delete(product.flightId);
    else this.state.addOns.delete(product.id);
    return { status: this.ctx.variant.deleteStatus };
  }

  // ---- submissions -----------------------------------------------------------------------------

  /** `tail` = segments after `.../submissions`. */
  private async submissionRoutes(product: ProductRecord, tail: string[], req: ApiRequest): Promise<Reply> {
    const m = req.method;
    if (tail.length === 0) return m === 'POST' ? this.createSubmission(product, req) : this.methodNotAllowed();
    const subId = tail[0] ?? '';
    const sub = this.state.submissions.get(subId);
    if (!sub) return notFound('Submission', subId, 'submissionId');
    if (sub.productId !== productIdOf(product)) {
      return storeError(
        409,
        'InvalidState',
        `Submission '${subId}' does not belong to ${NAMES[kindOf(product)].label} '${productIdOf(product)}'.`,
        'submissionId',
      );
    }
    const action = tail[1];
    if (tail.length === 1) {
      if (m === 'GET') return ok(clone(sub.resource));
      if (m === 'PUT') return this.updateSubmission(product, sub, req);
      if (m === 'DELETE') return this.deleteSubmission(product, sub);
      return this.methodNotAllowed();
    }
    if (tail.length !== 2) return this.unknownRoute();
    switch (action) {
      case 'commit':
        return m === 'POST' ? this.commit(sub) : this.methodNotAllowed();
      case 'status':
        return m === 'GET'
          ? ok({ status: sub.resource['status'] ?? 'None', statusDetails: clone(sub.resource['statusDetails'] ?? {}) })
          : this.methodNotAllowed();
    }
    if (kindOf(product) === 'addon') return this.unknownRoute();
    switch (action) {
      case 'packagerollout':
        return m === 'GET' ? ok(this.rolloutOf(sub)) : this.methodNotAllowed();
      case 'updatepackagerolloutpercentage':
      case 'haltpackagerollout':
      case 'finalizepackagerollout':
        return m === 'POST' ? this.changeRollout(sub, action, req) : this.methodNotAllowed();
    }
    return this.unknownRoute();
  }

  private async createSubmission(product: ProductRecord, req: ApiRequest): Promise<Reply> {
    if (product.pendingSubmissionId) return storeError(409, 'InvalidState', CREATE_CONFLICT, 'submission');
    const last = this.state.lastPublishedSubmission(product);
    if (kindOf(product) === 'app' && !last) {
      // The first app submission must be made in Partner Center (incl. age ratings).
      return storeError(409, 'InvalidState', CREATE_CONFLICT, 'submission');
    }
    if (last && this.rolloutOf(last)['packageRolloutStatus'] === 'PackageRolloutInProgress') {
      return storeError(
        409,
        'InvalidState',
        'A new submission cannot be created while the gradual package rollout of the last published submission is in progress. Finalize or halt it first.',
        'submission',
      );
    }
    const upload = await this.ctx.blobs.newUploadUrl();
    const sub = this.state.createPendingSubmission(product, { createdByApi: true, fileUploadUrl: upload.url });
    sub.blob = upload.blob;
    const minimal = (req.query.get('isMinimalResponse') ?? '').toLowerCase() === 'true';
    return ok(minimal ? { id: sub.id } : clone(sub.resource), this.ctx.variant.createStatus);
  }

  private notApiCreated(product: ProductRecord, verb: string): Reply {
    const names = NAMES[kindOf(product)];
    void verb;
    return storeError(
      400,
      'InvalidOperation',
      'Ingestion API can only update, delete, and commit submissions that are created through the API. Please delete the current in-progress submission and create one using the API',
      names.target,
    );
  }

  private validate(product: ProductRecord, sub: SubmissionRecord, body: JsonObject): Reply | undefined {
    const kind = kindOf(product);
    const bad = (message: string, target: string): Reply => storeError(400, 'InvalidParameterValue', message, target);
    if (kind === 'app') {
      const listings = body['listings'];
      if (!isObject(listings) || Object.keys(listings).length === 0)
        return bad('The size of AppListings must be 1 or more', 'appListings');
      for (const [lang, listing] of Object.entries(listings)) {
        if (!isObject(listing) || !isObject(listing['baseListing']))
          return bad(`Listing '${lang}' must have a baseListing.`, 'appListings');
        for (const img of asArray(listing['baseListing']['images'])) {
          if (!isObject(img) || typeof img['fileName'] !== 'string' || !FILE_STATUSES.has(String(img['fileStatus']))) {
            return bad(`Listing '${lang}' has an invalid image entry.`, 'images');
          }
        }
      }
      if (asArray(body['trailers']).length > 15) return bad('A submission can have at most 15 trailers.', 'trailers');
      const app = product as AppRecord;
      if (app.pricingV2 && isObject(body['pricing']) && body['pricing']['priceId'] === 'Base') {
        return bad("'Base' is not a valid PriceId for base price.", 'pricing');
      }
    }
    if (kind === 'addon') {
      const listings = body['listings'];
      if (listings !== undefined && !isObject(listings)) return bad('listings must be an object.', 'listings');
      if (asArray(body['keywords']).length > 10) return bad('An add-on can have at most 10 keywords.', 'keywords');
      if (isObject(listings)) {
        for (const [lang, listing] of Object.entries(listings)) {
          if (!isObject(listing)) return bad(`Listing '${lang}' is invalid.`, 'listings');
          const icon = listing['icon'];
          if (
            icon !== undefined &&
            icon !== null &&
            (!isObject(icon) || typeof icon['fileName'] !== 'string' || !FILE_STATUSES.has(String(icon['fileStatus'])))
          ) {
            return bad(`Listing '${lang}' has an invalid icon.`, 'icon');
          }
        }
      }
    }
    const field = packagesField(kind);
    if (field) {
      const given = body[field];
      if (given !== undefined && given !== null && !Array.isArray(given))
        return bad(`${field} must be an array.`, 'packages');
      const next = asArray(given);
      for (const p of next) {
        if (
          !isObject(p) ||
          typeof p['fileName'] !== 'string' ||
          p['fileName'] === '' ||
          !FILE_STATUSES.has(String(p['fileStatus']))
        ) {
          return bad('Each package entry needs a fileName and a valid fileStatus.', 'packages');
        }
      }
      // An existing entry is kept only by an entry that names it (by id, or by fileName where no id
      // is sent) and is not PendingUpload: the Store took a re-sent PendingUpload id as missing.
      const existing = asArray(sub.resource[field]).filter(
        (p): p is JsonObject => isObject(p) && (p['fileStatus'] === 'Uploaded' || p['fileStatus'] === 'PendingDelete'),
      );
      const hasId = (p: JsonObject): boolean => typeof p['id'] === 'string' && p['id'] !== '';
      const dropped = existing.filter(
        (old) =>
          !next.some(
            (p) =>
              isObject(p) &&
              p['fileStatus'] !== 'PendingUpload' &&
              (hasId(old) && hasId(p) ? p['id'] === old['id'] : p['fileName'] === old['fileName']),
          ),
      );
      if (dropped.length > 0) {
        return bad(
          `Please keep all file entries for existing packages. If you wish to remove a package, mark it as PendingDelete. The following packages are missing in your update: ${dropped.map((p) => String(hasId(p) ? p['id'] : p['fileName'])).join(', ')}`,
          'packages',
        );
      }
    }
    const mode = body['targetPublishMode'];
    if (mode !== undefined && !PUBLISH_MODES.has(String(mode)))
      return bad(`'${String(mode)}' is not a valid targetPublishMode.`, 'targetPublishMode');
    if (mode === 'SpecificDate') {
      const date = body['targetPublishDate'];
      if (typeof date !== 'string' || Number.isNaN(Date.parse(date)))
        return bad('targetPublishDate must be an ISO 8601 date with SpecificDate.', 'targetPublishDate');
    }
    const visibility = body['visibility'];
    if (kind !== 'flight' && visibility !== undefined && !VISIBILITIES.has(String(visibility))) {
      return bad(`'${String(visibility)}' is not a valid visibility.`, 'visibility');
    }
    const delivery = body['packageDeliveryOptions'];
    if (delivery !== undefined && kind !== 'addon') {
      if (!isObject(delivery)) return bad('packageDeliveryOptions must be an object.', 'packageDeliveryOptions');
      const rollout = delivery['packageRollout'];
      if (isObject(rollout) && rollout['isPackageRollout'] === true) {
        const pct = rollout['packageRolloutPercentage'];
        if (typeof pct !== 'number' || pct < 0 || pct > 100)
          return bad('packageRolloutPercentage must be a number from 0 to 100.', 'packageRollout');
      }
    }
    return undefined;
  }

  private updateSubmission(product: ProductRecord, sub: SubmissionRecord, req: ApiRequest): Reply {
    if (!sub.createdByApi) return this.notApiCreated(product, 'update');
    if (sub.resource['status'] !== 'PendingCommit') {
      return storeError(409, 'InvalidState', 'Submission in its current state cannot be updated', 'submissionId');
    }
    const parsed = this.parseJson(req, NAMES[kindOf(product)].target, false);
    if ('error' in parsed) return parsed.error;
    const body = parsed.value;
    const invalid = this.validate(product, sub, body);
    if (invalid) return invalid;

    const stored = sub.resource;
    const next = clone(body);
    sub.droppedKeys = droppedKeys(stored, body, SERVICE_FIELDS);
    for (const field of SERVICE_FIELDS) {
      const value = stored[field];
      if (value === undefined) delete next[field];
      else next[field] = clone(value);
    }
    // Service-assigned rollout fields are ignored.
    const oldRollout = isObject(stored['packageDeliveryOptions'])
      ? stored['packageDeliveryOptions']['packageRollout']
      : undefined;
    const newDelivery = next['packageDeliveryOptions'];
    if (isObject(newDelivery) && isObject(newDelivery['packageRollout'])) {
      const r = newDelivery['packageRollout'];
      r['packageRolloutStatus'] = isObject(oldRollout)
        ? (oldRollout['packageRolloutStatus'] ?? 'PackageRolloutNotStarted')
        : 'PackageRolloutNotStarted';
      r['fallbackSubmissionId'] = isObject(oldRollout) ? (oldRollout['fallbackSubmissionId'] ?? '0') : '0';
    }
    // Read-only / deprecated pricing fields.
    if (isObject(next['pricing']) && isObject(stored['pricing'])) {
      if ('isAdvancedPricingModel' in stored['pricing'])
        next['pricing']['isAdvancedPricingModel'] = stored['pricing']['isAdvancedPricingModel'] ?? null;
      if ('sales' in stored['pricing']) next['pricing']['sales'] = clone(stored['pricing']['sales'] ?? []);
    }
    if (kindOf(product) === 'app') {
      const app = product as AppRecord;
      if (!app.hasAdvancedListingPermission) {
        for (const field of ['gamingOptions', 'trailers']) {
          if (stored[field] === undefined) delete next[field];
          else next[field] = clone(stored[field]);
        }
      }
      // Obsolete listing fields are ignored on PUT.
      const listings = next['listings'];
      const oldListings = isObject(stored['listings']) ? stored['listings'] : {};
      if (isObject(listings)) {
        for (const [lang, listing] of Object.entries(listings)) {
          if (!isObject(listing) || !isObject(listing['baseListing'])) continue;
          const old = oldListings[lang];
          const oldBase = isObject(old) && isObject(old['baseListing']) ? old['baseListing'] : {};
          for (const field of ['privacyPolicy', 'supportContact', 'websiteUrl']) {
            if (oldBase[field] !== undefined) listing['baseListing'][field] = clone(oldBase[field]);
            else if (field in listing['baseListing']) listing['baseListing'][field] = '';
          }
        }
      }
    }
    sub.resource = next;
    return ok(clone(next));
  }

  private commit(sub: SubmissionRecord): Reply {
    const product = this.state.product(sub.productId);
    if (!sub.createdByApi && product) return this.notApiCreated(product, 'commit');
    if (sub.resource['status'] !== 'PendingCommit') {
      return storeError(409, 'InvalidState', 'Submission in its current state cannot be committed', 'submissionId');
    }
    sub.commits += 1;
    sub.resource['statusDetails'] = { errors: [], warnings: [], certificationReports: [] };
    this.state.setStatus(sub.id, 'CommitStarted');
    this.ctx.startCommit(sub);
    return ok({ status: 'CommitStarted' });
  }

  private deleteSubmission(product: ProductRecord, sub: SubmissionRecord): Reply {
    // The API only changes submissions it created (docs/store-api.md#pending-submissions).
    if (!sub.createdByApi) return this.notApiCreated(product, 'delete');
    const status = sub.resource['status'] as never;
    if (product.lastPublishedSubmissionId === sub.id || !DELETABLE.has(status)) {
      return storeError(409, 'InvalidState', 'Submission in its current state cannot be deleted', 'submissionId');
    }
    this.ctx.cancel(sub);
    this.state.removeSubmission(sub.id);
    if (sub.blob) void this.ctx.blobs.remove(sub.blob);
    return { status: this.ctx.variant.deleteStatus };
  }

  // ---- rollout ---------------------------------------------------------------------------------

  private rolloutOf(sub: SubmissionRecord): JsonObject {
    const delivery = sub.resource['packageDeliveryOptions'];
    const rollout = isObject(delivery) ? delivery['packageRollout'] : undefined;
    return isObject(rollout)
      ? clone(rollout)
      : {
          isPackageRollout: false,
          packageRolloutPercentage: 0,
          packageRolloutStatus: 'PackageRolloutNotStarted',
          fallbackSubmissionId: '0',
        };
  }

  private changeRollout(sub: SubmissionRecord, action: string, req: ApiRequest): Reply {
    const delivery = sub.resource['packageDeliveryOptions'];
    const rollout = isObject(delivery) ? delivery['packageRollout'] : undefined;
    if (
      sub.resource['status'] !== 'Published' ||
      !isObject(rollout) ||
      rollout['packageRolloutStatus'] !== 'PackageRolloutInProgress'
    ) {
      return storeError(
        409,
        'InvalidState',
        'The package rollout of this submission cannot be changed in its current state',
        'packageRollout',
      );
    }
    if (action === 'updatepackagerolloutpercentage') {
      const raw = req.query.get('percentage');
      const value = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value) || value < 0 || value > 100) {
        return storeError(
          400,
          'InvalidParameterValue',
          `The value '${raw ?? ''}' is not a valid percentage.`,
          'percentage',
        );
      }
      rollout['packageRolloutPercentage'] = value;
    } else if (action === 'haltpackagerollout') {
      rollout['packageRolloutStatus'] = 'PackageRolloutStopped';
    } else {
      rollout['packageRolloutPercentage'] = 100;
      rollout['packageRolloutStatus'] = 'PackageRolloutComplete';
    }
    return ok(clone(rollout));
  }
}

export const PUBLISHED_STATES = new Set(['Published']);
export type { SubmissionRecord };
