import { describe, expect, test } from '@jest/globals';
import { packagesNotListed, unmatchedPackagePatterns } from '../../../src/commands/commit.js';
import { decidePending, type PendingDecision } from '../../../src/commands/pending.js';
import type { JsonObject } from '../../../src/json.js';
import { KINDS } from '../../../src/store/kinds.js';
import { buildSubmission } from '../../../src/submission/build.js';
import { withoutServiceFields } from '../../../src/submission/merge.js';

const UPLOAD = 'https://x.blob.core.windows.net/c/b?sig=s';

function pending(status: string, byApi: boolean, packages: string[]): JsonObject {
  return {
    id: '1152921504621243540',
    status,
    ...(byApi ? { fileUploadUrl: UPLOAD } : {}),
    applicationPackages: packages.map((fileName) => ({ fileName, fileStatus: 'PendingUpload' })),
  };
}

/** Files this run adds that are packages, by zip name. */
const asPackages = (names: string[]) => names.map((zipName) => ({ zipName, isPackage: true }));

describe('decidePending', () => {
  test.each<
    [string, JsonObject | undefined, string[], 'fail' | 'delete', PendingDecision['action'], RegExp | undefined]
  >([
    ['no pending submission', undefined, ['App_1.0.0.0_x64.msixupload'], 'fail', 'create', undefined],
    [
      'this work, not yet committed',
      pending('PendingCommit', true, ['out/App_1.0.0.0_x64.msixupload']),
      ['App_1.0.0.0_X64.msixupload'],
      'fail',
      'continue',
      undefined,
    ],
    [
      'this work, whose commit failed',
      pending('CommitFailed', true, ['App_1.0.0.0_x64.msixupload']),
      ['App_1.0.0.0_x64.msixupload'],
      'fail',
      'continue',
      undefined,
    ],
    [
      'this work, already committed',
      pending('Certification', true, ['App_1.0.0.0_x64.msixupload']),
      ['App_1.0.0.0_x64.msixupload'],
      'delete',
      'wait',
      undefined,
    ],
    [
      'a run that adds no file cannot claim it, and is told so',
      pending('PendingCommit', true, ['App_1.0.0.0_x64.msixupload']),
      [],
      'fail',
      'stop',
      /\(this run adds no file \(no package, image or trailer\), so nothing shows .*on-pending: delete/,
    ],
    [
      'other packages, on-pending fail',
      pending('PendingCommit', true, ['App_0.9.0.0_x64.msixupload']),
      ['App_1.0.0.0_x64.msixupload'],
      'fail',
      'stop',
      /\(it does not list App_1\.0\.0\.0_x64\.msixupload of the 1 file\(s\) this run adds\).*set 'on-pending: delete'/,
    ],
    [
      'other packages, on-pending delete',
      pending('PendingCommit', true, ['App_0.9.0.0_x64.msixupload']),
      ['App_1.0.0.0_x64.msixupload'],
      'delete',
      'delete',
      undefined,
    ],
    [
      'other work already committed: never a DELETE',
      pending('PreProcessing', true, ['App_0.9.0.0_x64.msixupload']),
      ['App_1.0.0.0_x64.msixupload'],
      'delete',
      'stop',
      /PreProcessing.*already committed.*cannot undo or delete/,
    ],
    [
      'made in Partner Center, on-pending delete',
      pending('PendingCommit', false, ['App_1.0.0.0_x64.msixupload']),
      ['App_1.0.0.0_x64.msixupload'],
      'delete',
      'stop',
      /created in Partner Center\), and it is not this run's work \(it was made in Partner Center, .*'on-pending: delete' cannot remove it: delete it in Partner Center/,
    ],
  ])('%s', (_what, submission, packages, onPending, action, message) => {
    const decision = decidePending(KINDS.app, submission, asPackages(packages), onPending, 'app 9NBLGGH4R315');
    expect(decision.action).toBe(action);
    if (message) expect(decision.action === 'stop' ? decision.message : '').toMatch(message);
  });
});

describe('a listing-only run', () => {
  const shot = 'listings/en-us/Screenshot/01-main.0123456789ab.png';
  const added = [{ zipName: shot, isPackage: false }];
  const withImage = (status: string, fileName: string, fileStatus: string): JsonObject => ({
    ...pending(status, true, ['App_1.0.0.0_x64.msixupload']),
    listings: { 'en-us': { baseListing: { images: [{ fileName, fileStatus, imageType: 'Screenshot' }] } } },
  });

  test.each<[string, JsonObject, PendingDecision['action']]>([
    ['committed with its hashed image: it only waits', withImage('CommitStarted', shot, 'PendingUpload'), 'wait'],
    ['its image already taken by the Store', withImage('PreProcessing', shot, 'Uploaded'), 'wait'],
    ['not yet committed: it continues', withImage('PendingCommit', shot, 'PendingUpload'), 'continue'],
    ['the image marked for deletion is not listed', withImage('PendingCommit', shot, 'PendingDelete'), 'stop'],
    ['another image', withImage('CommitStarted', shot.replace('0123', '9999'), 'PendingUpload'), 'stop'],
  ])('%s', (_what, submission, action) => {
    const decision = decidePending(KINDS.app, submission, added, 'fail', 'app 9NBLGGH4R315');
    expect(decision.action).toBe(action);
    if (decision.action === 'stop') {
      expect(decision.message).toContain(`it does not list ${shot} of the 1 file(s) this run adds`);
      expect(decision.message).not.toMatch(/packages this run adds/);
    }
  });
});

describe('packagesNotListed', () => {
  const listed = ['ContosoReader_2.0.0.0_x64.msixupload'];
  test.each<[string, string[], string[], string[], string[]]>([
    // The runner's files decide when there are any: the pattern alone would match the staged name.
    [
      'a newer file on the runner',
      ['next/*.msixupload'],
      ['ContosoReader_2.1.0.0_x64.msixupload'],
      listed,
      ['ContosoReader_2.1.0.0_x64.msixupload'],
    ],
    ['the staged file on the runner', ['next/*.msixupload'], ['CONTOSOREADER_2.0.0.0_X64.msixupload'], listed, []],
    [
      'nothing on the runner: the patterns against the names',
      ['*_x64.msixupload', '*_arm64.msixupload'],
      [],
      listed,
      ['*_arm64.msixupload'],
    ],
  ])('%s', (_what, patterns, onRunner, names, missing) => {
    expect(packagesNotListed(patterns, onRunner, names)).toEqual(missing);
  });
});

describe('unmatchedPackagePatterns', () => {
  test.each<[string[], string[], string[]]>([
    [['out/**/*.msixupload'], ['ContosoNotes_1.2.0.0_x64.msixupload'], []],
    [['*.MSIXUPLOAD'], ['ContosoNotes_1.2.0.0_x64.msixupload'], []],
    [
      ['out/ContosoNotes_1.2.0.0_x64.msixupload', '*_arm64.msixupload'],
      ['ContosoNotes_1.2.0.0_x64.msixupload'],
      ['*_arm64.msixupload'],
    ],
    [['*.msixupload'], [], ['*.msixupload']],
  ])('%j against %j leaves %j', (patterns, names, missing) => {
    expect(unmatchedPackagePatterns(patterns, names)).toEqual(missing);
  });
});

describe('a package file named with a folder', () => {
  // The Store's copy names it with the folder it had in an earlier zip; this run's zip has it at the root.
  const earlier = pending('PendingCommit', true, ['x64/App_1.0.0.0_x64.msixupload']);
  const thisRun = ['App_1.0.0.0_x64.msixupload'];

  test("is this run's package when the pending submission is judged and when it is rebuilt", () => {
    const decision = decidePending(KINDS.app, earlier, asPackages(thisRun), 'fail', 'app 9NBLGGH4R315');
    expect(decision.action).toBe('continue');
    const built = buildSubmission(KINDS.app, withoutServiceFields(earlier), {
      newPackages: thisRun,
      replacePackages: false,
    });
    const live = (built.submission.applicationPackages as JsonObject[]).filter((p) => p.fileStatus !== 'PendingDelete');
    expect(live.map((p) => p.fileName)).toEqual(['x64/App_1.0.0.0_x64.msixupload']);
  });
});
