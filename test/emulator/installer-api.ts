/**
 * The "Microsoft Store submission API for MSI or EXE app" in the emulator
 * (docs/store-api.md#msi-and-exe-products), under `/submission/v1/product/{productId}/...`. Strict about:
 * the token (issued for `https://api.store.microsoft.com`), `X-Seller-Account-Id`, the envelope
 * `{ isSuccess, errors, responseData }`, the field rules of packages and listings, the draft's
 * readiness (writes refused while it is processing or while a submission is in progress), asset
 * uploads (slots are Azurite SAS URLs; a commit checks the uploaded blob is a PNG).
 *
 * Progress is driven by reads, not by timers, so tests with injected time are deterministic: a
 * package commit keeps the draft busy for `behaviour.commitPolls` reads of `/status`; a
 * submission stays INPROGRESS for `behaviour.publishPolls` status reads, then is PUBLISHED.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthService, Reply } from './auth.js';
import { removeDir, type BlobStore } from './blob.js';
import type { FaultRule } from './faults.js';
import type { Json, JsonObject, Shapes } from './types.js';

export const INSTALLER_PREFIX = '/submission/v1/product/';
export const INSTALLER_RESOURCE = 'https://api.store.microsoft.com';
export const SEED_SELLER_ID = '91234567';
export const SEED_INSTALLER_PRODUCT_ID = '0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d';

const ARCHITECTURES = new Set(['Neutral', 'X86', 'X64', 'Arm', 'Arm64']);
const PACKAGE_FIELDS = new Set([
  'packageId',
  'packageUrl',
  'languages',
  'architectures',
  'isSilentInstall',
  'installerParameters',
  'genericDocUrl',
  'errorDetails',
  'packageType',
]);
const LISTING_LIMITS: Record<string, number> = {
  description: 10000,
  whatsNew: 1500,
  shortDescription: 1000,
  additionalLicenseTerms: 10000,
  copyright: 200,
  developedBy: 255,
  contactInfo: 200,
};
const LISTING_TEXT = [
  'description',
  'whatsNew',
  'shortDescription',
  'additionalLicenseTerms',
  'copyright',
  'developedBy',
  'sortTitle',
  'shortTitle',
  'voiceTitle',
  'title',
  'contactInfo',
];
const LISTING_LISTS = ['productFeatures', 'searchTerms', 'requirements'];
/** Listing lists the live service sends and takes back that the pages do not list (recorded shapes). */
const LIVE_LISTING_LISTS = [...LISTING_LISTS, 'heroArts', 'trailers'];

/** What the field rules allow beyond the pages: the live service's forms, in recorded shapes. */
export interface FieldRules {
  /** The listing's list fields. */
  listingLists: readonly string[];
  /** An `exe` needs a `genericDocUrl` (the pages say so; the live service took an exe without one). */
  exeNeedsDocUrl: boolean;
}

const DOCUMENTED_RULES: FieldRules = { listingLists: LISTING_LISTS, exeNeedsDocUrl: true };
const LIVE_RULES: FieldRules = { listingLists: LIVE_LISTING_LISTS, exeNeedsDocUrl: false };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ApiMessage {
  code: string;
  message: string;
  target: string;
}

export interface InstallerAsset {
  id: string;
  assetUrl: string;
  imageSize: { width: number; height: number };
}

export interface InstallerSubmission {
  id: string;
  publishingStatus: 'INPROGRESS' | 'PUBLISHED' | 'FAILED';
  hasFailed: boolean;
  /** Status reads so far. */
  reads: number;
  history: { status: string; at: number }[];
  /** What was submitted. */
  packages: JsonObject[];
  listings: Record<string, JsonObject>;
}

/** One MSI/EXE product and its draft. */
export interface InstallerProduct {
  productId: string;
  sellerId: string;
  packages: JsonObject[];
  availability: JsonObject;
  properties: JsonObject;
  /** Listings by language (lower case). */
  listings: Record<string, JsonObject>;
  assets: Record<string, { storeLogos: InstallerAsset[]; screenshots: InstallerAsset[] }>;
  /** Package changes not yet committed. */
  packagesDirty: boolean;
  /** Reads of /status left while a package commit is processed. */
  commitPollsLeft: number;
  /** The error the last package commit ended in, if any. */
  commitError?: ApiMessage;
  /** Reads of /status left while the draft is busy for another reason (behaviour.busyPolls). */
  busyPollsLeft: number;
  ongoingSubmissionId?: string;
  submissions: Map<string, InstallerSubmission>;
  /** Upload slots created and not yet committed, by asset ID. */
  slots: Map<
    string,
    { language: string; type: 'storeLogos' | 'screenshots'; url: string; blob: { container: string; name: string } }
  >;
}

export interface InstallerBehaviour {
  /** /status reads that report the draft busy after each package commit (default 2). */
  commitPolls: number;
  /** Package commits that end in `packageuploaderror` before one succeeds. */
  packageUploadErrors: number;
  /** A package commit ends in this error (fatal: target other than packages). */
  packageCommitFailure: ApiMessage | undefined;
  /** Submission status reads before PUBLISHED (default 3). */
  publishPolls: number;
  /** Publishing ends in FAILED with this error. */
  publishFailure: ApiMessage | undefined;
  /** Warnings added to every successful answer. */
  warnings: ApiMessage[];
}

export interface InstallerSeed {
  products: Array<
    Pick<InstallerProduct, 'productId' | 'sellerId' | 'packages' | 'availability' | 'properties' | 'listings'> & {
      assets?: InstallerProduct['assets'];
    }
  >;
}

export function defaultInstallerSeed(): InstallerSeed {
  const listing = (language: string, description: string): JsonObject => ({
    language,
    title: 'Contoso Installer App',
    description,
    whatsNew: 'First release.',
    productFeatures: ['Fast'],
    shortDescription: '',
    searchTerms: ['contoso'],
    additionalLicenseTerms: 'See https://contoso.com/license',
    copyright: '© Contoso',
    developedBy: 'Contoso',
    sortTitle: '',
    requirements: [],
    contactInfo: 'support@contoso.com',
  });
  return {
    products: [
      {
        productId: SEED_INSTALLER_PRODUCT_ID,
        sellerId: SEED_SELLER_ID,
        packages: [
          {
            packageId: 'pack0001',
            packageUrl: 'https://downloads.contoso.com/app/1.0.0/Contoso-1.0.0-x64.msi',
            languages: ['en-us'],
            architectures: ['X64'],
            isSilentInstall: true,
            installerParameters: '',
            genericDocUrl: '',
            errorDetails: [],
            packageType: 'msi',
          },
        ],
        availability: {
          markets: ['US', 'DE'],
          discoverability: 'DISCOVERABLE',
          enableInFutureMarkets: true,
          pricing: 'FREE',
          freeTrial: 'NO_FREE_TRIAL',
        },
        properties: {
          isPrivacyPolicyRequired: true,
          privacyPolicyUrl: 'https://contoso.com/privacy',
          website: 'https://contoso.com',
          supportContactInfo: 'support@contoso.com',
          certificationNotes: '',
          category: 'DeveloperTools',
          subcategory: 'Utilities',
          productDeclarations: { dependsOnDriversOrNT: false, accessibilitySupport: false, penAndInkSupport: false },
          isSystemFeatureRequired: [],
          systemRequirementDetails: [],
        },
        listings: {
          'en-us': listing('en-us', 'An app installed with an MSI.'),
          'de-de': listing('de-de', 'Eine App mit MSI-Installation.'),
        },
        assets: {
          'en-us': {
            storeLogos: [
              {
                id: 'logo-en-1',
                assetUrl: 'https://store-images.emulator.invalid/logo-en-1.png',
                imageSize: { width: 300, height: 300 },
              },
            ],
            screenshots: [
              {
                id: 'shot-en-1',
                assetUrl: 'https://store-images.emulator.invalid/shot-en-1.png',
                imageSize: { width: 1920, height: 1080 },
              },
              {
                id: 'shot-en-2',
                assetUrl: 'https://store-images.emulator.invalid/shot-en-2.png',
                imageSize: { width: 1920, height: 1080 },
              },
            ],
          },
        },
      },
    ],
  };
}

/**
 * A successful answer in the live forms (docs/store-api.md#installer-api-answers-as-recorded): no
 * `errors` key when there are none, no empty `ongoingSubmissionId` or `genericDocUrl`, a
 * `pollingUrl` without its leading slash, and write calls (PUT, PATCH) answering an empty `responseData`.
 */
function recordedShape(body: JsonObject, method: string): void {
  if (Array.isArray(body['errors']) && body['errors'].length === 0) delete body['errors'];
  const data = body['responseData'];
  if (!isObject(data)) return;
  if (method === 'PUT' || method === 'PATCH') {
    body['responseData'] = {};
    return;
  }
  if (data['ongoingSubmissionId'] === '') delete data['ongoingSubmissionId'];
  // An installer without a documentation link has no genericDocUrl key at all.
  for (const pkg of Array.isArray(data['packages']) ? data['packages'] : [])
    if (isObject(pkg) && pkg['genericDocUrl'] === '') delete pkg['genericDocUrl'];
  if (typeof data['pollingUrl'] === 'string') data['pollingUrl'] = data['pollingUrl'].replace(/^\/+/, '');
}

function envelope(status: number, responseData: Json, errors: ApiMessage[] = []): Reply {
  return { status, body: { isSuccess: status < 300, errors: errors as unknown as Json, responseData } };
}

function failure(status: number, code: string, message: string, target: string, responseData: JsonObject = {}): Reply {
  return { status, body: { isSuccess: false, errors: [{ code, message, target }], responseData } };
}

/** The answer of a fault rule on this API: 429 as the gateway sends it, 5xx in the envelope or as a proxy page. */
export function installerFaultReply(rule: FaultRule & { status: number }): Reply {
  const headers: Record<string, string> = {};
  if (rule.retryAfter !== undefined) headers['Retry-After'] = rule.retryAfter;
  if (rule.body !== undefined) return { status: rule.status, headers, body: rule.body as Json };
  if (rule.status === 429)
    return {
      status: 429,
      headers,
      body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${rule.retryAfter ?? '1'} seconds.` },
    };
  if (rule.status === 502)
    return {
      status: 502,
      headers: { ...headers, 'Content-Type': 'text/html' },
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    };
  return { ...failure(rule.status, 'internalservererror', 'An unexpected error occurred. Please retry.', ''), headers };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttps(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Field rules of one package (Update Current Draft Packages API); the problems as API errors. */
export function packageProblems(pkg: unknown, index: number, rules: FieldRules = DOCUMENTED_RULES): ApiMessage[] {
  const target = 'packages';
  const at = `packages[${index}]`;
  if (!isObject(pkg)) return [{ code: 'badrequest', message: `${at} must be an object.`, target }];
  const out: ApiMessage[] = [];
  const bad = (message: string): void => void out.push({ code: 'badrequest', message: `${at}: ${message}`, target });
  for (const key of Object.keys(pkg)) if (!PACKAGE_FIELDS.has(key)) bad(`'${key}' is not a field of a package.`);
  if (!isHttps(pkg['packageUrl'])) bad('packageUrl must be an https URL of a versioned, downloadable package.');
  const languages = pkg['languages'];
  if (
    !Array.isArray(languages) ||
    languages.length === 0 ||
    !languages.every((l) => typeof l === 'string' && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(l))
  ) {
    bad('languages must be a non-empty list of lower-case language codes.');
  }
  const arch = pkg['architectures'];
  if (!Array.isArray(arch) || arch.length !== 1 || !ARCHITECTURES.has(String(arch[0])))
    bad('architectures should contain a single architecture - Neutral, X86, X64, Arm, Arm64.');
  if (typeof pkg['isSilentInstall'] !== 'boolean') bad('isSilentInstall is required (true or false).');
  const type = pkg['packageType'];
  if (type !== 'exe' && type !== 'msi') bad('packageType must be exe or msi.');
  if (
    pkg['isSilentInstall'] === false &&
    !(typeof pkg['installerParameters'] === 'string' && pkg['installerParameters'].trim())
  ) {
    bad('installerParameters is required if isSilentInstall is false.');
  }
  if (type === 'exe' && rules.exeNeedsDocUrl && !isHttps(pkg['genericDocUrl']))
    bad('genericDocUrl is required if packageType is exe.');
  return out;
}

/** Field rules of one listing (Update Current Draft Submission Metadata API). */
export function listingProblems(
  listing: JsonObject,
  language: string,
  rules: FieldRules = DOCUMENTED_RULES,
): ApiMessage[] {
  const out: ApiMessage[] = [];
  const bad = (message: string): void =>
    void out.push({ code: 'badrequest', message: `listings[${language}]: ${message}`, target: 'listings' });
  const known = new Set(['language', ...LISTING_TEXT, ...rules.listingLists]);
  for (const key of Object.keys(listing)) if (!known.has(key)) bad(`'${key}' is not a field of a listing.`);
  for (const key of LISTING_TEXT) {
    const value = listing[key];
    if (value !== undefined && value !== null && typeof value !== 'string') bad(`${key} must be a text.`);
    const limit = LISTING_LIMITS[key];
    if (limit && typeof value === 'string' && value.length > limit)
      bad(`${key} exceeds the character limit of ${limit}.`);
  }
  if (!(typeof listing['description'] === 'string' && listing['description'].trim())) bad('description is required.');
  if (!(typeof listing['additionalLicenseTerms'] === 'string' && listing['additionalLicenseTerms'].trim()))
    bad('additionalLicenseTerms is required.');
  const features = listing['productFeatures'];
  if (
    features !== undefined &&
    (!Array.isArray(features) || features.length > 20 || features.some((f) => typeof f !== 'string' || f.length > 200))
  ) {
    bad('productFeatures: up to 20 features of 200 characters each.');
  }
  const terms = listing['searchTerms'];
  if (terms !== undefined) {
    const words = Array.isArray(terms)
      ? new Set(terms.flatMap((t) => (typeof t === 'string' ? t.split(/\s+/).filter(Boolean) : [])))
      : new Set();
    if (
      !Array.isArray(terms) ||
      terms.length > 7 ||
      terms.some((t) => typeof t !== 'string' || t.length > 30) ||
      words.size > 21
    ) {
      bad('searchTerms: up to 7 terms of 30 characters each, 21 unique words in all.');
    }
  }
  const requirements = listing['requirements'];
  if (requirements !== undefined && (!Array.isArray(requirements) || requirements.length > 11))
    bad('requirements: up to 11 items.');
  return out;
}

/** A listing as a full module: every field present, omitted ones at their defaults. */
function fullListing(language: string, fields: JsonObject, rules: FieldRules): JsonObject {
  const out: JsonObject = { language };
  for (const key of LISTING_TEXT) out[key] = typeof fields[key] === 'string' ? fields[key] : '';
  for (const key of rules.listingLists) out[key] = Array.isArray(fields[key]) ? structuredClone(fields[key]) : [];
  return out;
}

export interface InstallerRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class InstallerApi {
  readonly products = new Map<string, InstallerProduct>();
  private readonly rules: FieldRules;
  readonly behaviour: InstallerBehaviour = {
    commitPolls: 2,
    packageUploadErrors: 0,
    packageCommitFailure: undefined,
    publishPolls: 3,
    publishFailure: undefined,
    warnings: [],
  };

  constructor(
    private readonly auth: AuthService,
    private readonly blobs: BlobStore,
    seed: InstallerSeed = defaultInstallerSeed(),
    private readonly shapes: Shapes = 'documented',
  ) {
    this.rules = shapes === 'recorded' ? LIVE_RULES : DOCUMENTED_RULES;
    for (const p of structuredClone(seed).products) {
      this.products.set(p.productId.toLowerCase(), {
        ...p,
        assets: p.assets ?? {},
        packagesDirty: false,
        commitPollsLeft: 0,
        busyPollsLeft: 0,
        submissions: new Map(),
        slots: new Map(),
      });
    }
  }

  product(productId: string = SEED_INSTALLER_PRODUCT_ID): InstallerProduct {
    const p = this.products.get(productId.toLowerCase());
    if (!p) throw new Error(`no installer product ${productId}`);
    return p;
  }

  /** Makes the draft report busy for `polls` more reads of /status (writes refused meanwhile). */
  busy(polls: number, productId?: string): void {
    this.product(productId).busyPollsLeft = polls;
  }

  async handle(req: InstallerRequest): Promise<Reply> {
    if (!this.auth.isAuthorized(req.headers.authorization, INSTALLER_RESOURCE)) {
      return {
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer' },
        body: { statusCode: 401, message: 'Unauthorized. Access token is missing or invalid.' },
      };
    }
    const seller = req.headers['x-seller-account-id'];
    if (typeof seller !== 'string' || !seller.trim()) {
      return failure(400, 'badrequest', 'The X-Seller-Account-Id header is required.', 'X-Seller-Account-Id');
    }
    const segments = req.url.pathname
      .slice(INSTALLER_PREFIX.length)
      .split('/')
      .map((s) => decodeURIComponent(s));
    const [productId, ...rest] = segments;
    const product = this.products.get((productId ?? '').toLowerCase());
    if (!product) return failure(404, 'notfound', 'No Product Found', 'productId');
    if (product.sellerId !== seller.trim())
      return failure(
        403,
        'forbidden',
        'The seller account does not have access to this product.',
        'X-Seller-Account-Id',
      );
    const reply = await this.route(product, req, rest);
    const body = reply.body;
    if (reply.status < 300 && isObject(body) && this.behaviour.warnings.length) {
      body['errors'] = [
        ...((body['errors'] as Json[]) ?? []),
        ...(structuredClone(this.behaviour.warnings) as unknown as Json[]),
      ];
    }
    if (this.shapes === 'recorded' && reply.status < 300 && isObject(body)) recordedShape(body, req.method);
    return reply;
  }

  /** A new package ID: the documented form (`pack12345678`) or the live one (digits, still a string). */
  private newPackageId(): string {
    return this.shapes === 'recorded'
      ? String(randomInt(10_000_000, 99_999_999))
      : `pack${randomInt(1000, 9999)}${randomInt(1000, 9999)}`;
  }

  private async route(product: InstallerProduct, req: InstallerRequest, path: string[]): Promise<Reply> {
    const m = req.method;
    const p = path.join('/');
    let body: unknown;
    if (m !== 'GET' && req.body.length) {
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
        return failure(415, 'unsupportedmediatype', 'Content-Type must be application/json.', 'body');
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch {
        return failure(400, 'badrequest', 'The request body is not valid JSON.', 'body');
      }
    }
    if (p === 'status' && m === 'GET') return this.status(product);
    if (p === 'packages' && m === 'GET') return envelope(200, { packages: structuredClone(product.packages) });
    if (path[0] === 'packages' && path.length === 2 && path[1] !== 'commit' && m === 'GET') {
      const pkg = product.packages.find((x) => x['packageId'] === path[1]);
      return pkg
        ? envelope(200, { packages: [structuredClone(pkg)] })
        : failure(404, 'notfound', `Package '${path[1]}' was not found.`, 'packageId');
    }
    if (p === 'packages' && m === 'PUT') return this.writable(product, true) ?? this.putPackages(product, body);
    if (path[0] === 'packages' && path.length === 2 && path[1] !== 'commit' && m === 'PATCH')
      return this.writable(product, true) ?? this.patchPackage(product, path[1]!, body);
    if (p === 'packages/commit' && m === 'POST') return this.writable(product, true) ?? this.commitPackages(product);
    if ((p === 'metadata' || /^metadata\/(listings|properties|availability)$/.test(p)) && m === 'GET')
      return this.getMetadata(product, req.url.searchParams, path[1]);
    if (p === 'metadata' && (m === 'PUT' || m === 'PATCH'))
      return this.writable(product) ?? this.updateMetadata(product, body, m === 'PATCH');
    if (p === 'listings/assets' && m === 'GET') return this.getAssets(product, req.url.searchParams);
    if (p === 'listings/assets/create' && m === 'POST')
      return this.writable(product) ?? this.createAssets(product, body);
    if (p === 'listings/assets/commit' && m === 'PUT')
      return this.writable(product) ?? this.commitAssets(product, body);
    if (p === 'submit' && m === 'POST') return this.submit(product);
    if (path[0] === 'submission' && path.length === 3 && path[2] === 'status' && m === 'GET')
      return this.submissionStatus(product, path[1]!);
    return failure(404, 'notfound', `No resource matches ${m} ${p}.`, 'uri');
  }

  /** Refuses a write while a submission is in progress or the draft is processing. */
  private writable(product: InstallerProduct, packageWrite = false): Reply | undefined {
    this.advance(product);
    if (product.ongoingSubmissionId) {
      return failure(
        409,
        'conflict',
        'A submission is in progress for this product. Changes can be made once it is published or has failed.',
        'submission',
        {
          pollingUrl: `${INSTALLER_PREFIX}${product.productId}/submission/${product.ongoingSubmissionId}/status`,
          ongoingSubmissionId: product.ongoingSubmissionId,
        },
      );
    }
    // A failed package upload leaves the draft open for package changes and a new commit.
    const uploadFailed = packageWrite && product.commitError?.code === 'packageuploaderror';
    if ((product.busyPollsLeft > 0 || product.commitPollsLeft > 0) && !uploadFailed) {
      return failure(
        409,
        'conflict',
        'The draft is being processed. Retry when the status API reports isReady.',
        'draft',
      );
    }
    return undefined;
  }

  /** Moves a submission in progress on, one step per read. */
  private advance(product: InstallerProduct): void {
    const id = product.ongoingSubmissionId;
    const sub = id ? product.submissions.get(id) : undefined;
    if (!sub || sub.publishingStatus !== 'INPROGRESS') return;
    if (sub.reads < this.behaviour.publishPolls) return;
    if (this.behaviour.publishFailure) {
      sub.publishingStatus = 'FAILED';
      sub.hasFailed = true;
    } else {
      sub.publishingStatus = 'PUBLISHED';
    }
    sub.history.push({ status: sub.publishingStatus, at: Date.now() });
    delete product.ongoingSubmissionId;
  }

  private status(product: InstallerProduct): Reply {
    const ongoing = product.ongoingSubmissionId ? product.submissions.get(product.ongoingSubmissionId) : undefined;
    if (ongoing) ongoing.reads += 1;
    this.advance(product);
    const errors: ApiMessage[] = [];
    let ready = true;
    if (product.busyPollsLeft > 0) {
      product.busyPollsLeft -= 1;
      ready = false;
    }
    if (product.commitPollsLeft > 0) {
      product.commitPollsLeft -= 1;
      ready = false;
      if (product.commitPollsLeft === 0) this.finishCommit(product);
    }
    if (product.commitError) {
      errors.push(structuredClone(product.commitError));
      ready = false;
    }
    return envelope(200, { isReady: ready, ongoingSubmissionId: product.ongoingSubmissionId ?? '' }, errors);
  }

  private finishCommit(product: InstallerProduct): void {
    if (this.behaviour.packageUploadErrors > 0) {
      this.behaviour.packageUploadErrors -= 1;
      product.commitError = {
        code: 'packageuploaderror',
        message: 'Package upload failed. Please try committing the packages again.',
        target: 'packages',
      };
      return;
    }
    if (this.behaviour.packageCommitFailure) {
      product.commitError = structuredClone(this.behaviour.packageCommitFailure);
      return;
    }
    product.packagesDirty = false;
  }

  private putPackages(product: InstallerProduct, body: unknown): Reply {
    if (!isObject(body) || !Array.isArray(body['packages']))
      return failure(400, 'badrequest', 'The request body must be { packages: [...] }.', 'packages');
    const list = body['packages'];
    if (list.length === 0) return failure(400, 'badrequest', 'At least one package is required.', 'packages');
    const problems = list.flatMap((pkg, i) => packageProblems(pkg, i, this.rules));
    if (problems.length) return envelope(400, {}, problems);
    product.packages = (list as JsonObject[]).map((pkg) => ({
      installerParameters: '',
      genericDocUrl: '',
      errorDetails: [],
      ...structuredClone(pkg),
      // A full update regenerates every package ID (the pages); the live service kept an ID the PUT sent.
      packageId:
        this.shapes === 'recorded' && typeof pkg['packageId'] === 'string' && pkg['packageId']
          ? pkg['packageId']
          : this.newPackageId(),
    }));
    product.packagesDirty = true;
    delete product.commitError;
    return envelope(200, { pollingUrl: `${INSTALLER_PREFIX}${product.productId}/status`, ongoingSubmissionId: '' });
  }

  private patchPackage(product: InstallerProduct, packageId: string, body: unknown): Reply {
    const index = product.packages.findIndex((x) => x['packageId'] === packageId);
    if (index < 0) return failure(404, 'notfound', `Package '${packageId}' was not found.`, 'packageId');
    if (!isObject(body)) return failure(400, 'badrequest', 'The request body must be a package object.', 'packages');
    const merged = { ...product.packages[index]!, ...structuredClone(body), packageId };
    const problems = packageProblems(merged, index, this.rules);
    if (problems.length) return envelope(400, {}, problems);
    product.packages[index] = merged;
    product.packagesDirty = true;
    delete product.commitError;
    return envelope(200, { pollingUrl: `${INSTALLER_PREFIX}${product.productId}/status`, ongoingSubmissionId: '' });
  }

  private commitPackages(product: InstallerProduct): Reply {
    delete product.commitError;
    product.packagesDirty = true;
    product.commitPollsLeft = Math.max(1, this.behaviour.commitPolls);
    return envelope(200, { pollingUrl: `${INSTALLER_PREFIX}${product.productId}/status`, ongoingSubmissionId: '' });
  }

  private languagesOf(product: InstallerProduct, query: URLSearchParams): string[] | Reply {
    const all = Object.keys(product.listings);
    const filter = query.get('languages');
    if (!filter) return all.slice(0, 200);
    const asked = filter
      .split(',')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    if (asked.length > 200) return failure(400, 'badrequest', 'Up to 200 languages may be asked for.', 'languages');
    return asked.filter((l) => all.includes(l));
  }

  private getMetadata(product: InstallerProduct, query: URLSearchParams, module: string | undefined): Reply {
    const languages = this.languagesOf(product, query);
    if (!Array.isArray(languages)) return languages;
    const data: JsonObject = {};
    if (!module || module === 'availability') data['availability'] = structuredClone(product.availability);
    if (!module || module === 'properties') data['properties'] = structuredClone(product.properties);
    if (!module || module === 'listings')
      data['listings'] = languages.map((l) => structuredClone(product.listings[l]!));
    if (query.get('includelanguagelist') === 'true') {
      data['listingLanguages'] = Object.keys(product.listings).map((language) => ({
        language,
        isComplete: listingProblems(product.listings[language]!, language, this.rules).length === 0,
      }));
    }
    return envelope(200, data);
  }

  private updateMetadata(product: InstallerProduct, body: unknown, patch: boolean): Reply {
    if (!isObject(body)) return failure(400, 'badrequest', 'The request body must be an object of modules.', 'body');
    const allowed = new Set(['availability', 'properties', 'listings', 'listingsToAdd', 'listingsToRemove']);
    for (const key of Object.keys(body))
      if (!allowed.has(key)) return failure(400, 'badrequest', `'${key}' is not a module of the metadata.`, key);
    const toAdd = body['listingsToAdd'];
    const toRemove = body['listingsToRemove'];
    for (const [name, list] of [
      ['listingsToAdd', toAdd],
      ['listingsToRemove', toRemove],
    ] as const) {
      if (
        list !== undefined &&
        (!Array.isArray(list) || !list.every((l) => typeof l === 'string' && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(l)))
      ) {
        return failure(400, 'badrequest', `${name} must be a list of lower-case language codes.`, name);
      }
    }
    const listings = structuredClone(product.listings);
    for (const l of (toRemove as string[] | undefined) ?? []) delete listings[l];
    for (const l of (toAdd as string[] | undefined) ?? []) listings[l] ??= fullListing(l, {}, this.rules);
    const listing = body['listings'];
    if (listing !== undefined) {
      if (!isObject(listing))
        return failure(400, 'badrequest', 'listings must be one listing object, for one language.', 'listings');
      const language = typeof listing['language'] === 'string' ? listing['language'].toLowerCase() : '';
      if (!listings[language])
        return failure(
          400,
          'badrequest',
          `The listing language '${language}' is not in the draft; add it with listingsToAdd.`,
          'listings',
        );
      const next = patch
        ? { ...listings[language]!, ...structuredClone(listing), language }
        : fullListing(language, listing, this.rules);
      const problems = listingProblems(
        isObject(listing) && !patch ? { ...listing, language } : next,
        language,
        this.rules,
      );
      if (problems.length) return envelope(400, {}, problems);
      listings[language] = next;
    }
    for (const module of ['availability', 'properties'] as const) {
      const value = body[module];
      if (value === undefined) continue;
      if (!isObject(value)) return failure(400, 'badrequest', `${module} must be an object.`, module);
      if (
        module === 'properties' &&
        typeof value['certificationNotes'] === 'string' &&
        value['certificationNotes'].length > 2000
      ) {
        return failure(400, 'badrequest', 'certificationNotes exceeds the character limit of 2000.', 'properties');
      }
      if (
        module === 'availability' &&
        !patch &&
        (!Array.isArray(value['markets']) || typeof value['pricing'] !== 'string')
      ) {
        return failure(400, 'badrequest', 'availability needs markets and pricing.', 'availability');
      }
      product[module] = patch ? { ...product[module], ...structuredClone(value) } : structuredClone(value);
    }
    product.listings = listings;
    return envelope(200, { pollingUrl: `${INSTALLER_PREFIX}${product.productId}/status`, ongoingSubmissionId: '' });
  }

  private getAssets(product: InstallerProduct, query: URLSearchParams): Reply {
    const languages = this.languagesOf(product, query);
    if (!Array.isArray(languages)) return languages;
    return envelope(200, {
      listingAssets: languages.map((language) => ({
        language,
        storeLogos: structuredClone(product.assets[language]?.storeLogos ?? []) as unknown as Json,
        screenshots: structuredClone(product.assets[language]?.screenshots ?? []) as unknown as Json,
      })),
    });
  }

  private async createAssets(product: InstallerProduct, body: unknown): Promise<Reply> {
    if (!isObject(body) || typeof body['language'] !== 'string' || !isObject(body['createAssetRequest'])) {
      return failure(
        400,
        'badrequest',
        'The request body must be { language, createAssetRequest: { Screenshot, Logo } }.',
        'createAssetRequest',
      );
    }
    const language = body['language'].toLowerCase();
    if (!product.listings[language])
      return failure(400, 'badrequest', `The listing language '${language}' is not in the draft.`, 'language');
    const request = body['createAssetRequest'];
    for (const key of Object.keys(request))
      if (key !== 'Screenshot' && key !== 'Logo')
        return failure(400, 'badrequest', `'${key}' is not an asset type (Screenshot, Logo).`, 'createAssetRequest');
    const shots = request['Screenshot'] ?? 0;
    const logos = request['Logo'] ?? 0;
    if (!Number.isInteger(shots) || (shots as number) < 0 || (shots as number) > 10)
      return failure(400, 'badrequest', 'Screenshot must be 1 to 10.', 'createAssetRequest');
    if (!Number.isInteger(logos) || (logos as number) < 0 || (logos as number) > 2)
      return failure(400, 'badrequest', 'Logo must be 1 or 2.', 'createAssetRequest');
    if ((shots as number) + (logos as number) === 0)
      return failure(400, 'badrequest', 'Ask for at least one asset.', 'createAssetRequest');
    const make = async (type: 'storeLogos' | 'screenshots'): Promise<JsonObject> => {
      const id = randomUUID().replace(/-/g, '');
      const primary = await this.blobs.newUploadUrl();
      const secondary = await this.blobs.newUploadUrl();
      product.slots.set(id, { language, type, url: primary.url, blob: primary.blob });
      return {
        id,
        primaryAssetUploadUrl: primary.url,
        secondaryAssetUploadUrl: secondary.url,
        httpMethod: 'PUT',
        httpHeaders: { 'x-ms-blob-type': 'BlockBlob' },
      };
    };
    const storeLogos: JsonObject[] = [];
    const screenshots: JsonObject[] = [];
    for (let i = 0; i < (logos as number); i++) storeLogos.push(await make('storeLogos'));
    for (let i = 0; i < (shots as number); i++) screenshots.push(await make('screenshots'));
    // One object, as in Microsoft's sample answer.
    return envelope(200, { listingAssets: { language, storeLogos, screenshots } });
  }

  private async commitAssets(product: InstallerProduct, body: unknown): Promise<Reply> {
    const assets = isObject(body) ? body['listingAssets'] : undefined;
    if (!isObject(assets) || typeof assets['language'] !== 'string')
      return failure(
        400,
        'badrequest',
        'The request body must be { listingAssets: { language, storeLogos, screenshots } }.',
        'listingAssets',
      );
    const language = assets['language'].toLowerCase();
    if (!product.listings[language])
      return failure(400, 'badrequest', `The listing language '${language}' is not in the draft.`, 'language');
    const current = product.assets[language] ?? { storeLogos: [], screenshots: [] };
    const next = { storeLogos: current.storeLogos, screenshots: current.screenshots };
    const used: string[] = [];
    for (const type of ['storeLogos', 'screenshots'] as const) {
      const list = assets[type];
      if (list === undefined) continue;
      if (!Array.isArray(list)) return failure(400, 'badrequest', `${type} must be a list.`, type);
      const limit = type === 'storeLogos' ? 2 : 10;
      if (list.length > limit) return failure(400, 'badrequest', `Up to ${limit} ${type} per language.`, type);
      const result: InstallerAsset[] = [];
      for (const entry of list) {
        if (!isObject(entry) || typeof entry['id'] !== 'string' || typeof entry['assetUrl'] !== 'string')
          return failure(400, 'badrequest', `Each of ${type} needs id and assetUrl.`, type);
        const kept = [...current.storeLogos, ...current.screenshots].find((a) => a.id === entry['id']);
        if (kept) {
          if (kept.assetUrl !== entry['assetUrl'])
            return failure(400, 'badrequest', `assetUrl of asset '${kept.id}' does not match the asset.`, type);
          result.push(kept);
          continue;
        }
        const slot = product.slots.get(entry['id']);
        if (!slot || slot.language !== language || slot.type !== type)
          return failure(400, 'badrequest', `Asset '${entry['id']}' was not created for ${type} of ${language}.`, type);
        if (entry['assetUrl'] !== slot.url)
          return failure(
            400,
            'badrequest',
            `assetUrl of asset '${entry['id']}' must be the upload URL it was uploaded to.`,
            type,
          );
        const problem = await this.checkPng(slot.blob);
        if (problem) return failure(400, 'badrequest', `Asset '${entry['id']}': ${problem}`, type);
        used.push(entry['id']);
        result.push({
          id: entry['id'],
          assetUrl: `https://store-images.emulator.invalid/${entry['id']}.png`,
          imageSize: { width: 1920, height: 1080 },
        });
      }
      next[type] = result;
    }
    for (const id of used) product.slots.delete(id);
    product.assets[language] = next;
    return envelope(200, { pollingUrl: `${INSTALLER_PREFIX}${product.productId}/status`, ongoingSubmissionId: '' });
  }

  private async checkPng(blob: { container: string; name: string }): Promise<string | undefined> {
    const downloaded = await this.blobs.download(blob);
    if (!downloaded) return 'nothing was uploaded to its upload URL.';
    try {
      const handle = await open(downloaded.file);
      try {
        const head = Buffer.alloc(8);
        await handle.read(head, 0, 8, 0);
        return head.equals(PNG) ? undefined : 'the uploaded image is not a PNG file.';
      } finally {
        await handle.close();
      }
    } finally {
      await removeDir(downloaded.dir);
    }
  }

  private submit(product: InstallerProduct): Reply {
    const refused = this.writable(product);
    if (refused) return refused;
    if (product.packagesDirty || product.commitError) {
      return failure(
        400,
        'badrequest',
        'All modules must be ready before a submission can be created: commit the packages and wait until the status API reports isReady.',
        'packages',
      );
    }
    const problems = Object.entries(product.listings).flatMap(([language, listing]) =>
      listingProblems(listing, language, this.rules),
    );
    if (problems.length) return envelope(400, {}, problems);
    const id = String(randomInt(1_000_000_000, 9_999_999_999));
    product.submissions.set(id, {
      id,
      publishingStatus: 'INPROGRESS',
      hasFailed: false,
      reads: 0,
      history: [{ status: 'INPROGRESS', at: Date.now() }],
      packages: structuredClone(product.packages),
      listings: structuredClone(product.listings),
    });
    product.ongoingSubmissionId = id;
    return envelope(200, {
      submissionId: id,
      pollingUrl: `${INSTALLER_PREFIX}${product.productId}/submission/${id}/status`,
      ongoingSubmissionId: '',
    });
  }

  private submissionStatus(product: InstallerProduct, id: string): Reply {
    const sub = product.submissions.get(id);
    if (!sub) return failure(404, 'notfound', `Submission '${id}' was not found.`, 'submissionId');
    sub.reads += 1;
    this.advance(product);
    const errors =
      sub.hasFailed && this.behaviour.publishFailure ? [structuredClone(this.behaviour.publishFailure)] : [];
    return envelope(200, { publishingStatus: sub.publishingStatus, hasFailed: sub.hasFailed }, errors);
  }
}
