/**
 * The app recorded from the live Store in February 2026 (read in place from shared/realdata): its
 * five accumulated packages, the keys the pages do not list, the recorded PUT refusal. Runs in both
 * jest projects: "e2e documented" seeds the recorded app into the documented emulator, "e2e recorded"
 * also serves the live forms (PackageFamilyName, seven-digit dates, SalesUnsupportedWarning on every
 * status answer, the user-delegation upload URL taken only byte for byte).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { defaultSeed } from '../../test/emulator/index.js';
import { recordedApp } from '../../test/emulator/recorded.js';
import { recordedExchanges } from '../../test/support/exchanges.js';
import { REAL_DATA_ABSENT } from '../../test/support/packages.js';
import { STACK_SHAPES, startStack, type Stack } from '../../test/support/stack.js';

const exchanges = recordedExchanges('packaged');
const recorded = exchanges && recordedApp(exchanges);
const refusal = exchanges?.find((e) => e.method === 'PUT')?.response;
if (!recorded) {
  console.log(`recorded-app: ${REAL_DATA_ABSENT}`);
  test.skip(`the recorded app: ${REAL_DATA_ABSENT}`, () => undefined);
}

(recorded ? describe : describe.skip)(`the recorded app, ${STACK_SHAPES} shapes`, () => {
  const app = recorded?.app ?? { id: '', packageIdentityName: '', publisherName: '', packageFamilyName: '' };
  const identity = { name: app.packageIdentityName, publisher: app.publisherName };
  const recordedIds = ((recorded?.published?.['applicationPackages'] ?? []) as Array<{ id: string }>).map((p) => p.id);
  let stack: Stack;

  beforeAll(async () => {
    const seed = defaultSeed();
    stack = await startStack({ seed: { ...seed, apps: [...seed.apps, structuredClone(recorded!)] } });
  });
  afterAll(async () => stack?.stop());
  beforeEach(() => {
    stack.emulator.faults.clear();
    const pending = stack.emulator.state.pendingSubmission(app.id);
    if (pending) stack.emulator.state.removeSubmission(pending.id);
  });

  test('a new package joins the five recorded ones, and every key the Store sent goes back untouched', async () => {
    await stack.package('rec/juanpipelinemsixtest_10.5.1.0_x64.msixupload', identity, 40_000);
    const run = await stack.run({ 'app-id': app.id, packages: 'rec/*.msixupload', 'wait-for': 'publish' });
    expect(run.errorLines).toEqual([]);
    expect(run.exitCode).toBe(0);
    const submission = stack.emulator.state.submission(run.outputs['submission-id'] as string);
    expect(submission.droppedKeys).toEqual([]);
    expect(submission.resource['allowTargetFutureDeviceFamilies']).toHaveProperty('7', true);
    const packages = submission.resource['applicationPackages'] as Array<{ id?: string; fileName: string }>;
    expect(packages.map((p) => p.id).filter((id) => recordedIds.includes(id ?? ''))).toEqual(recordedIds);
    expect(packages.map((p) => p.fileName)).toContain('juanpipelinemsixtest_10.5.1.0_x64.msixupload');
    expect(stack.emulator.state.uploads(submission.id)?.map((u) => u.name)).toEqual([
      'juanpipelinemsixtest_10.5.1.0_x64.msixupload',
    ]);
    if (STACK_SHAPES === 'recorded') {
      // The live warning comes with every status answer (five polls here at least): it is told once.
      expect(run.stdout.match(/SalesUnsupportedWarning/g)?.length).toBe(1);
      const uploads = stack.emulator.requests.filter((r) => r.kind === 'blob');
      expect(uploads.length).toBeGreaterThan(0);
      expect(uploads.every((r) => r.status === 201)).toBe(true);
    }
  });

  test("a package of another publisher is refused by the app's own family name, before anything is created", async () => {
    await stack.package('rec-other/juanpipelinemsixtest_10.6.1.0_x64.msixupload', {
      ...identity,
      publisher: 'CN=Fabrikam',
    });
    const before = stack.emulator.mutatingRequests().length;
    const run = await stack.run({ 'app-id': app.id, packages: 'rec-other/*.msixupload' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines.join('\n')).toMatch(/publisher 'CN=Fabrikam'/);
    expect(run.errorLines.join('\n')).toContain(app.packageFamilyName);
    expect(stack.emulator.mutatingRequests().length).toBe(before);
  });

  test('the recorded PUT refusal ends the run before any upload or commit, and shows the Store error', async () => {
    await stack.package('rec-refused/juanpipelinemsixtest_10.7.1.0_x64.msixupload', identity);
    stack.emulator.faults.add({ method: 'PUT', path: /\/submissions\/\d+$/, status: 400, body: refusal });
    const before = stack.emulator.requests.length;
    const run = await stack.run({ 'app-id': app.id, packages: 'rec-refused/*.msixupload' });
    expect(run.exitCode).toBe(1);
    expect(run.errorLines.join('\n')).toMatch(/InvalidParameterValue[\s\S]*Please keep all file entries/);
    const requests = stack.emulator.requests.slice(before);
    expect(requests.filter((r) => r.path.endsWith('/commit'))).toEqual([]);
    expect(run.stdout).not.toMatch(/Uploaded [\d.]+ [KMG]?B in/);
    // Only the recorded shapes' front sees blob requests (documented upload URLs go to Azurite itself).
    expect(requests.filter((r) => r.kind === 'blob')).toEqual([]);
  });
});
