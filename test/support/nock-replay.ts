/**
 * The hooks of a unit suite whose HTTP calls nock answers: no real connection, no interceptor or
 * registered secret left over for the next test; and the error a call rejected with.
 */
import nock from 'nock';
import { secrets } from '../../src/redact.js';

/**
 * Installs the suite's hooks: proxies unset and the network closed for its tests, nock and the
 * secret registry cleared after each, and nock taken out of Node's HTTP at the end. Each test file
 * loads its own nock, and a worker runs several files: a nock left active under the next file's
 * breaks its requests (ERR_STREAM_PUSH_AFTER_EOF), so each file's nock is restored when it ends.
 */
export function answerWithNock(): void {
  beforeAll(() => {
    delete process.env.HTTPS_PROXY;
    delete process.env.HTTP_PROXY;
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    secrets.clear();
  });
  afterAll(() => {
    nock.enableNetConnect();
    nock.restore();
  });
}

/** What `work` rejected with, for a test that reads the error's fields; throws when it resolved or rejected with a non-Error. */
export async function rejection(work: Promise<unknown>): Promise<Error> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('it did not fail');
  return error;
}
