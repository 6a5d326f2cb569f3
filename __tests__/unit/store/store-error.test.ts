import { secrets } from '../../../src/redact.js';
import { storeErrorFrom } from '../../../src/store/store-error.js';

const answer = (status: number, text: string, headers: Record<string, string> = {}) => ({
  status,
  text,
  headers: new Headers(headers),
});

describe('storeErrorFrom', () => {
  test.each<[string, ReturnType<typeof answer>, object]>([
    [
      'the Store form, with its correlation ID',
      answer(400, '{"code":"InvalidParameterValue","message":"Bad value.","target":"packages"}', {
        'ms-correlationid': 'corr-1',
      }),
      {
        httpStatus: 400,
        code: 'InvalidParameterValue',
        storeMessage: 'Bad value.',
        target: 'packages',
        correlationId: 'corr-1',
      },
    ],
    [
      'the Store form under "error"',
      answer(409, '{"error":{"code":"InvalidState","message":"Not now."}}'),
      { code: 'InvalidState', storeMessage: 'Not now.', target: undefined },
    ],
    [
      "the token authority's form, first line of its description",
      answer(
        401,
        '{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.\\r\\nTrace ID: x"}',
      ),
      { code: 'invalid_client', storeMessage: 'AADSTS7000215: Invalid client secret.' },
    ],
    [
      'a page that is not JSON, cut to 300 characters',
      answer(502, `<html>${'x'.repeat(400)}</html>`),
      { code: undefined, storeMessage: `<html>${'x'.repeat(294)}` },
    ],
    ['an empty body', answer(500, '  '), { code: undefined, storeMessage: undefined }],
  ])('reads %s', (_what, given, expected) => {
    expect(storeErrorFrom(given, 'GET applications/9NBLGGH4R315/submissions/1')).toMatchObject(expected);
  });

  test("adds the hint of a known cause after the Store's words", () => {
    const error = storeErrorFrom(
      answer(404, '{"code":"NotFound","message":"Not found."}'),
      'GET applications/9NBLGGH4R315',
    );
    expect(error.message).toMatch(
      /^GET applications\/9NBLGGH4R315 failed with HTTP 404, code NotFound: Not found\. Hint: the Store knows no such product/,
    );
  });

  test('never repeats a registered secret the answer echoes', () => {
    secrets.add('echoed-s3cret-value');
    const error = storeErrorFrom(answer(400, '{"code":"Bad","message":"token echoed-s3cret-value is bad"}'), 'POST x');
    expect(error.message).not.toContain('echoed-s3cret-value');
    expect(error.storeMessage).not.toContain('echoed-s3cret-value');
  });
});
