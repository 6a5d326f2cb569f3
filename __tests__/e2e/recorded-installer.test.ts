/**
 * The MSI/EXE product recorded from the live Store in February 2026 (read in place from
 * shared/realdata): its listings carry `heroArts` and `trailers`, which the pages do not list, so
 * this runs in the "e2e recorded" project only (the documented field rules refuse those keys).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SEED_SELLER_ID } from '../../test/emulator/index.js';
import { recordedInstallerProduct } from '../../test/emulator/recorded.js';
import { msiBytes, startInstallerServer, type InstallerServer } from '../../test/support/installer-server.js';
import { recordedExchanges } from '../../test/support/exchanges.js';
import { REAL_DATA_ABSENT } from '../../test/support/packages.js';
import { STACK_SHAPES, startStack, type Stack } from '../../test/support/stack.js';

const exchanges = recordedExchanges('unpackaged');
const recorded = exchanges && recordedInstallerProduct(exchanges, SEED_SELLER_ID);
const why = !recorded ? REAL_DATA_ABSENT : STACK_SHAPES !== 'recorded' ? 'recorded shapes only' : undefined;
if (why) test.skip(`the recorded MSI/EXE product: ${why}`, () => undefined);

(why ? describe.skip : describe)('the recorded MSI/EXE product', () => {
  const productId = recorded?.productId ?? '';
  let stack: Stack;
  let files: InstallerServer;
  let caDir: string;

  beforeAll(async () => {
    stack = await startStack();
    files = await startInstallerServer();
    caDir = await mkdtemp(path.join(os.tmpdir(), 'installer-ca-'));
    await writeFile(path.join(caDir, 'ca.pem'), files.ca);
  });
  afterAll(async () => {
    await files?.close();
    await stack?.stop();
    if (caDir) await rm(caDir, { recursive: true, force: true });
  });

  test('a new installer and release notes reach PUBLISHED, and the listings keep the keys the Store sent', async () => {
    const msi = files.serve('/2.1.0/Setup-2.1.0-x64.msi', { body: msiBytes(20_000) });
    const run = await stack.run(
      {
        'app-id': productId,
        'seller-id': SEED_SELLER_ID,
        installers: `- url: ${msi}\n  architecture: x64\n  languages: [en]\n`,
        'release-notes': 'Recorded product, new installer.',
        'wait-for': 'publish',
      },
      { NODE_EXTRA_CA_CERTS: path.join(caDir, 'ca.pem') },
    );
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('PUBLISHED');
    const product = stack.emulator.installer.product(productId);
    expect(product.packages.map((p) => p['packageUrl'])).toEqual([msi]);
    expect(Object.keys(product.listings).sort()).toEqual(Object.keys(recorded!.listings).sort());
    for (const listing of Object.values(product.listings)) {
      expect(listing['whatsNew']).toBe('Recorded product, new installer.');
      expect(listing).toHaveProperty('heroArts');
      expect(listing).toHaveProperty('trailers');
    }
  });
});
