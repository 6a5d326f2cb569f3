/**
 * Runs Azurite and the Store API emulator until Ctrl+C, printing the settings to point the action at it:
 *   npx tsx test/emulator/main.ts [--step-ms 1000] [--token-lifetime 3600] [--recorded]
 * (`--recorded`: the forms the live services sent, docs/store-api.md#the-emulators-two-modes).
 */
import { startAzurite } from '../support/azurite.js';
import { CREDENTIALS, startEmulator } from './index.js';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  return value === undefined ? undefined : Number(value);
}

const azurite = await startAzurite();
const emulator = await startEmulator({
  azurite,
  statusStepMs: arg('--step-ms') ?? 1000,
  tokenLifetimeSeconds: arg('--token-lifetime') ?? 3600,
  variant: { shapes: process.argv.includes('--recorded') ? 'recorded' : 'documented' },
});
process.stdout.write(
  [
    `Store API emulator on ${emulator.url} (Azurite on ${azurite.blobEndpoint})`,
    `INPUT_TENANT-ID=${CREDENTIALS.tenantId}`,
    `INPUT_CLIENT-ID=${CREDENTIALS.clientId}`,
    `INPUT_CLIENT-SECRET=${CREDENTIALS.clientSecret}`,
    `INPUT_AUTHORITY-URL=${emulator.authorityUrl}`,
    `INPUT_API-URL=${emulator.apiUrl}`,
    `ACTIONS_ID_TOKEN_REQUEST_URL=${emulator.oidc.requestUrl}`,
    `ACTIONS_ID_TOKEN_REQUEST_TOKEN=${emulator.oidc.requestToken}`,
    '',
  ].join('\n'),
);
const stop = async (): Promise<void> => {
  await emulator.close();
  await azurite.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
