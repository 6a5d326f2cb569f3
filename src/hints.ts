/**
 * The one registry of known failure causes and what a release engineer should do about each. A
 * hint is matched on the service's own words and shown next to them, never instead of them.
 */

/**
 * Who answered, as each words its failures its own way: `store` the MSIX submission API and the
 * token authority, `installer-api` the MSI/EXE API, `package-upload` the blob upload of the package
 * zip, `asset-upload` the upload of a listing image of an MSI/EXE product.
 */
export type HintedService = 'store' | 'installer-api' | 'package-upload' | 'asset-upload';

/** A failed call as the registry reads it. */
export interface Failure {
  /** HTTP status of the answer; undefined when there was none (a network error). */
  status?: number | undefined;
  /** The service's error code (`InvalidState`, `x-ms-error-code`), or a network error's (`ENOTFOUND`). */
  code?: string | undefined;
  /** The service's own messages, joined; undefined when it sent none. */
  message?: string | undefined;
  /** The call, e.g. `GET applications/9NBLGGH4R315`. */
  call?: string | undefined;
  /** The answer's correlation ID (`MS-CorrelationId`), the ID Microsoft support asks for. */
  correlationId?: string | undefined;
  /** What the run knows beyond the answer: the call was on a submission this run created. */
  ownSubmission?: boolean | undefined;
  /** The answer came to a request sent again with a new access token, after a 401. */
  afterNewToken?: boolean | undefined;
}

/** A failure as the causes match it: absent texts are empty, absent flags false. */
interface FailureWords {
  status: number | undefined;
  code: string;
  message: string;
  call: string;
  correlationId: string;
  ownSubmission: boolean;
  afterNewToken: boolean;
}

interface KnownCause {
  service: HintedService;
  matches(failure: FailureWords): boolean;
  /** The hint, or how to word it from the failure (to quote its correlation ID). */
  hint: string | ((failure: FailureWords) => string);
}

/** In order: the first cause of the service that matches gives the hint. */
const KNOWN_CAUSES: readonly KnownCause[] = [
  {
    service: 'store',
    // A 401 that a new token does not cure, or a 403 (the token is valid but not allowed), is the
    // Entra app's standing in Partner Center, whatever words the Store uses for it.
    matches: ({ status, message, afterNewToken, call }) =>
      (status === 401 && (afterNewToken || /APIM|access token/i.test(message))) ||
      (status === 403 && !call.startsWith('Sign-in')),
    hint: 'the access token was rejected; check that the Entra app is added to Partner Center (Account settings > Users > Microsoft Entra applications) with the Manager role',
  },
  {
    service: 'store',
    matches: ({ status, code, message }) =>
      status === 409 && code === 'InvalidState' && /features that are not supported/i.test(message),
    hint: 'this product uses a feature the submission API does not support (mandatory app updates in Partner Center, Store-managed consumable add-ons); submit it in Partner Center instead',
  },
  {
    service: 'store',
    matches: ({ message }) => /'Base' is not a valid PriceId/i.test(message),
    hint: "the product uses Pricing version 2 ('Review price per market'); the API cannot write its price back. Remove 'pricing' from submission-json or submit pricing changes in Partner Center",
  },
  {
    service: 'store',
    // The Store sometimes refuses its own fresh copy with the Partner Center message.
    matches: ({ message, ownSubmission }) => ownSubmission && /created through the API/i.test(message),
    hint: ({ correlationId }) =>
      `this run created the submission through the API moments ago, so the refusal is a fault on the Store's side, not in your inputs or in Partner Center: run again${correlationId ? `; if it happens again, give Microsoft support the MS-CorrelationId ${correlationId}` : ''}`,
  },
  {
    service: 'store',
    // docs/store-api.md#refusals-seen-live: the DELETE (or PUT, or commit) of a Partner Center draft.
    matches: ({ code, message }) => code === 'InvalidOperation' && /created through the API/i.test(message),
    hint: "the pending submission was made in Partner Center, and the API can only update, delete and commit submissions it created itself, so 'on-pending: delete' cannot remove it: delete it in Partner Center (or finish and submit it there), then run again; with 'on-pending: fail' (the default) the run stops before touching such a draft",
  },
  {
    service: 'store',
    matches: ({ status, call }) =>
      status === 404 && /^GET (applications|inappproducts)\/[^/]+(\/flights\/[^/]+)?$/.test(call),
    hint: "the Store knows no such product for this sign-in: check 'app-id' (and 'flight-id' or 'add-on-id'); if it is right, the Entra app belongs to another Partner Center account, or is not added to this one (Account settings > Users > Microsoft Entra applications)",
  },
  {
    service: 'store',
    matches: ({ code, message }) => code === 'InvalidMicrosoftAgeRating' || /age rating/i.test(message),
    hint: 'complete the age ratings questionnaire in Partner Center (the first submission of an app must be made there)',
  },
  {
    service: 'store',
    matches: ({ message }) => /AppListings must be 1 or more/i.test(message),
    hint: 'the submission has no listings; keep the listings of the cloned submission or add one in submission-json',
  },
  {
    service: 'store',
    // docs/store-api.md#refusals-seen-live: the PUT left out (or re-sent as PendingUpload) entries the submission has.
    matches: ({ message }) => /keep all file entries for existing packages/i.test(message),
    hint: "the Store refused the update because it leaves out package entries the submission already has (the IDs it lists), or sends them back as PendingUpload; the run stopped there, so nothing was uploaded or committed and the published packages are unchanged. Keep every existing entry in 'submission-json' as the Store gave it, and remove old packages by marking them PendingDelete ('replace-packages: true' or 'keep-package-versions' do that)",
  },
  {
    service: 'store',
    matches: ({ status, code, message }) =>
      status === 409 && code === 'InvalidState' && /create submission failed/i.test(message),
    hint: "the product already has a pending submission, or its last published submission has a gradual rollout in progress; set 'on-pending: delete' or 'existing-rollout: finalize' (or 'halt')",
  },
  {
    service: 'store',
    // Seen when the first call of a run keeps getting this 503 (docs/store-api.md#throttling-and-transient-faults).
    matches: ({ status, message }) => status === 503 && /Account service is experiencing issue/i.test(message),
    hint: 'if this lasts from the first call of a run, the Entra app is most likely not added to Partner Center (Account settings > Users > Microsoft Entra applications, with the Manager role); otherwise the Store is having an outage: run again later',
  },
  {
    service: 'installer-api',
    matches: ({ status }) => status === 401,
    hint: 'the access token was rejected; the token must be for the scope https://api.store.microsoft.com/.default and the Entra app must be added to Partner Center (Account settings > Users > Microsoft Entra applications) with the Manager role',
  },
  {
    service: 'installer-api',
    matches: ({ message }) => /no product found/i.test(message),
    hint: "'app-id' must be the product ID GUID of an MSI/EXE product in this seller's account (an MSIX product's Store ID is not found here); check 'seller-id' too",
  },
  {
    service: 'installer-api',
    matches: ({ status, message }) => status === 403 || /seller/i.test(message),
    hint: "check 'seller-id' (Partner Center > Account settings > Legal info > Developer > Seller ID) and that the Entra app belongs to that account",
  },
  {
    service: 'package-upload',
    matches: ({ status }) => status === 403,
    hint: "the SAS may have expired, or its signature was altered ('+' must be sent as %2B); create a new submission for a fresh fileUploadUrl",
  },
  {
    service: 'package-upload',
    matches: ({ status }) => status === 404,
    hint: 'the upload URL names a container or blob that does not exist; use the fileUploadUrl of the current submission',
  },
  {
    service: 'package-upload',
    matches: ({ code }) => code === 'ENOTFOUND' || code === 'ECONNREFUSED',
    hint: 'the upload host could not be reached from this runner',
  },
  {
    service: 'asset-upload',
    matches: ({ status }) => status === 403,
    hint: 'the upload URL is short-lived; the run creates a new one when it runs again',
  },
];

/** The hint for a failure of `service`, or undefined when no known cause matches it. */
export function hintFor(service: HintedService, failure: Failure): string | undefined {
  const words: FailureWords = {
    status: failure.status,
    code: failure.code ?? '',
    message: failure.message ?? '',
    call: failure.call ?? '',
    correlationId: failure.correlationId ?? '',
    ownSubmission: failure.ownSubmission ?? false,
    afterNewToken: failure.afterNewToken ?? false,
  };
  const hint = KNOWN_CAUSES.find((cause) => cause.service === service && cause.matches(words))?.hint;
  return typeof hint === 'function' ? hint(words) : hint;
}
