/**
 * Known Store failure modes and what a release engineer should do about them. Matched on the
 * Store's own code and message, so the hint sits next to the Store's words, never instead of them.
 */

interface KnownFailure {
  /** `call`: the failed call, e.g. `GET applications/9NBLGGH4R315`. */
  matches(status: number, code: string | undefined, message: string, call: string): boolean;
  hint: string;
}

const KNOWN_FAILURES: KnownFailure[] = [
  {
    matches: (status, _code, message) => status === 401 && /APIM|access token/i.test(message),
    hint: 'the access token was rejected; check that the Entra app is added to Partner Center (Account settings > Users > Microsoft Entra applications) with the Manager role',
  },
  {
    matches: (status, code, message) =>
      status === 409 && code === 'InvalidState' && /features that are not supported/i.test(message),
    hint: 'this product uses a feature the submission API does not support (mandatory app updates in Partner Center, Store-managed consumable add-ons); submit it in Partner Center instead',
  },
  {
    matches: (_s, _c, message) => /'Base' is not a valid PriceId/i.test(message),
    hint: "the product uses Pricing version 2 ('Review price per market'); the API cannot write its price back. Remove 'pricing' from submission-json or submit pricing changes in Partner Center",
  },
  {
    matches: (_s, code, message) => code === 'InvalidOperation' && /created through the API/i.test(message),
    hint: 'the submission was created in Partner Center, and the API can only update, delete and commit submissions it created: finish or delete it in Partner Center, then run again',
  },
  {
    matches: (status, _c, _m, call) =>
      status === 404 && /^GET (applications|inappproducts)\/[^/]+(\/flights\/[^/]+)?$/.test(call),
    hint: "the Store knows no such product for this sign-in: check 'app-id' (and 'flight-id' or 'add-on-id'); if it is right, the Entra app belongs to another Partner Center account, or is not added to this one (Account settings > Users > Microsoft Entra applications)",
  },
  {
    matches: (_s, code, message) => code === 'InvalidMicrosoftAgeRating' || /age rating/i.test(message),
    hint: 'complete the age ratings questionnaire in Partner Center (the first submission of an app must be made there)',
  },
  {
    matches: (_s, _c, message) => /AppListings must be 1 or more/i.test(message),
    hint: 'the submission has no listings; keep the listings of the cloned submission or add one in submission-json',
  },
  {
    matches: (_s, _c, message) => /keep all file entries for existing packages/i.test(message),
    hint: "every existing package must stay in the submission; use 'replace-packages: true' to mark old ones PendingDelete instead of dropping them",
  },
  {
    matches: (status, code, message) =>
      status === 409 && code === 'InvalidState' && /create submission failed/i.test(message),
    hint: "the product already has a pending submission, or its last published submission has a gradual rollout in progress; set 'on-pending: delete' or 'existing-rollout: finalize' (or 'halt')",
  },
];

export function hintFor(
  status: number,
  code: string | undefined,
  message: string | undefined,
  call = '',
): string | undefined {
  return KNOWN_FAILURES.find((f) => f.matches(status, code, message ?? '', call))?.hint;
}
