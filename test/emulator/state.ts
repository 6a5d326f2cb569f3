/** The emulator's products and submissions, inspectable and editable by tests. */
import { randomInt, randomUUID } from 'node:crypto';
import { applyPublishedFiles, clone, isObject } from './content.js';
import { defaultPackageDeliveryOptions } from './seed.js';
import type {
  AddOnRecord,
  AppRecord,
  FlightRecord,
  JsonObject,
  ProductKind,
  ProductRecord,
  Seed,
  StatusDetail,
  SubmissionRecord,
  SubmissionStatus,
  UploadedEntry,
} from './types.js';

/** Statuses from which a submission can still be deleted. */
export const DELETABLE: ReadonlySet<SubmissionStatus> = new Set<SubmissionStatus>([
  'PendingCommit',
  'CommitStarted',
  'CommitFailed',
  'PreProcessingFailed',
  'CertificationFailed',
  'ReleaseFailed',
  'PublishFailed',
  'Canceled',
  'None',
]);

export function emptyStatusDetails(): JsonObject {
  return { errors: [], warnings: [], certificationReports: [] };
}

export function kindOf(product: ProductRecord): ProductKind {
  if ('flightId' in product) return 'flight';
  if ('productType' in product) return 'addon';
  return 'app';
}

export function productIdOf(product: ProductRecord): string {
  return 'flightId' in product ? product.flightId : product.id;
}

export class EmulatorState {
  readonly apps = new Map<string, AppRecord>();
  readonly flights = new Map<string, FlightRecord>();
  readonly addOns = new Map<string, AddOnRecord>();
  readonly submissions = new Map<string, SubmissionRecord>();
  /** Called whenever a submission's status changes (the server uses it to cancel timers). */
  onStatusChange: (submission: SubmissionRecord) => void = () => {};
  private lastNumericId = 1152921504621300000n;

  constructor(seed: Seed) {
    for (const { app, published } of seed.apps) {
      const record = this.addApp(app);
      if (published) this.addPublishedSubmission(record, published);
    }
    for (const { flight, published } of seed.flights) {
      const record = this.addFlight(flight.appId, flight);
      if (published) this.addPublishedSubmission(record, published);
    }
    for (const { addOn, published } of seed.addOns) {
      const record = this.addAddOn(addOn);
      if (published) this.addPublishedSubmission(record, published);
    }
  }

  // ---- ids ---------------------------------------------------------------------------------

  /** A fresh long numeric id (submissions, packages, images). */
  newNumericId(): string {
    this.lastNumericId += BigInt(randomInt(1, 5000));
    return this.lastNumericId.toString();
  }

  newStoreId(): string {
    const alphabet = '0123456789BCDFGHJKLMNPQRSTVWXZ';
    let id = '9N';
    for (let i = 0; i < 10; i++) id += alphabet[randomInt(alphabet.length)];
    return this.apps.has(id) || this.addOns.has(id) ? this.newStoreId() : id;
  }

  // ---- lookups -------------------------------------------------------------------------------

  /** App, flight (by flight id) or add-on; ids never collide between kinds. */
  product(id: string): ProductRecord | undefined {
    return this.apps.get(id) ?? this.flights.get(id) ?? this.addOns.get(id);
  }

  app(id: string): AppRecord {
    const app = this.apps.get(id);
    if (!app) throw new Error(`emulator: no app ${id}`);
    return app;
  }

  flight(flightId: string): FlightRecord {
    const flight = this.flights.get(flightId);
    if (!flight) throw new Error(`emulator: no flight ${flightId}`);
    return flight;
  }

  /** The flight of an app with this friendly name. */
  flightByName(appId: string, friendlyName: string): FlightRecord | undefined {
    return [...this.flights.values()].find((f) => f.appId === appId && f.friendlyName === friendlyName);
  }

  flightsOf(appId: string): FlightRecord[] {
    return [...this.flights.values()].filter((f) => f.appId === appId);
  }

  addOn(id: string): AddOnRecord {
    const addOn = this.addOns.get(id);
    if (!addOn) throw new Error(`emulator: no add-on ${id}`);
    return addOn;
  }

  addOnByProductId(productId: string): AddOnRecord | undefined {
    return [...this.addOns.values()].find((a) => a.productId === productId);
  }

  submission(id: string): SubmissionRecord {
    const sub = this.submissions.get(id);
    if (!sub) throw new Error(`emulator: no submission ${id}`);
    return sub;
  }

  /** Every submission ever made for a product (oldest first), including deleted ones' absence. */
  submissionsOf(productOrId: ProductRecord | string): SubmissionRecord[] {
    const id = typeof productOrId === 'string' ? productOrId : productIdOf(productOrId);
    return [...this.submissions.values()].filter((s) => s.productId === id);
  }

  private resolve(productOrId: ProductRecord | string): ProductRecord {
    if (typeof productOrId !== 'string') return productOrId;
    const product = this.product(productOrId);
    if (!product) throw new Error(`emulator: no product ${productOrId}`);
    return product;
  }

  pendingSubmission(productOrId: ProductRecord | string): SubmissionRecord | undefined {
    const id = this.resolve(productOrId).pendingSubmissionId;
    return id ? this.submissions.get(id) : undefined;
  }

  lastPublishedSubmission(productOrId: ProductRecord | string): SubmissionRecord | undefined {
    const id = this.resolve(productOrId).lastPublishedSubmissionId;
    return id ? this.submissions.get(id) : undefined;
  }

  status(submissionId: string): SubmissionStatus {
    return this.submission(submissionId).resource['status'] as SubmissionStatus;
  }

  statusDetails(submissionId: string): {
    errors: StatusDetail[];
    warnings: StatusDetail[];
    certificationReports: Array<{ date: string; reportUrl: string }>;
  } {
    return this.submission(submissionId).resource['statusDetails'] as never;
  }

  /** The statuses a submission went through, in order (starting with PendingCommit for API ones). */
  statusChanges(submissionId: string): SubmissionStatus[] {
    return this.submission(submissionId).statusHistory.map((c) => c.status);
  }

  /** Zip entries read at commit (name, size, sha256), or undefined when no zip was processed. */
  uploads(submissionId: string): UploadedEntry[] | undefined {
    return this.submission(submissionId).uploads;
  }

  // ---- adding products -----------------------------------------------------------------------

  addApp(app: Partial<Omit<AppRecord, 'extra'>> & { extra?: JsonObject }): AppRecord {
    const id = app.id ?? this.newStoreId();
    const record: AppRecord = {
      primaryName: `App ${id}`,
      // mj48pws67hrft is the publisher hash of publisherName below (test/support/packages.ts).
      packageFamilyName: `Contoso.App${id}_mj48pws67hrft`,
      packageIdentityName: `Contoso.App${id}`,
      publisherName: 'CN=4AB1C2D3-0000-4000-8000-00000000C0DE',
      firstPublishedDate: '2026-10-01T10:00:00Z',
      hasAdvancedListingPermission: false,
      ...app,
      id,
      extra: app.extra ?? {},
    };
    this.apps.set(id, record);
    return record;
  }

  addFlight(appId: string, flight: Partial<Omit<FlightRecord, 'appId'>> = {}): FlightRecord {
    const flightId = flight.flightId ?? randomUUID();
    const record: FlightRecord = {
      friendlyName: `Flight ${flightId.slice(0, 8)}`,
      groupIds: [],
      rankHigherThan: 'Non-flighted submission',
      ...flight,
      flightId,
      appId,
    };
    this.flights.set(flightId, record);
    return record;
  }

  addAddOn(addOn: Partial<AddOnRecord> & { applicationIds: string[] }): AddOnRecord {
    const id = addOn.id ?? this.newStoreId();
    const record: AddOnRecord = { productId: `product.${id.toLowerCase()}`, productType: 'Durable', ...addOn, id };
    this.addOns.set(id, record);
    return record;
  }

  /** Registers a submission record and makes it the product's pending or last published one. */
  insertSubmission(
    product: ProductRecord,
    resource: JsonObject,
    options: { createdByApi: boolean; role: 'pending' | 'published' | 'none' },
  ): SubmissionRecord {
    const id = typeof resource['id'] === 'string' && resource['id'] ? resource['id'] : this.newNumericId();
    resource['id'] = id;
    const kind = kindOf(product);
    if (kind === 'flight') resource['flightId'] = productIdOf(product);
    const record: SubmissionRecord = {
      id,
      kind,
      productId: productIdOf(product),
      createdByApi: options.createdByApi,
      statusHistory: [
        { status: (resource['status'] as SubmissionStatus | undefined) ?? 'PendingCommit', at: Date.now() },
      ],
      commits: 0,
      resource,
    };
    if (kind !== 'addon') record.appId = 'flightId' in product ? product.appId : product.id;
    if (!resource['status']) resource['status'] = 'PendingCommit';
    if (!isObject(resource['statusDetails'])) resource['statusDetails'] = emptyStatusDetails();
    this.submissions.set(id, record);
    if (options.role === 'pending') product.pendingSubmissionId = id;
    if (options.role === 'published') product.lastPublishedSubmissionId = id;
    return record;
  }

  private addPublishedSubmission(product: ProductRecord, published: JsonObject): SubmissionRecord {
    const resource = clone(published);
    resource['status'] = 'Published';
    return this.insertSubmission(product, resource, { createdByApi: true, role: 'published' });
  }

  /** A template for the first submission of a product that never had one published. */
  emptySubmission(product: ProductRecord): JsonObject {
    switch (kindOf(product)) {
      case 'flight':
        return {
          flightPackages: [],
          packageDeliveryOptions: defaultPackageDeliveryOptions(),
          targetPublishMode: 'Immediate',
          targetPublishDate: '',
          notesForCertification: '',
        };
      case 'addon':
        return {
          contentType: 'NotSet',
          keywords: [],
          lifetime: 'Forever',
          listings: {},
          pricing: { marketSpecificPricings: {}, sales: [], priceId: 'NotAvailable', isAdvancedPricingModel: true },
          targetPublishMode: 'Immediate',
          targetPublishDate: '1601-01-01T00:00:00Z',
          tag: '',
          visibility: 'NotSet',
        };
      default:
        return {
          applicationCategory: 'NotSet',
          pricing: {
            trialPeriod: 'NoFreeTrial',
            marketSpecificPricings: {},
            sales: [],
            priceId: 'Free',
            isAdvancedPricingModel: true,
          },
          visibility: 'NotSet',
          targetPublishMode: 'Immediate',
          targetPublishDate: '1601-01-01T00:00:00Z',
          listings: {},
          applicationPackages: [],
          packageDeliveryOptions: defaultPackageDeliveryOptions(),
        };
    }
  }

  /**
   * A new pending submission cloned from the last published one (or a template), as create does.
   * `fileUploadUrl` undefined = a submission made in the UI (no upload URL; the API may only delete it).
   */
  createPendingSubmission(
    product: ProductRecord,
    options: { createdByApi: boolean; fileUploadUrl?: string },
  ): SubmissionRecord {
    const last = this.lastPublishedSubmission(product);
    const resource: JsonObject = last ? clone(last.resource) : this.emptySubmission(product);
    delete resource['id'];
    resource['status'] = 'PendingCommit';
    resource['statusDetails'] = emptyStatusDetails();
    if (options.fileUploadUrl !== undefined) resource['fileUploadUrl'] = options.fileUploadUrl;
    else delete resource['fileUploadUrl'];
    resource['friendlyName'] = `Submission ${this.submissionsOf(product).length + 1}`;
    const delivery = resource['packageDeliveryOptions'];
    if (isObject(delivery)) {
      delivery['packageRollout'] = {
        isPackageRollout: false,
        packageRolloutPercentage: 0,
        packageRolloutStatus: 'PackageRolloutNotStarted',
        fallbackSubmissionId: '0',
      };
    }
    return this.insertSubmission(product, resource, { createdByApi: options.createdByApi, role: 'pending' });
  }

  // ---- helpers to put products into a state --------------------------------------------------

  /** Gives a product a pending submission created "in the Partner Center UI" (no fileUploadUrl). */
  /** A pending submission as another run of the action would leave it: created through the API, with an upload URL. */
  addApiPendingSubmission(productOrId: ProductRecord | string, changes: JsonObject = {}): SubmissionRecord {
    const product = this.resolve(productOrId);
    const sub = this.createPendingSubmission(product, {
      createdByApi: true,
      fileUploadUrl: 'http://127.0.0.1:9/devstoreaccount1/other-run/upload.zip?sv=2019-12-12&sig=c2VlZGVk',
    });
    Object.assign(sub.resource, clone(changes));
    return sub;
  }

  addUiPendingSubmission(productOrId: ProductRecord | string, changes: JsonObject = {}): SubmissionRecord {
    const product = this.resolve(productOrId);
    if (product.pendingSubmissionId) throw new Error('emulator: product already has a pending submission');
    const sub = this.createPendingSubmission(product, { createdByApi: false });
    Object.assign(sub.resource, clone(changes));
    return sub;
  }

  /** Puts the product's last published submission into a gradual rollout in progress. */
  startRollout(productOrId: ProductRecord | string, percentage = 25): SubmissionRecord {
    const sub = this.lastPublishedSubmission(productOrId);
    if (!sub) throw new Error('emulator: no published submission');
    const previous = this.submissionsOf(productOrId).filter(
      (s) => s.id !== sub.id && s.resource['status'] === 'Published',
    );
    const delivery = isObject(sub.resource['packageDeliveryOptions'])
      ? sub.resource['packageDeliveryOptions']
      : defaultPackageDeliveryOptions();
    delivery['packageRollout'] = {
      isPackageRollout: true,
      packageRolloutPercentage: percentage,
      packageRolloutStatus: 'PackageRolloutInProgress',
      fallbackSubmissionId: previous.at(-1)?.id ?? '1152921504621243000',
    };
    sub.resource['packageDeliveryOptions'] = delivery;
    return sub;
  }

  /** Sets a submission's status (recorded as a status change); `details` replaces statusDetails fields. */
  setStatus(
    submissionId: string,
    status: SubmissionStatus,
    details: Partial<Record<'errors' | 'warnings' | 'certificationReports', unknown[]>> = {},
  ): void {
    const sub = this.submission(submissionId);
    sub.resource['status'] = status;
    const current = isObject(sub.resource['statusDetails']) ? sub.resource['statusDetails'] : emptyStatusDetails();
    sub.resource['statusDetails'] = { ...current, ...clone(details as JsonObject) };
    sub.statusHistory.push({ status, at: Date.now() });
    this.onStatusChange(sub);
  }

  /** Publishes a submission now (e.g. one waiting in Release with Manual mode), as the service does. */
  publish(submissionId: string): void {
    const sub = this.submission(submissionId);
    const product = this.resolve(sub.productId);
    applyPublishedFiles(sub.kind, sub.resource, () => this.newNumericId());
    const delivery = sub.resource['packageDeliveryOptions'];
    if (isObject(delivery) && isObject(delivery['packageRollout'])) {
      const rollout = delivery['packageRollout'];
      const isRollout = rollout['isPackageRollout'] === true;
      rollout['packageRolloutStatus'] = isRollout ? 'PackageRolloutInProgress' : 'PackageRolloutNotStarted';
      rollout['fallbackSubmissionId'] = isRollout ? (product.lastPublishedSubmissionId ?? '0') : '0';
      if (!isRollout) rollout['packageRolloutPercentage'] = 0;
    }
    if (product.pendingSubmissionId === sub.id) delete product.pendingSubmissionId;
    product.lastPublishedSubmissionId = sub.id;
    this.setStatus(submissionId, 'Published');
  }

  /** Every API call on this app or add-on answers 409 "uses features that are not supported". */
  markUnsupported(productId: string): void {
    const product = this.resolve(productId);
    if ('flightId' in product) throw new Error('emulator: mark the app, not the flight');
    product.unsupported = true;
  }

  /** Removes a submission (as DELETE does). */
  removeSubmission(submissionId: string): void {
    const sub = this.submission(submissionId);
    const product = this.product(sub.productId);
    if (product?.pendingSubmissionId === submissionId) delete product.pendingSubmissionId;
    this.submissions.delete(submissionId);
    this.onStatusChange(sub);
  }
}
