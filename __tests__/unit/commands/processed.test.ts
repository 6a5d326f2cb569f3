/**
 * checkProcessedSubmission: which read it checks (the wait's last one, or one more GET when that was
 * a status answer only), what it records, and the one error naming the file.
 */
import { describe, expect, test } from '@jest/globals';
import type { RunContext } from '../../../src/commands/context.js';
import { checkProcessedSubmission } from '../../../src/commands/submit/processed.js';
import { TitledError } from '../../../src/errors.js';
import type { JsonObject } from '../../../src/json.js';
import { KINDS, type Target } from '../../../src/store/kinds.js';
import { unitRunContext } from '../../../test/support/run-context.js';

const TARGET: Target = { kind: 'app', appId: '9NBLGGH4R315' };
const ID = '1152921504621243540';
const NEW = 'Contoso_2.0.0.0_x64.msixupload';
const OLD = 'Contoso_1.0.0.0_x64.msixupload';

const COMMITTED: JsonObject = {
  id: ID,
  applicationPackages: [
    { fileName: OLD, fileStatus: 'Uploaded', version: '1.0.0.0' },
    { fileName: NEW, fileStatus: 'PendingUpload' },
  ],
};

function processed(newVersion: string | undefined): JsonObject {
  return {
    id: ID,
    status: 'PreProcessing',
    statusDetails: { errors: [], warnings: [], certificationReports: [] },
    applicationPackages: [
      { fileName: OLD, fileStatus: 'Uploaded', version: '1.0.0.0' },
      {
        fileName: NEW,
        fileStatus: 'PendingUpload',
        ...(newVersion ? { version: newVersion, architecture: 'x64' } : {}),
      },
    ],
  };
}

/** A run context whose Store answers getSubmission with `submission` and counts the reads. */
function context(submission: JsonObject): { ctx: RunContext; reads: string[]; infos: string[] } {
  const reads: string[] = [];
  const infos: string[] = [];
  const store = {
    getSubmission: (_target: Target, id: string) => {
      reads.push(id);
      return Promise.resolve(submission);
    },
  };
  const ctx = unitRunContext(store, {
    info: (message) => infos.push(message),
    warning: () => undefined,
    debug: () => undefined,
  });
  ctx.record.files.push({ name: NEW, size: 100 });
  ctx.record.packages.push({
    file: NEW,
    identity: 'Contoso',
    publisher: 'CN=Contoso',
    version: '2.0.0.0',
    architectures: ['x64'],
    deviceFamilies: ['Windows.Desktop'],
  });
  return { ctx, reads, infos };
}

describe('checkProcessedSubmission', () => {
  test("reuses the wait's last read when it is the whole resource: no further read", async () => {
    const { ctx, reads } = context(processed('2.0.0.0'));
    await checkProcessedSubmission(ctx, KINDS.app, TARGET, ID, processed('2.0.0.0'), COMMITTED);
    expect(reads).toEqual([]);
    expect(ctx.record.verification).toEqual({
      outcome: 'passed',
      status: 'PreProcessing',
      added: [NEW],
      kept: [OLD],
      problems: [],
      versionNotReported: [],
    });
    expect(ctx.record.files).toEqual([{ name: NEW, size: 100, version: '2.0.0.0', architecture: 'x64' }]);
  });

  test('reads the submission once when the last read was a status answer only', async () => {
    const { ctx, reads } = context(processed('2.0.0.0'));
    await checkProcessedSubmission(
      ctx,
      KINDS.app,
      TARGET,
      ID,
      { status: 'PreProcessing', statusDetails: {} },
      COMMITTED,
    );
    expect(reads).toEqual([ID]);
    expect(ctx.record.verification?.outcome).toBe('passed');
  });

  test('a version not reported yet leaves the outcome unconfirmed and says so', async () => {
    const { ctx, infos } = context(processed(undefined));
    await checkProcessedSubmission(ctx, KINDS.app, TARGET, ID, processed(undefined), COMMITTED);
    expect(ctx.record.verification).toMatchObject({ outcome: 'unconfirmed', versionNotReported: [NEW] });
    expect(infos).toContain(
      `The Store reports no version yet for ${NEW} (at PreProcessing): file names checked, versions not; 'wait-for: publish' checks them too`,
    );
  });

  test('an old version under the new name throws one error naming the file; the record says the same', async () => {
    const { ctx } = context(processed('1.0.0.0'));
    const error = await checkProcessedSubmission(ctx, KINDS.app, TARGET, ID, processed('1.0.0.0'), COMMITTED).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TitledError);
    const problem = `${NEW}: the Store kept the old version: it lists 1.0.0.0, while the package's manifest gives 2.0.0.0`;
    expect((error as TitledError).message).toContain(
      `Submission ${ID} is PreProcessing, but the Store did not take what this run committed: ${problem}. `,
    );
    expect(ctx.record.verification).toMatchObject({ outcome: 'failed', problems: [problem] });
  });

  test('a submission found already past pre-processing (command: commit of a processed one) is not checked against itself', async () => {
    const { ctx, reads } = context(processed('2.0.0.0'));
    const found = { ...processed('1.0.0.0'), status: 'Certification' };
    await checkProcessedSubmission(ctx, KINDS.app, TARGET, ID, { ...found }, found);
    expect(reads).toEqual([]);
    expect(ctx.record.verification).toMatchObject({
      outcome: 'not-checked',
      reason:
        'the submission was already Certification when this run found it, so what was committed is no longer known',
    });
  });

  test('without a wait (wait-for: none) nothing is read and the record says why', async () => {
    const { ctx, reads } = context(processed('2.0.0.0'));
    await checkProcessedSubmission(ctx, KINDS.app, TARGET, ID, undefined, COMMITTED);
    expect(reads).toEqual([]);
    expect(ctx.record.verification).toMatchObject({
      outcome: 'not-checked',
      reason: "'wait-for: none' returns before the Store processes the commit",
    });
  });
});
