/** Helpers for the upload tests: a container on Azurite and SAS URLs for fresh blobs. */
import { randomUUID } from 'node:crypto';
import {
  BlobSASPermissions,
  BlobServiceClient,
  ContainerClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import type { Azurite } from '../../../test/support/azurite.js';

export interface Container {
  client: ContainerClient;
  /** A SAS URL (read/create/write) for a new blob; `rawPlus` decodes `%2B` in the signature to '+', as the Store sends it. */
  sasUrl(options?: { rawPlus?: boolean; expiresOn?: Date; blobName?: string }): string;
  /** A SAS URL whose signature contains a '+' (searched by varying the blob name). */
  sasUrlWithPlus(): string;
  download(url: string): Promise<Buffer>;
}

export async function makeContainer(
  azurite: Azurite,
  name = `c${randomUUID().replace(/-/g, '').slice(0, 20)}`,
): Promise<Container> {
  const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const service = new BlobServiceClient(azurite.blobEndpoint, credential);
  const client = service.getContainerClient(name);
  await client.create();
  const sasUrl: Container['sasUrl'] = (options = {}) => {
    const blobName = options.blobName ?? `ingestion/${randomUUID()}`;
    const query = generateBlobSASQueryParameters(
      {
        containerName: name,
        blobName,
        permissions: BlobSASPermissions.parse('rcw'),
        expiresOn: options.expiresOn ?? new Date(Date.now() + 3600_000),
      },
      credential,
    ).toString();
    const url = `${client.getBlockBlobClient(blobName).url}?${query}`;
    return options.rawPlus ? url.replace(/%2B/g, '+') : url;
  };
  return {
    client,
    sasUrl,
    sasUrlWithPlus() {
      for (let i = 0; i < 200; i++) {
        const url = sasUrl({ rawPlus: true });
        const sig = url.slice(url.indexOf('sig=') + 4).split('&')[0] ?? '';
        if (sig.includes('+')) return url;
      }
      throw new Error('no SAS with a + in 200 tries');
    },
    async download(url: string) {
      const path = new URL(url).pathname.split('/').slice(3).join('/');
      return client.getBlockBlobClient(decodeURIComponent(path)).downloadToBuffer();
    },
  };
}
