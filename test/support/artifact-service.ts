/**
 * A stuck artifact service for tests of the run record's upload: a loopback server that accepts
 * every request and never answers, and the runtime token `@actions/artifact` needs before it calls
 * the service (a JWT whose `scp` claim names the run's backend IDs; nothing checks its signature).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StuckArtifactService {
  /** What to set as ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL. */
  env: { ACTIONS_RUNTIME_TOKEN: string; ACTIONS_RESULTS_URL: string };
  /** Requests received so far (none is ever answered). */
  readonly requests: number;
  close(): Promise<void>;
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function startStuckArtifactService(): Promise<StuckArtifactService> {
  let requests = 0;
  const server = http.createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const claims = { scp: 'Actions.Results:ce7f54c7-61c7-4aae-887f-30da475f5f1a:ca395085-040a-526b-2ce8-bdc85f692774' };
  return {
    env: {
      ACTIONS_RUNTIME_TOKEN: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.unsigned`,
      ACTIONS_RESULTS_URL: `http://127.0.0.1:${port}/`,
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
