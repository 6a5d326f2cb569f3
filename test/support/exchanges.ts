/**
 * The request/response logs recorded from the live Store APIs in February 2026 (shared/realdata,
 * derived/jaimerodriguez-*-exchanges.json), read in place for tests that replay them. Nothing of
 * them is copied into the repository: a test that needs them is skipped when realDataDir() finds
 * no shared/realdata (REAL_DATA_ABSENT says why).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { realDataDir } from './packages.js';

/** One recorded call: the sample's step title, the request and the answer's body as logged. */
export interface Exchange {
  step: string;
  method: string | null;
  url: string | null;
  request: unknown;
  response: unknown;
}

/** `packaged`: the MSIX API (manage.devcenter.microsoft.com); `unpackaged`: the MSI/EXE API (api.store.microsoft.com). */
export type RecordedApi = 'packaged' | 'unpackaged';

/** The recorded exchanges of one API in order, or undefined when shared/realdata is absent. */
export function recordedExchanges(api: RecordedApi): Exchange[] | undefined {
  const root = realDataDir();
  if (!root) return undefined;
  const file = path.join(root, 'derived', `jaimerodriguez-${api}-exchanges.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Exchange[];
}

/** The first exchange whose step title starts with `step` (and, when given, whose method is `method`); throws when none does. */
export function exchange(exchanges: readonly Exchange[], step: string, method?: string): Exchange {
  const found = exchanges.find((e) => e.step.startsWith(step) && (method === undefined || e.method === method));
  if (!found) throw new Error(`no recorded exchange '${step}'`);
  return found;
}

/**
 * The Store's error bodies quoted in the sample's CLI mapping page (one JSON object a line, as
 * the msstore CLI printed them), e.g. the DELETE refusal of a Partner Center draft; [] when
 * shared/realdata is absent.
 */
export function recordedErrorBodies(): Record<string, string>[] {
  const root = realDataDir();
  if (!root) return [];
  const text = readFileSync(
    path.join(root, 'jaimerodriguez-windows-store-submission-api-samples', 'docs', 'CLI_API_MAPPING.md'),
    'utf8',
  );
  return text
    .split('\n')
    .filter((line) => line.startsWith('{"code":'))
    .map((line) => JSON.parse(line) as Record<string, string>);
}
