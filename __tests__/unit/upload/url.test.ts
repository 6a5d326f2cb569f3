/** SAS URL handling: '+' encoding, expiry, and messages that never carry the query. */
import { registerUrlQuery, secrets } from '../../../src/redact.js';
import { BlobRequestError, uploadError } from '../../../src/upload/errors.js';
import { encodeUploadUrl, openUploadUrl, sasExpiryProblem } from '../../../src/upload/url.js';
import { isTransientBlobError } from '../../../src/upload/block-retry.js';
import { uploadSettings } from '../../../src/upload/settings.js';

const base = 'https://productingestionbin1.blob.core.windows.net/ingestion/0b2f0c2e-1d3b';

describe('encodeUploadUrl', () => {
  it.each([
    [
      `${base}?sv=2014-02-14&sr=b&sig=ab+cd/ef+g%3D&se=2030-01-01T00%3A00%3A00Z&sp=rwl`,
      `${base}?sv=2014-02-14&sr=b&sig=ab%2Bcd/ef%2Bg%3D&se=2030-01-01T00%3A00%3A00Z&sp=rwl`,
    ],
    [`${base}?sig=ab%2Bcd`, `${base}?sig=ab%2Bcd`],
    ['http://127.0.0.1:1000/devstoreaccount1/c/a+b?sig=x+y', 'http://127.0.0.1:1000/devstoreaccount1/c/a+b?sig=x%2By'],
    [`${base}`, `${base}`],
    [`${base}?sig=a+b#frag+x`, `${base}?sig=a%2Bb#frag+x`],
  ])('%s', (input, expected) => {
    expect(encodeUploadUrl(input)).toBe(expected);
    expect(encodeUploadUrl(expected)).toBe(expected);
  });
});

describe('sasExpiryProblem', () => {
  const url = (se: string) => `${base}?sv=2014-02-14&sr=b&sig=abc+def&se=${se}&sp=rwl`;
  const now = new Date('2026-11-23T12:00:00Z');
  it('reports an expired SAS', () => {
    expect(sasExpiryProblem(url('2026-11-23T11%3A00%3A00Z'), now)).toMatch(/expired 1 h 00 min ago/);
  });
  it('reports a SAS that expires within the margin', () => {
    expect(sasExpiryProblem(url('2026-11-23T12:02:00Z'), now)).toMatch(/expires in 2 min 00 s, too soon/);
    expect(sasExpiryProblem(url('2026-11-23T12:02:00Z'), now, 60_000)).toBeUndefined();
  });
  it('accepts a SAS with time left, or without se', () => {
    expect(sasExpiryProblem(url('2026-11-24T12%3A00%3A00Z'), now)).toBeUndefined();
    expect(sasExpiryProblem(`${base}?sig=x`, now)).toBeUndefined();
    expect(sasExpiryProblem(url('not-a-date'), now)).toBeUndefined();
  });
  it('never shows the query', () => {
    expect(sasExpiryProblem(url('2020-01-01T00:00:00Z'), now)).not.toMatch(/sig|sv=|abc/);
  });
});

describe('openUploadUrl', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  afterEach(() => secrets.clear());
  it('encodes the URL and registers its signature and query as secrets', () => {
    const encoded = openUploadUrl(
      `${base}?sv=2014-02-14&sr=b&sig=sEcReT+sig%3D&se=2030-01-01T00%3A00%3A00Z&sp=rwl`,
      now,
    );
    expect(encoded).toContain('sig=sEcReT%2Bsig%3D');
    expect(secrets.redact(`x ${encoded} sEcReT+sig=`)).not.toMatch(/sEcReT/);
  });
  it('refuses an expired URL before anything is sent, without its query', () => {
    expect(() => openUploadUrl(`${base}?sig=sEcReT&se=2026-11-23T11%3A00%3A00Z`, now)).toThrow(
      /expired 1 h 00 min ago/,
    );
    expect(() => openUploadUrl(`${base}?sig=sEcReT&se=2026-11-23T11%3A00%3A00Z`, now)).not.toThrow(/sEcReT/);
  });
});

describe('registerUrlQuery on an upload URL', () => {
  afterEach(() => secrets.clear());
  // A Store signature is base64: raw '+' and '/', an encoded '='. Each way a text can show it.
  const raw = 'Zm9v+YmFy/c2ln%3D';
  const sig = 'Zm9v+YmFy/c2ln=';
  const url = `${base}?sv=2014-02-14&sr=b&sig=${raw}&se=2030-01-01T00%3A00%3A00Z&sp=rwl&token=t0k3nValue`;
  it.each([
    ['as the URL gives it', raw],
    ['percent-decoded', sig],
    ["with '+' read as a space", 'Zm9v YmFy/c2ln='],
    ['percent-encoded', encodeURIComponent(sig)],
    ["with only '+' encoded", 'Zm9v%2BYmFy/c2ln%3D'],
    ['JSON-escaped', JSON.stringify(sig).slice(1, -1)],
    ['after "; signature="', `; signature=${encodeURIComponent(sig)}`],
    ['another query value that could grant access', 't0k3nValue'],
  ])('masks the signature %s', (_form, shown) => {
    registerUrlQuery(url);
    const text = `The Store answered: upload to ${shown} refused`;
    expect(secrets.redact(text)).not.toMatch(/Zm9v|YmFy|c2ln|t0k3n/);
    expect(secrets.redact(text)).toContain('***');
  });
  it('masks a signature it was never given, after "sig=" or "; signature="', () => {
    expect(secrets.redact('PUT ...?sv=1&sig=AbC%2Bd refused; signature=AbC%2Bd; Signature="AbC+d"')).toBe(
      'PUT ...?sv=1&sig=*** refused; signature=***; Signature="***"',
    );
  });
  it('masks every other value of the query too, also the ones that only describe the grant', () => {
    registerUrlQuery(url);
    expect(secrets.redact('version 2014-02-14, expiry 2030-01-01T00:00:00Z')).toBe('version ***, expiry ***');
  });
});

describe('upload errors', () => {
  afterEach(() => secrets.clear());
  it('drop the query of any URL and the registered signature from the message', () => {
    const url = `${base}?sv=2014-02-14&sr=b&sig=Zm9v+YmFy/c2ln%3D&se=2030-01-01&sp=rwl`;
    registerUrlQuery(encodeUploadUrl(url));
    const sdkError = new BlobRequestError(
      `PUT ${encodeUploadUrl(url)}&comp=block&blockid=abc failed; signature Zm9v+YmFy/c2ln= did not match`,
      403,
      'AuthenticationFailed',
    );
    const error = uploadError('Staging block 1 of the upload to', url, sdkError);
    expect(error.httpStatus).toBe(403);
    expect(error.code).toBe('AuthenticationFailed');
    expect(error.message).toContain(`${base}?…`);
    expect(error.message).toContain('HTTP 403 AuthenticationFailed');
    expect(error.message).toContain('%2B');
    expect(error.message).not.toMatch(/Zm9v|sv=|comp=block/);
  });
  it('tell transient failures from final ones', () => {
    const answered = (status: number) => new BlobRequestError('answer', status, 'SomeCode');
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isTransientBlobError(answered(status))).toBe(true);
    for (const status of [400, 403, 404, 409, 413]) expect(isTransientBlobError(answered(status))).toBe(false);
    expect(isTransientBlobError(new BlobRequestError('read ECONNRESET', undefined, 'ECONNRESET'))).toBe(true);
    expect(isTransientBlobError(new BlobRequestError('getaddrinfo ENOTFOUND x', undefined, 'ENOTFOUND'))).toBe(false);
    expect(isTransientBlobError(new TypeError('x is not a function'))).toBe(false);
  });
});

describe('uploadSettings', () => {
  const MiB = 1024 * 1024;
  it('takes options, then the environment; block size and concurrency are tuned unless set', () => {
    expect(uploadSettings({}, {})).toEqual({ blockSize: undefined, concurrency: undefined, memoryBytes: 24 * MiB });
    expect(
      uploadSettings(
        {},
        { STORE_SUBMIT_BLOCK_SIZE_MB: '16', STORE_SUBMIT_UPLOAD_CONCURRENCY: '2', STORE_SUBMIT_UPLOAD_MEMORY_MB: '64' },
      ),
    ).toEqual({
      blockSize: 16 * MiB,
      concurrency: 2,
      memoryBytes: 64 * MiB,
    });
    expect(
      uploadSettings(
        { blockSize: 1000, concurrency: 3, memoryBytes: 9 * MiB },
        { STORE_SUBMIT_BLOCK_SIZE_MB: '16', STORE_SUBMIT_UPLOAD_MEMORY_MB: '64' },
      ),
    ).toEqual({
      blockSize: 1000,
      concurrency: 3,
      memoryBytes: 9 * MiB,
    });
    expect(() => uploadSettings({}, { STORE_SUBMIT_UPLOAD_CONCURRENCY: 'lots' })).toThrow(
      /STORE_SUBMIT_UPLOAD_CONCURRENCY/,
    );
    expect(() => uploadSettings({}, { STORE_SUBMIT_BLOCK_SIZE_MB: '0' })).toThrow(/STORE_SUBMIT_BLOCK_SIZE_MB/);
    expect(() => uploadSettings({}, { STORE_SUBMIT_UPLOAD_MEMORY_MB: '2' })).toThrow(/STORE_SUBMIT_UPLOAD_MEMORY_MB/);
  });
});
