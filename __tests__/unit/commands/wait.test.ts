import { classifyStatus } from '../../../src/commands/wait.js';
import { MAX_POLL_INTERVAL_MS, pollDelayMs } from '../../../src/waiting.js';
import { describeStatusDetails } from '../../../src/store/status-details.js';

describe('classifyStatus', () => {
  test.each<[string, 'none' | 'commit' | 'publish', string | undefined, boolean, string]>([
    ['CommitStarted', 'none', 'Immediate', true, 'done'],
    ['CommitFailed', 'none', 'Immediate', true, 'failed'],
    ['CommitStarted', 'commit', 'Immediate', true, 'waiting'],
    ['PreProcessing', 'commit', 'Immediate', true, 'done'],
    ['Certification', 'commit', 'Immediate', true, 'done'],
    ['CommitFailed', 'commit', 'Immediate', true, 'failed'],
    ['PendingCommit', 'commit', 'Immediate', true, 'failed'],
    ['PendingCommit', 'commit', 'Immediate', false, 'waiting'],
    ['PreProcessing', 'publish', 'Immediate', true, 'waiting'],
    ['Certification', 'publish', 'Immediate', true, 'waiting'],
    ['Release', 'publish', 'Immediate', true, 'waiting'],
    ['Release', 'publish', 'Manual', true, 'done'],
    ['Release', 'publish', 'SpecificDate', true, 'done'],
    ['PendingPublication', 'publish', 'Immediate', true, 'done'],
    ['Publishing', 'publish', 'Immediate', true, 'done'],
    ['Published', 'publish', 'Immediate', true, 'done'],
    ['CertificationFailed', 'publish', 'Immediate', true, 'failed'],
    ['PreProcessingFailed', 'publish', 'Immediate', true, 'failed'],
    ['ReleaseFailed', 'publish', 'Manual', true, 'failed'],
    ['PublishFailed', 'publish', 'Immediate', true, 'failed'],
    ['Canceled', 'publish', 'Immediate', true, 'failed'],
  ])('%s with wait-for %s (%s, commit seen %s) is %s', (status, waitFor, mode, commitSeen, outcome) => {
    expect(classifyStatus(status, waitFor, mode, commitSeen)).toBe(outcome);
  });
});

describe('pollDelayMs', () => {
  test('grows by half each poll from the first interval up to five minutes', () => {
    expect([0, 1, 2, 3].map((n) => pollDelayMs(30_000, n))).toEqual([30_000, 45_000, 67_500, 101_250]);
    expect(pollDelayMs(30_000, 20)).toBe(MAX_POLL_INTERVAL_MS);
  });

  test('never shortens a first interval longer than the cap', () => {
    expect(pollDelayMs(600_000, 3)).toBe(600_000);
  });
});

describe('describeStatusDetails', () => {
  test('lists errors then warnings with their codes', () => {
    expect(
      describeStatusDetails({
        errors: [{ code: 'MissingFiles', details: 'a.msix' }],
        warnings: [{ code: 'SalesUnsupportedWarning', details: 'x' }],
        certificationReports: [],
      }),
    ).toEqual(['error MissingFiles: a.msix', 'warning SalesUnsupportedWarning: x']);
  });
});
