/**
 * startAzurite, the storage half of the test stack: it returns only once its own Azurite listens,
 * never because some other server answered on the port.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAzurite, type Azurite } from '../../test/support/azurite.js';

const started: Azurite[] = [];
afterAll(async () => {
  for (const azurite of started) await azurite.stop();
});

describe('startAzurite', () => {
  it('refuses a port another server holds, instead of taking that server for Azurite', async () => {
    // What CI met: a Store emulator on the port Azurite was meant to have. Every blob call then
    // got the emulator's 404 "Resource not found".
    const other = http.createServer((_req, res) => res.writeHead(404).end('{"message":"Resource not found"}'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const attempt = startAzurite({ port });
      attempt.then(
        (azurite) => started.push(azurite),
        () => undefined,
      );
      await expect(attempt).rejects.toThrow(/exited with code 1 before it listened[\s\S]*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('listens on the port its Azurite bound, and serves blobs there', async () => {
    const azurite = await startAzurite();
    started.push(azurite);
    expect(azurite.blobEndpoint).toBe(`http://127.0.0.1:${azurite.port}/devstoreaccount1`);
    const service = new BlobServiceClient(
      azurite.blobEndpoint,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
    );
    const container = service.getContainerClient('probe');
    await container.create();
    await container.getBlockBlobClient('hello').upload('hi', 2);
    expect((await container.getBlockBlobClient('hello').downloadToBuffer()).toString()).toBe('hi');
  });
});
