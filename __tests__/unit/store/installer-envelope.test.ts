import { InstallerApiError, readEnvelope } from '../../../src/store/installer-envelope.js';
import { secrets } from '../../../src/redact.js';

const call = 'PUT product/0c6a/packages';
const result = (status: number, body: unknown, headers: Record<string, string> = { 'x-correlation-id': 'corr-1' }) => ({
  status,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  headers: new Headers(headers),
});
const thrown = (status: number, body: unknown): InstallerApiError => {
  try {
    readEnvelope(result(status, body), call);
  } catch (error) {
    expect(error).toBeInstanceOf(InstallerApiError);
    return error as InstallerApiError;
  }
  throw new Error('no error');
};

afterEach(() => secrets.clear());

describe('readEnvelope', () => {
  test('a success gives responseData and the warnings it carried', () => {
    const env = readEnvelope(
      result(200, {
        isSuccess: true,
        errors: [{ code: 'warning', message: 'Check the title.', target: 'listings' }],
        responseData: { isReady: true },
      }),
      call,
    );
    expect(env).toEqual({
      data: { isReady: true },
      warnings: [{ code: 'warning', message: 'Check the title.', target: 'listings' }],
      correlationId: 'corr-1',
    });
  });

  test('a success without responseData or errors is an empty object', () => {
    expect(readEnvelope(result(200, { isSuccess: true }), call)).toMatchObject({ data: {}, warnings: [] });
  });

  test.each<[string, number, unknown, RegExp]>([
    [
      'isSuccess false on HTTP 200',
      200,
      {
        isSuccess: false,
        errors: [{ code: 'badrequest', message: 'packageUrl must be https.', target: 'packages' }],
        responseData: {},
      },
      /^PUT product\/0c6a\/packages failed with HTTP 200: badrequest \(target packages\): packageUrl must be https\. \(X-Correlation-ID corr-1\)$/,
    ],
    [
      'several errors, warnings left out',
      400,
      {
        isSuccess: false,
        errors: [
          { code: 'badrequest', message: 'A.', target: 'packages' },
          { code: 'warning', message: 'W.', target: 'x' },
          { code: 'badrequest', message: 'B.', target: 'listings' },
        ],
      },
      /HTTP 400: badrequest \(target packages\): A\.; badrequest \(target listings\): B\./,
    ],
    [
      'the in-progress lock names the submission',
      409,
      {
        isSuccess: false,
        errors: [{ code: 'conflict', message: 'In progress.', target: 'submission' }],
        responseData: { ongoingSubmissionId: '1152921504' },
      },
      /conflict \(target submission\): In progress\. \(submission 1152921504 is in progress\)/,
    ],
    [
      'a gateway 401',
      401,
      { statusCode: 401, message: 'Unauthorized. Access token is missing or invalid.' },
      /HTTP 401: 401: Unauthorized\..*Hint: the access token was rejected; the token must be for the scope https:\/\/api\.store\.microsoft\.com\/\.default/,
    ],
    [
      'No Product Found',
      404,
      { isSuccess: false, errors: [{ code: 'notfound', message: 'No Product Found', target: 'productId' }] },
      /Hint: 'app-id' must be the product ID GUID of an MSI\/EXE product/,
    ],
    ['a proxy page', 502, '<html><body>502 Bad Gateway</body></html>', /HTTP 502: error: <html><body>502 Bad Gateway/],
  ])('%s', (_name, status, body, expected) => {
    expect(thrown(status, body).message).toMatch(expected);
  });

  test('the error keeps code, target and correlation ID as fields', () => {
    const error = thrown(400, { isSuccess: false, errors: [{ code: 'badrequest', message: 'M', target: 'packages' }] });
    expect(error).toMatchObject({
      httpStatus: 400,
      code: 'badrequest',
      target: 'packages',
      correlationId: 'corr-1',
      messages: [{ code: 'badrequest', message: 'M', target: 'packages' }],
    });
  });

  test('a 2xx that is not the envelope is refused, secrets removed', () => {
    secrets.add('tok-very-secret');
    expect(() => readEnvelope(result(200, 'Bearer tok-very-secret welcome'), call)).toThrow(
      /not the API's JSON envelope: Bearer \*\*\* welcome/,
    );
    expect(() => readEnvelope(result(200, { hello: 1 }), call)).toThrow(/without the API's envelope/);
  });
});
