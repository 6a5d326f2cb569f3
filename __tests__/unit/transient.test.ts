/** The one list of transient network failures, on errors as undici, Node.js and the Azure SDK raise them. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';
import { isTransientNetworkError } from '../../src/transient.js';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isTransientNetworkError', () => {
  it.each([
    ['a reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a refused connection', withCode('ECONNREFUSED')],
    ['an unreachable host', withCode('EHOSTUNREACH')],
    ['a DNS time-out', withCode('EAI_AGAIN')],
    ["undici's closed socket", withCode('UND_ERR_SOCKET', 'other side closed')],
    ["undici's header time-out", withCode('UND_ERR_HEADERS_TIMEOUT')],
    ["the Azure SDK's failed send", withCode('REQUEST_SEND_ERROR', 'Request body stream closed before ending')],
    ["undici's fetch failed, the code on its cause", new TypeError('fetch failed', { cause: withCode('ETIMEDOUT') })],
    ["undici's terminated body", new TypeError('terminated')],
    ["Node's socket hang up", new Error('socket hang up')],
  ])('%s is transient', (_name, error) => {
    expect(isTransientNetworkError(error)).toBe(true);
  });

  it.each([
    ['a host that does not resolve', withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND store.example')],
    ['an abort (a DOMException, numeric code 0)', new DOMException('This operation was aborted', 'AbortError')],
    ['an HTTP answer', Object.assign(new Error('HTTP 503'), { statusCode: 503 })],
    ['a programming error', new TypeError('x is not a function')],
    ['a thrown string', 'ECONNRESET'],
    ['nothing', undefined],
  ])('%s is not', (_name, error) => {
    expect(isTransientNetworkError(error)).toBe(false);
  });

  it('holds for a real refused connection, through undici fetch and through node:http', async () => {
    const port = await closedPort();
    const viaFetch = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(isTransientNetworkError(viaFetch)).toBe(true);
    const viaHttp = await new Promise<unknown>((resolve) => http.get(`http://127.0.0.1:${port}/`).on('error', resolve));
    expect(isTransientNetworkError(viaHttp)).toBe(true);
  });
});
