/**
 * Runners behind a corporate proxy: every request of the action, to the token authority, the Store
 * API and the upload blob, goes through HTTP_PROXY / HTTPS_PROXY unless NO_PROXY exempts its host.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SEED_APP_ID } from '../../test/emulator/index.js';
import { startStack, type Stack } from '../../test/support/stack.js';

/** A forward proxy on loopback that records what it carried: absolute-URI requests and CONNECT tunnels. */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '');
    seen.push(`${req.method} ${target.host}${target.pathname}`);
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let stack: Stack;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  stack = await startStack();
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy?.close();
  await stack?.stop();
});

test('sign-in, Store calls and the upload all go through the proxy', async () => {
  const sha = await stack.file('proxied/ContosoNotes_9.9.0.0_x64.msixupload', 200_000);
  const run = await stack.run(
    { 'app-id': SEED_APP_ID, packages: 'proxied/*.msixupload' },
    { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' },
  );
  expect(run.errorLines).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(stack.emulator.state.uploads(run.outputs['submission-id'] as string)).toEqual([
    expect.objectContaining({ sha256: sha }),
  ]);
  const emulatorHost = new URL(stack.emulator.url).host;
  // Azurite's, or the emulator's where it fronts the upload (recorded shapes).
  const uploadUrl = stack.emulator.state.submission(run.outputs['submission-id'] as string).resource.fileUploadUrl;
  const blobHost = new URL(String(uploadUrl)).host;
  expect(proxy.seen).toContain(`POST ${emulatorHost}/aad/${stack.connection['tenant-id']}/oauth2/token`);
  expect(proxy.seen).toContain(`POST ${emulatorHost}/v1.0/my/applications/${SEED_APP_ID}/submissions`);
  expect(proxy.seen).toContainEqual(expect.stringMatching(new RegExp(`^PUT ${blobHost}/devstoreaccount1/`)));
  expect(proxy.seen).toContainEqual(expect.stringMatching(/\/commit$/));
});

test('NO_PROXY exempts the hosts it names', async () => {
  proxy.seen.length = 0;
  const run = await stack.run(
    { 'app-id': SEED_APP_ID, command: 'status' },
    { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
  );
  expect(run.exitCode).toBe(0);
  expect(proxy.seen).toEqual([]);
});
