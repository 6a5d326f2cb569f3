/**
 * Every answer is read up to a cap (docs/contract.md, "Limits"), whatever the server sends: a
 * loopback server that streams an endless chunked body to the Store API, the sign-in authority and
 * the OIDC token service. The call fails naming itself and the cap, and the connection is closed
 * at the cap rather than read on.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EntraTokenSource, requestGitHubIdToken } from '../../../src/store/auth.js';
import { StoreClient } from '../../../src/store/client.js';
import { MAX_ANSWER_BYTES, Transport } from '../../../src/store/http.js';
import { InstallerClient } from '../../../src/store/installer-client.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CHUNK = Buffer.alloc(64 * 1024, 'a');

/** What the server did with each endless answer: bytes written and whether the client closed it. */
interface Stream {
  path: string;
  written: number;
  closedByClient: boolean;
}

const streams: Stream[] = [];
let server: http.Server;
let base: string;
/** Paths answered in full with this JSON; every other path gets an endless body. */
const answers = new Map<string, object>();

beforeAll(async () => {
  delete process.env.HTTPS_PROXY;
  delete process.env.HTTP_PROXY;
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const known = answers.get(path);
    if (known) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(known));
      return;
    }
    const stream: Stream = { path, written: 0, closedByClient: false };
    streams.push(stream);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"value": "');
    const more = (): void => {
      while (!res.destroyed) {
        stream.written += CHUNK.length;
        if (!res.write(CHUNK)) {
          res.once('drain', more);
          return;
        }
      }
    };
    res.on('close', () => {
      stream.closedByClient = !res.writableFinished;
    });
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  answers.set(`/${TENANT}/oauth2/token`, { access_token: 'tok', expires_in: '3599' });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(): { transport: Transport; tokens: EntraTokenSource } {
  const logger = new MemoryLogger();
  const transport = new Transport({ logger, retry: { sleep: async () => undefined } });
  const tokens = new EntraTokenSource({
    authorityUrl: base,
    tenantId: TENANT,
    clientId: 'client',
    clientSecret: 'secret',
    transport,
    logger,
  });
  return { transport, tokens };
}

/** Waits until the server has seen the answer's connection closed. */
async function closedStream(path: string): Promise<Stream> {
  for (;;) {
    const stream = streams.find((s) => s.path === path);
    if (stream?.closedByClient) return stream;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the cap is a few MiB', () => {
  expect(MAX_ANSWER_BYTES).toBe(8 * 1024 * 1024);
});

test('an endless answer to GET applications/{id} fails the call, naming it, and the connection is closed', async () => {
  const { transport, tokens } = client();
  const store = new StoreClient({ apiUrl: base, tokens, transport, logger: transport.logger });
  await expect(store.getProduct({ kind: 'app', appId: '9NBLGGH4R315' })).rejects.toThrow(
    /^GET applications\/9NBLGGH4R315: the answer is larger than 8 MiB/,
  );
  const stream = await closedStream('/v1.0/my/applications/9NBLGGH4R315');
  expect(stream.closedByClient).toBe(true);
  // Not read on: what was sent is the cap and what the sockets buffer.
  expect(stream.written).toBeLessThan(4 * MAX_ANSWER_BYTES);
  // Not retried: the same server would send the same.
  expect(streams.filter((s) => s.path === stream.path)).toHaveLength(1);
});

test('an endless answer of the MSI/EXE API fails the same way', async () => {
  const { transport, tokens } = client();
  const installer = new InstallerClient({
    apiUrl: base,
    productId: '00000000-0000-4000-8000-000000000001',
    sellerId: '123',
    tokens,
    transport,
    logger: transport.logger,
  });
  await expect(installer.draftStatus()).rejects.toThrow(
    /^GET product\/00000000-0000-4000-8000-000000000001\/status: the answer is larger than 8 MiB/,
  );
  expect(
    (await closedStream('/submission/v1/product/00000000-0000-4000-8000-000000000001/status')).written,
  ).toBeLessThan(4 * MAX_ANSWER_BYTES);
});

test('an endless answer of the sign-in authority fails the sign-in, naming it', async () => {
  const { transport } = client();
  const tokens = new EntraTokenSource({
    authorityUrl: `${base}/endless`,
    tenantId: TENANT,
    clientId: 'client',
    clientSecret: 'secret',
    transport,
    logger: transport.logger,
  });
  await expect(tokens.token()).rejects.toThrow(
    /POST 72f988bf-86f1-41af-91ab-2d7cd011db47\/oauth2\/token: the answer is larger than 8 MiB/,
  );
  expect((await closedStream(`/endless/${TENANT}/oauth2/token`)).closedByClient).toBe(true);
});

test('an endless answer of the OIDC token service fails, naming it', async () => {
  const { transport } = client();
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/oidc?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime',
  };
  await expect(requestGitHubIdToken(transport, 'api://AzureADTokenExchange', env)).rejects.toThrow(
    /GET GitHub OIDC token: the answer is larger than 8 MiB/,
  );
  expect((await closedStream('/oidc')).closedByClient).toBe(true);
});
