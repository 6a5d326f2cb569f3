import { hintFor, type Failure, type HintedService } from '../../src/hints.js';

describe('hintFor', () => {
  test.each<[string, HintedService, Failure, RegExp]>([
    [
      'a Store 401 from the gateway',
      'store',
      { status: 401, message: 'APIM: Unauthorized. Access token is missing or invalid.' },
      /Entra app is added to Partner Center/,
    ],
    [
      'a product the sign-in cannot see',
      'store',
      { status: 404, call: 'GET applications/9NBLGGH4R315/flights/0c6a4d3e-7f21-4b8e-9d55-2f0e6c1b9a7d' },
      /knows no such product/,
    ],
    [
      'a pending submission in the way',
      'store',
      { status: 409, code: 'InvalidState', message: 'Create submission failed.' },
      /'on-pending: delete'/,
    ],
    [
      'a lasting 503 of the account service',
      'store',
      { status: 503, message: 'Account service is experiencing issue' },
      /Entra app is most likely not added to Partner Center/,
    ],
    [
      'a 401 in any words once a new token was refused too',
      'store',
      { status: 401, message: 'Identity cannot be authorized', afterNewToken: true },
      /Entra app is added to Partner Center/,
    ],
    ['a Store 403', 'store', { status: 403, message: 'Forbidden' }, /Entra app is added to Partner Center/],
    [
      'a refusal of a submission made in Partner Center',
      'store',
      {
        status: 400,
        code: 'InvalidOperation',
        message: 'Ingestion API can only update, delete, and commit submissions that are created through the API.',
      },
      /made in Partner Center/,
    ],
    [
      "the same refusal of the run's own submission",
      'store',
      {
        status: 400,
        code: 'InvalidOperation',
        message: 'Ingestion API can only update, delete, and commit submissions that are created through the API.',
        ownSubmission: true,
        correlationId: 'corr-7',
      },
      /this run created .*Store's side.*run again.*MS-CorrelationId corr-7/,
    ],
    ['an age rating to fill in', 'store', { status: 400, code: 'InvalidMicrosoftAgeRating' }, /questionnaire/],
    [
      'an MSI/EXE 401, worded for its own scope',
      'installer-api',
      { status: 401 },
      /scope https:\/\/api\.store\.microsoft\.com\/\.default/,
    ],
    [
      'an MSI/EXE product that is not found',
      'installer-api',
      { status: 404, message: 'ProductNotFound No product found for this id' },
      /product ID GUID of an MSI\/EXE product/,
    ],
    ['an MSI/EXE seller mismatch', 'installer-api', { status: 400, message: 'seller mismatch' }, /'seller-id'/],
    ['an expired SAS', 'package-upload', { status: 403, code: 'AuthenticationFailed' }, /%2B/],
    ['an upload host out of reach', 'package-upload', { code: 'ENOTFOUND' }, /could not be reached/],
    ['an expired asset upload URL', 'asset-upload', { status: 403 }, /short-lived/],
  ])('%s', (_what, service, failure, hint) => {
    expect(hintFor(service, failure)).toMatch(hint);
  });

  test.each<[string, HintedService, Failure]>([
    [
      'a Store 404 of a submission, not of a product',
      'store',
      { status: 404, call: 'GET applications/9N/submissions/1' },
    ],
    ['a Store 401 in other words', 'store', { status: 401, message: 'Unauthorized' }],
    ['a blob 500', 'package-upload', { status: 500 }],
    ['an asset upload 404', 'asset-upload', { status: 404 }],
  ])('gives no hint for %s', (_what, service, failure) => {
    expect(hintFor(service, failure)).toBeUndefined();
  });

  test("matches a cause only for the service it belongs to: a 403 of the MSIX API is not an upload's", () => {
    expect(hintFor('store', { status: 403 })).toMatch(/Entra app/);
    expect(hintFor('package-upload', { status: 403 })).toMatch(/SAS/);
  });

  test("never calls the run's own draft a Partner Center one, nor the reverse", () => {
    const message = 'can only update, delete, and commit submissions that are created through the API';
    const own = hintFor('store', { status: 400, code: 'InvalidOperation', message, ownSubmission: true });
    expect(own).not.toMatch(/made in Partner Center/);
    expect(own).toMatch(/run again/);
    expect(hintFor('store', { status: 400, code: 'InvalidOperation', message })).not.toMatch(/Store's side/);
  });
});
