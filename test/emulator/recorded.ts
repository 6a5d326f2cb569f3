/**
 * The emulator's recorded shapes: the forms the live services sent in February 2026
 * (docs/store-api.md#what-the-live-services-send), next to the documented ones the rest of the
 * emulator serves. The recordings themselves stay in `shared/realdata` (test/support/exchanges.ts
 * reads them) and are read when the emulator starts; without them the recorded shapes still hold,
 * on the documented seed.
 */
import { recordedExchanges, type Exchange } from '../support/exchanges.js';
import type { Reply } from './auth.js';
import { clone, isObject, packagesField } from './content.js';
import type { InstallerSeed } from './installer-api.js';
import type { Json, JsonObject, Seed } from './types.js';

/** The warning the live MSIX API puts into statusDetails of every submission and status answer. */
export const SALES_UNSUPPORTED_WARNING = {
  code: 'SalesUnsupportedWarning',
  details:
    'The sales resource is no longer supported. To view or edit the sales data for this submission, use the Dev Center dashboard.',
} as const;

/** Keys of the live app resource the emulator models; the others are kept as the app's extras. */
const APP_FIELDS = new Set([
  'id',
  'primaryName',
  'PackageFamilyName',
  'packageIdentityName',
  'publisherName',
  'firstPublishedDate',
  'hasAdvancedListingPermission',
  'lastPublishedApplicationSubmission',
  'pendingApplicationSubmission',
]);

const ISO_DATE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?Z$/;

/** The recorded answer of the first call whose method is `method` and whose URL path ends as `pathEnd` matches. */
export function recordedResponse(exchanges: Exchange[], method: string, pathEnd: RegExp): JsonObject | undefined {
  const found = exchanges.find((e) => e.method === method && e.url && pathEnd.test(new URL(e.url).pathname));
  const response = found?.response as Json | undefined;
  return isObject(response) ? clone(response) : undefined;
}

/** An ISO date with seven fractional digits, as the live service writes every date (`...10.0000000Z`). */
export function liveDate(value: string): string {
  const match = ISO_DATE.exec(value);
  return match ? `${match[1]}.${(match[2] ?? '').padEnd(7, '0')}Z` : value;
}

function reshape(value: Json, key?: string): Json {
  if (typeof value === 'string') return liveDate(value);
  if (Array.isArray(value)) return value.map((item) => reshape(item));
  if (!isObject(value)) return value;
  const isApp = 'packageIdentityName' in value && 'packageFamilyName' in value;
  const out: JsonObject = {};
  for (const [name, item] of Object.entries(value)) {
    out[isApp && name === 'packageFamilyName' ? 'PackageFamilyName' : name] = reshape(item, name);
  }
  const warnings = key === undefined && isObject(out['statusDetails']) ? out['statusDetails']['warnings'] : undefined;
  if (Array.isArray(warnings) && !warnings.some((w) => isObject(w) && w['code'] === SALES_UNSUPPORTED_WARNING.code)) {
    warnings.push({ ...SALES_UNSUPPORTED_WARNING });
  }
  return out;
}

/**
 * A `/v1.0/my` answer in the live forms: the app resource's `PackageFamilyName`, seven-digit
 * dates, and SALES_UNSUPPORTED_WARNING in the statusDetails of submissions and status answers
 * (those of lists included). Error answers pass unchanged.
 */
export function recordedReply(reply: Reply): Reply {
  if (reply.status >= 300 || reply.body === undefined || typeof reply.body === 'string') return reply;
  const body = reply.body;
  const reshaped =
    isObject(body) && Array.isArray(body['value'])
      ? { ...body, value: body['value'].map((item) => reshape(item)) }
      : reshape(body);
  return { ...reply, body: reshaped };
}

/** Adds the keys the live service sends and the pages do not list, which a client must send back untouched. */
function withLiveKeys(submission: JsonObject): JsonObject {
  const families = submission['allowTargetFutureDeviceFamilies'];
  if (isObject(families)) submission['allowTargetFutureDeviceFamilies'] = { '7': true, ...families };
  for (const field of ['applicationPackages', 'flightPackages'] as const) {
    const list = submission[field];
    if (Array.isArray(list)) for (const p of list) if (isObject(p)) p['targetPlatform'] ??= 'Windows10';
  }
  return submission;
}

/** The recorded app (the GET of `applications/{id}`) and its last published submission (the create's full clone). */
export function recordedApp(exchanges: Exchange[]): Seed['apps'][number] | undefined {
  const resource = recordedResponse(exchanges, 'GET', /\/applications\/[^/]+$/);
  const created = recordedResponse(exchanges, 'POST', /\/applications\/[^/]+\/submissions$/);
  if (!resource || !created) return undefined;
  const published = resource['lastPublishedApplicationSubmission'];
  const extra = Object.fromEntries(Object.entries(resource).filter(([name]) => !APP_FIELDS.has(name)));
  const field = packagesField('app');
  // The clone was made from the published submission: the same content, under the published id.
  Object.assign(created, {
    id: isObject(published) ? String(published['id']) : String(created['id']),
    status: 'Published',
    fileUploadUrl: '',
  });
  if (field && !Array.isArray(created[field])) created[field] = [];
  return {
    app: {
      id: String(resource['id']),
      primaryName: String(resource['primaryName']),
      packageFamilyName: String(resource['PackageFamilyName']),
      packageIdentityName: String(resource['packageIdentityName']),
      publisherName: String(resource['publisherName']),
      firstPublishedDate: String(resource['firstPublishedDate']),
      hasAdvancedListingPermission: resource['hasAdvancedListingPermission'] === true,
      extra,
    },
    published: created,
  };
}

/**
 * The recorded mode's products: the documented seed with the live service's undocumented keys
 * added to its submissions, plus, when the real data is there, the recorded app with its
 * five-package submission as its last published one.
 */
export function recordedSeed(documented: Seed): Seed {
  const seed = structuredClone(documented);
  for (const entry of [...seed.apps, ...seed.flights]) if (entry.published) withLiveKeys(entry.published);
  const exchanges = recordedExchanges('packaged');
  const app = exchanges && recordedApp(exchanges);
  if (app && !seed.apps.some((a) => a.app.id === app.app.id)) seed.apps.push(app);
  return seed;
}

/**
 * The recorded MSI/EXE product (its packages, metadata and listing assets as the recorded GETs
 * answered), owned by `sellerId` (the recording does not show the seller); undefined when the log
 * lacks one of them.
 */
export function recordedInstallerProduct(
  exchanges: Exchange[],
  sellerId: string,
): InstallerSeed['products'][number] | undefined {
  const data = (pathEnd: RegExp): JsonObject | undefined => {
    const answer = recordedResponse(exchanges, 'GET', pathEnd)?.['responseData'];
    return isObject(answer) ? answer : undefined;
  };
  const packages = data(/\/packages$/)?.['packages'];
  const metadata = data(/\/metadata$/);
  const assets = data(/\/listings\/assets$/)?.['listingAssets'];
  const productId = /\/product\/([^/]+)\//.exec(exchanges.find((e) => e.url)?.url ?? '')?.[1];
  if (!productId || !Array.isArray(packages) || !metadata || !Array.isArray(assets)) return undefined;
  const byLanguage = <T>(list: Json, pick: (item: JsonObject) => T): Record<string, T> =>
    Object.fromEntries(
      (Array.isArray(list) ? list : []).filter(isObject).map((item) => [String(item['language']), pick(item)]),
    );
  return {
    productId,
    sellerId,
    packages: packages.filter(isObject),
    availability: isObject(metadata['availability']) ? metadata['availability'] : {},
    properties: isObject(metadata['properties']) ? metadata['properties'] : {},
    listings: byLanguage(metadata['listings'] ?? [], (listing) => listing),
    assets: byLanguage(assets, (a) => ({
      storeLogos: (a['storeLogos'] ?? []) as never,
      screenshots: (a['screenshots'] ?? []) as never,
    })),
  };
}

/**
 * The recorded mode's MSI/EXE products: the documented ones with package IDs as the live service
 * writes them (strings of digits), plus, when the real data is there, the recorded product, owned by
 * the first documented product's seller.
 */
export function recordedInstallerSeed(documented: InstallerSeed): InstallerSeed {
  const seed = structuredClone(documented);
  let next = 61234501;
  for (const product of seed.products) for (const p of product.packages) p['packageId'] = String(next++);
  const exchanges = recordedExchanges('unpackaged');
  const seller = seed.products[0]?.sellerId;
  const product = exchanges && seller && recordedInstallerProduct(exchanges, seller);
  if (product && !seed.products.some((p) => p.productId === product.productId)) seed.products.push(product);
  return seed;
}
