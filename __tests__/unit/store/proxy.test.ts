/**
 * Behind a proxy that refuses: the error names the proxy (from which variable, without its
 * credentials) and its answer, a 407 is not retried, and a 502 is retried with the final error
 * still naming the proxy. Through a real loopback proxy and undici, both ways undici uses one:
 * a CONNECT tunnel (https URLs) and a forwarded request (http URLs). Retries sleep no real time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type net from 'node:net';
import { describeNetworkError, Transport, type HttpRequest } from '../../../src/store/http.js';
import { proxyCredentials, proxyFor, proxyRefusalStatus } from '../../../src/store/proxy.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';

describe('proxyFor: the proxy undici picks from the environment', () => {
  test.each<[string, string, NodeJS.ProcessEnv, { variable: string; url: string } | undefined]>([
    [
      'https uses HTTPS_PROXY',
      'https://api.test/x',
      { HTTPS_PROXY: 'http://p:8080', HTTP_PROXY: 'http://q:80' },
      { variable: 'HTTPS_PROXY', url: 'http://p:8080' },
    ],
    [
      'lower case wins, as in undici',
      'https://api.test/x',
      { https_proxy: 'http://low:1', HTTPS_PROXY: 'http://up:2' },
      { variable: 'https_proxy', url: 'http://low:1' },
    ],
    [
      'https falls back to HTTP_PROXY',
      'https://api.test/x',
      { HTTP_PROXY: 'http://q:3128' },
      { variable: 'HTTP_PROXY', url: 'http://q:3128' },
    ],
    ['http uses HTTP_PROXY only', 'http://api.test/x', { HTTPS_PROXY: 'http://p:8080' }, undefined],
    [
      'credentials are never shown',
      'https://api.test/x',
      { HTTPS_PROXY: 'http://user:pa55w0rd@p:8080/path?q=1' },
      { variable: 'HTTPS_PROXY', url: 'http://p:8080' },
    ],
    [
      'NO_PROXY names the host',
      'https://api.test/x',
      { HTTPS_PROXY: 'http://p:8080', NO_PROXY: 'other.test, api.test' },
      undefined,
    ],
    [
      'NO_PROXY names a parent domain',
      'https://a.api.test/x',
      { HTTPS_PROXY: 'http://p:8080', NO_PROXY: '.api.test' },
      undefined,
    ],
    [
      'NO_PROXY *.domain leaves the domain itself proxied',
      'https://api.test/x',
      { HTTPS_PROXY: 'http://p:8080', NO_PROXY: '*.api.test' },
      { variable: 'HTTPS_PROXY', url: 'http://p:8080' },
    ],
    [
      'NO_PROXY with another port',
      'https://api.test/x',
      { HTTPS_PROXY: 'http://p:8080', NO_PROXY: 'api.test:8443' },
      { variable: 'HTTPS_PROXY', url: 'http://p:8080' },
    ],
    ['NO_PROXY *', 'https://api.test/x', { HTTPS_PROXY: 'http://p:8080', NO_PROXY: '*' }, undefined],
    ['no proxy set', 'https://api.test/x', {}, undefined],
  ])('%s', (_what, url, env, expected) => {
    expect(proxyFor(url, env)).toEqual(expected);
  });
});

test('proxyCredentials: the passwords of the proxy URLs, for masking', () => {
  expect(
    proxyCredentials({
      HTTPS_PROXY: 'http://builder:p%40ss@p:8080',
      HTTP_PROXY: 'http://q:80',
      http_proxy: 'not a url',
    }),
  ).toEqual(['p@ss', 'p%40ss']);
  expect(proxyCredentials({})).toEqual([]);
});

test('a numeric error code (a DOMException 0) is not shown as the reason', () => {
  const error = new TypeError('fetch failed', {
    cause: Object.assign(new Error('Request was cancelled.'), { code: 0 }),
  });
  expect(describeNetworkError(error)).toBe('Request was cancelled.');
});

/** A proxy answering every CONNECT and every forwarded request with `status`, counting them. */
async function refusingProxy(
  status: number,
): Promise<{ url: string; connects: number; forwarded: number; close(): Promise<void> }> {
  const state = { connects: 0, forwarded: 0 };
  const server = http.createServer((_req, res) => {
    state.forwarded += 1;
    res.writeHead(status, status === 407 ? { 'proxy-authenticate': 'Basic realm="corp"' } : {});
    res.end('refused by the proxy');
  });
  server.on('connect', (_req, socket: net.Socket) => {
    state.connects += 1;
    socket.end(
      `HTTP/1.1 ${status} Refused\r\n${status === 407 ? 'Proxy-Authenticate: Basic realm="corp"\r\n' : ''}Content-Length: 0\r\n\r\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

describe('a refusing proxy, through the transport', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  async function sendThrough(
    status: number,
    target: string,
    method = 'GET',
  ): Promise<{ error: Error; proxy: Awaited<ReturnType<typeof refusingProxy>>; logger: MemoryLogger; sleeps: number }> {
    const proxy = await refusingProxy(status);
    const withCredentials = proxy.url.replace('http://', 'http://builder:Pr0xyPa55@');
    Object.assign(process.env, { HTTPS_PROXY: withCredentials, HTTP_PROXY: withCredentials, NO_PROXY: '' });
    delete process.env.no_proxy;
    delete process.env.https_proxy;
    delete process.env.http_proxy;
    const logger = new MemoryLogger();
    let sleeps = 0;
    const transport = new Transport({
      logger,
      retry: { maxAttempts: 3, sleep: async () => void (sleeps += 1), random: () => 0.5 },
    });
    const request: HttpRequest = {
      method,
      url: `${target}/v1.0/my/applications/9NBLGGH4R315`,
      call: `${method} applications/9NBLGGH4R315`,
      headers: {},
      idempotent: method === 'GET',
    };
    try {
      await transport.send(async () => request);
      throw new Error('expected a failure');
    } catch (error) {
      return { error: error as Error, proxy, logger, sleeps };
    } finally {
      await (await transport.dispatcher()).close();
      await proxy.close();
    }
  }

  test.each([
    ['https (a CONNECT tunnel)', 'https://store.test', 'HTTPS_PROXY'],
    ['http (a forwarded request)', 'http://store.test', 'HTTP_PROXY'],
  ])('407 over %s: named, not retried, no credentials shown', async (_how, target, variable) => {
    const { error, proxy, sleeps, logger } = await sendThrough(407, target);
    expect(error.message).toContain(
      `GET applications/9NBLGGH4R315: the proxy ${proxy.url} (${variable}) answered HTTP 407 Proxy Authentication Required`,
    );
    expect(error.message).toContain('NO_PROXY');
    expect(error.message).not.toMatch(/connection failed|Pr0xyPa55|builder/);
    expect(proxy.connects + proxy.forwarded).toBe(1);
    expect(sleeps).toBe(0);
    expect(logger.text()).not.toMatch(/Pr0xyPa55/);
  });

  test('502 over https: retried, and the final error names the proxy and its answer', async () => {
    const { error, proxy, sleeps } = await sendThrough(502, 'https://store.test');
    expect(error.message).toMatch(
      new RegExp(
        `still failing after 3 attempts .*: the proxy ${proxy.url.replace(/\./g, '\\.')} \\(HTTPS_PROXY\\) answered HTTP 502 Bad Gateway$`,
      ),
    );
    expect(proxy.connects).toBe(3);
    expect(sleeps).toBe(2);
  });

  test('502 to a CONNECT for a POST: the request never reached the Store, so it is retried, not called ambiguous', async () => {
    const { error, proxy } = await sendThrough(502, 'https://store.test', 'POST');
    expect(error.message).not.toMatch(/may or may not have taken effect/);
    expect(error.message).toMatch(/answered HTTP 502 Bad Gateway$/);
    expect(proxy.connects).toBe(3);
  });

  test('502 answered to a forwarded request: retried, the final error names the proxy and keeps what it answered', async () => {
    const { error, proxy } = await sendThrough(502, 'http://store.test');
    expect(error.message).toMatch(
      new RegExp(
        `still failing after 3 attempts .*: HTTP 502 \\(through the proxy ${proxy.url.replace(/\./g, '\\.')} \\(HTTP_PROXY\\)\\): a body that is not JSON: refused by the proxy$`,
      ),
    );
    expect(proxy.forwarded).toBe(3);
  });

  test('403 from the proxy (a blocked host): named, not retried', async () => {
    const { error, proxy } = await sendThrough(403, 'https://store.test');
    expect(error.message).toContain(`answered HTTP 403 Forbidden; the proxy does not let this request through`);
    expect(proxy.connects).toBe(1);
  });

  test('proxyRefusalStatus reads nothing into other failures', () => {
    expect(
      proxyRefusalStatus(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        }),
      ),
    ).toBeUndefined();
    expect(proxyRefusalStatus(undefined)).toBeUndefined();
  });
});
