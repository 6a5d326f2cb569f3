/** Shared types of the Store API emulator. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type ProductKind = 'app' | 'flight' | 'addon';

export type SubmissionStatus =
  | 'None'
  | 'Canceled'
  | 'PendingCommit'
  | 'CommitStarted'
  | 'CommitFailed'
  | 'PendingPublication'
  | 'Publishing'
  | 'Published'
  | 'PublishFailed'
  | 'PreProcessing'
  | 'PreProcessingFailed'
  | 'Certification'
  | 'CertificationFailed'
  | 'Release'
  | 'ReleaseFailed';

export interface StatusDetail {
  code: string;
  details: string;
}

/** One file found in the uploaded zip when the commit was processed. */
export interface UploadedEntry {
  /** Entry name as stored in the zip (forward slashes). */
  name: string;
  size: number;
  sha256: string;
}

/** What pre-processing reads from a package's manifests (the bundle's, for bundles and upload files wrapping one). */
export interface PackageFacts {
  /** Identity `Name`, `Publisher` and `Version`, as written. */
  name: string;
  publisher: string;
  version: string;
  /** Lower case, as the manifest reader gives them (`x64`, `arm64`, `neutral`). */
  architectures: string[];
  /** As the Store writes them: `Windows.Desktop min version 10.0.17763.0`. */
  targetDeviceFamilies: string[];
}

export interface StatusChange {
  status: SubmissionStatus;
  at: number;
}

/** A submission held by the emulator. `resource` is exactly what GET returns. */
export interface SubmissionRecord {
  id: string;
  kind: ProductKind;
  /** App Store ID, flight ID or add-on Store ID that owns the submission. */
  productId: string;
  /** The owning app for flight submissions (and app submissions). */
  appId?: string;
  resource: JsonObject;
  /** False for submissions made "in the Partner Center UI": no fileUploadUrl, API may not PUT/commit. */
  createdByApi: boolean;
  statusHistory: StatusChange[];
  /** Zip entries found when the commit was processed (undefined until then, or when no zip was read). */
  uploads?: UploadedEntry[];
  /** Manifest facts of the uploaded packages by zip entry name (set when the commit read the zip). */
  packageFacts?: Map<string, PackageFacts>;
  /** Where the upload blob lives in Azurite. */
  blob?: { container: string; name: string };
  /** Number of times this submission was committed. */
  commits: number;
  /**
   * Keys the last PUT left out that the stored resource had (`allowTargetFutureDeviceFamilies.7`,
   * `applicationPackages[2000000000090432659].targetPlatform`); the Store would lose them. Unset before any PUT.
   */
  droppedKeys?: string[];
}

export interface AppRecord {
  id: string;
  primaryName: string;
  packageFamilyName: string;
  packageIdentityName: string;
  publisherName: string;
  firstPublishedDate: string;
  hasAdvancedListingPermission: boolean;
  /** Extra fields returned as-is by GET applications/{id}. */
  extra: JsonObject;
  pendingSubmissionId?: string;
  lastPublishedSubmissionId?: string;
  /** When true every call on this app answers 409 "uses features that are not supported". */
  unsupported?: boolean;
  /** Pricing Version 2 product: PUT with pricing.priceId "Base" fails with 400. */
  pricingV2?: boolean;
}

export interface FlightRecord {
  flightId: string;
  appId: string;
  friendlyName: string;
  groupIds: string[];
  rankHigherThan: string;
  pendingSubmissionId?: string;
  lastPublishedSubmissionId?: string;
}

export interface AddOnRecord {
  id: string;
  productId: string;
  productType: 'Durable' | 'Consumable';
  applicationIds: string[];
  pendingSubmissionId?: string;
  lastPublishedSubmissionId?: string;
  unsupported?: boolean;
}

export type ProductRecord = AppRecord | FlightRecord | AddOnRecord;

/** Initial content. Submissions are given without `id` (one is assigned) or with one. */
export interface Seed {
  apps: Array<{
    app: Omit<AppRecord, 'pendingSubmissionId' | 'lastPublishedSubmissionId' | 'extra'> & { extra?: JsonObject };
    published?: JsonObject;
  }>;
  flights: Array<{
    flight: Omit<FlightRecord, 'pendingSubmissionId' | 'lastPublishedSubmissionId'>;
    published?: JsonObject;
  }>;
  addOns: Array<{
    addOn: Omit<AddOnRecord, 'pendingSubmissionId' | 'lastPublishedSubmissionId'>;
    published?: JsonObject;
  }>;
}

export interface ProtocolVariant {
  /** Status of successful creates (submission, flight, add-on). Default 201. */
  createStatus: 200 | 201;
  /** Status of successful deletes; the body is empty either way. Default 204. */
  deleteStatus: 200 | 204;
  /** Flight create also creates the first flight submission and returns `pendingFlightSubmission`. Default false. */
  flightCreateIncludesSubmission: boolean;
  /** Token endpoints served (others answer 404 like an unknown AAD path). Default both. */
  tokenEndpoints: Array<'v1' | 'v2'>;
  /** What a list endpoint answers when there is nothing to list: 404 as documented (default), or 200 with an empty `value`. */
  emptyListStatus: 404 | 200;
  /** The forms of both APIs' answers: as the pages write them (default), or as the live services sent them (test/emulator/recorded.ts). */
  shapes: Shapes;
}

/** `documented`: the API pages' forms. `recorded`: the live services' forms of February 2026 (docs/store-api.md#what-the-live-services-send). */
export type Shapes = 'documented' | 'recorded';

export interface RecordedRequest {
  method: string;
  /** URL path without the query string. */
  path: string;
  query: Record<string, string>;
  /** HTTP status answered; 0 when the socket was reset by a fault. */
  status: number;
  /** True when the request carried a valid, unexpired access token. */
  authorized: boolean;
  /** Value of the MS-CorrelationId response header. */
  correlationId: string;
  at: number;
  /** `installer`: the MSI/EXE API under /submission/v1/product/; `blob`: an upload the emulator fronts (recorded shapes). */
  kind: 'api' | 'installer' | 'token' | 'oidc' | 'blob' | 'other';
  /** Set when a fault rule answered this request. */
  fault?: 'before' | 'after-effect';
  /** The request's MS-CorrelationId header, if the client sent one. */
  clientCorrelationId?: string;
  userAgent?: string;
  contentType?: string;
}
