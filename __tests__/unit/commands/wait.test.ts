import { classifyStatus } from '../../../src/commands/wait.js';
import { MAX_POLL_INTERVAL_MS, pollDelayMs } from '../../../src/waiting.js';
import { describeStatusDetails } from '../../../src/store/status-details.js';

describe('classifyStatus', () => {
  test.each<[string, 'none' | 'commit' | 'publish', string | undefined, string]>([
    ['CommitStarted', 'none', 'Immediate', 'done'],
    ['CommitFailed', 'none', 'Immediate', 'failed'],
    ['CommitStarted', 'commit', 'Immediate', 'waiting'],
    ['PreProcessing', 'commit', 'Immediate', 'done'],
    ['Certification', 'commit', 'Immediate', 'done'],
    ['CommitFailed', 'commit', 'Immediate', 'failed'],
    ['PendingCommit', 'commit', 'Immediate', 'failed'],
    ['PendingCommit', 'none', 'Immediate', 'failed'],
    ['PreProcessing', 'publish', 'Immediate', 'waiting'],
    ['Certification', 'publish', 'Immediate', 'waiting'],
    ['Release', 'publish', 'Immediate', 'waiting'],
    ['Release', 'publish', 'Manual', 'done'],
    ['Release', 'publish', 'SpecificDate', 'done'],
    ['PendingPublication', 'publish', 'Immediate', 'done'],
    ['Publishing', 'publish', 'Immediate', 'waiting'],
    ['Published', 'publish', 'Immediate', 'done'],
    ['CertificationFailed', 'publish', 'Immediate', 'failed'],
    ['PreProcessingFailed', 'publish', 'Immediate', 'failed'],
    ['ReleaseFailed', 'publish', 'Manual', 'failed'],
    ['PublishFailed', 'publish', 'Immediate', 'failed'],
    ['Canceled', 'publish', 'Immediate', 'failed'],
  ])('%s with wait-for %s (%s) is %s', (status, waitFor, mode, outcome) => {
    expect(classifyStatus(status, waitFor, mode)).toBe(outcome);
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
