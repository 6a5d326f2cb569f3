import { classifyStatus } from '../../../src/commands/wait.js';
import { RunStopped } from '../../../src/stop.js';
import { MAX_POLL_INTERVAL_MS, pollDelayMs, pollUntilSettled, type PollSettings } from '../../../src/waiting.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';
import { describeStatusDetails } from '../../../src/store/status-details.js';

describe('classifyStatus', () => {
  test.each<[string, 'none' | 'commit' | 'publish', string | undefined, string]>([
    ['CommitStarted', 'none', 'Immediate', 'done'],
    ['CommitFailed', 'none', 'Immediate', 'failed'],
    ['CommitStarted', 'commit', 'Immediate', 'waiting'],
    ['PreProcessing', 'commit', 'Immediate', 'waiting'],
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

describe('pollUntilSettled', () => {
  const START = Date.parse('2026-03-02T09:00:00Z');

  /** A run's poll settings on a clock that moves only when slept on; `sleeps` records each pause. */
  function settings(deadlineMinutes = 60, signal?: AbortSignal) {
    let now = START;
    const sleeps: number[] = [];
    const logger = new MemoryLogger();
    const poll: PollSettings = {
      clock: {
        now: () => new Date(now),
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
      },
      logger,
      deadline: new Date(START + deadlineMinutes * 60_000),
      signal,
      firstIntervalMs: 30_000,
    };
    return { poll, sleeps, logger };
  }

  /** Reads that answer these statuses in turn (the last one again once they run out). */
  function reads(statuses: string[]): { read: () => Promise<string>; count: () => number } {
    let n = 0;
    return { read: async () => statuses[Math.min(n++, statuses.length - 1)]!, count: () => n };
  }

  test('logs each change once with its time and the time waited; pauses back off; returns the settling state', async () => {
    const { poll, sleeps, logger } = settings();
    const changes: string[] = [];
    const source = reads(['PreProcessing', 'PreProcessing', 'Certification', 'Published']);
    const last = await pollUntilSettled(poll, {
      read: source.read,
      statusOf: (s) => s,
      settled: (s) => s === 'Published',
      timedOut: () => new Error('timed out'),
      onChange: (status, at, since) => changes.push(`${status}@${(at.getTime() - since.getTime()) / 1000}`),
    });
    expect(last).toBe('Published');
    expect(sleeps).toEqual([30_000, 45_000, 67_500]);
    expect(changes).toEqual(['PreProcessing@0', 'Certification@75', 'Published@142.5']);
    expect(logger.lines.map((l) => l.message)).toEqual([
      '09:00:00 PreProcessing (after 0 s)',
      '09:01:15 Certification (after 1 min 15 s)',
      '09:02:22 Published (after 2 min 23 s)',
    ]);
  });

  test('a status already known is not logged again; pauseFirst pauses before the first read', async () => {
    const { poll, sleeps, logger } = settings();
    await pollUntilSettled(poll, {
      read: reads(['CommitStarted', 'PreProcessing']).read,
      statusOf: (s) => s,
      settled: (s) => s !== 'CommitStarted',
      timedOut: () => new Error('timed out'),
      known: 'CommitStarted',
      pauseFirst: true,
    });
    expect(sleeps).toEqual([30_000, 45_000]);
    expect(logger.lines.map((l) => l.message)).toEqual(['09:01:15 PreProcessing (after 1 min 15 s)']);
  });

  test('no pause goes past the deadline; once it has passed, the wait ends with timedOut', async () => {
    const { poll, sleeps } = settings(1);
    const wait = pollUntilSettled(poll, {
      read: reads(['Certification']).read,
      statusOf: (s) => s,
      settled: () => false,
      timedOut: (state, waitedMs) => new Error(`still ${state} after ${waitedMs} ms`),
    });
    await expect(wait).rejects.toThrow('still Certification after 60000 ms');
    expect(sleeps).toEqual([30_000, 30_000]);
  });

  test('what settled throws ends the wait', async () => {
    const { poll } = settings();
    const failed = new Error('CertificationFailed');
    const wait = pollUntilSettled(poll, {
      read: reads(['Certification', 'CertificationFailed']).read,
      statusOf: (s) => s,
      settled: (s) => {
        if (s.endsWith('Failed')) throw failed;
        return false;
      },
      timedOut: () => new Error('timed out'),
    });
    await expect(wait).rejects.toBe(failed);
  });

  test('a stopped run ends the wait with the stop reason after the pause, before another read', async () => {
    const controller = new AbortController();
    const { poll } = settings(60, controller.signal);
    const source = reads(['Certification']);
    const sleep = poll.clock.sleep;
    poll.clock.sleep = async (ms) => {
      await sleep(ms);
      controller.abort(new RunStopped('cancelled', 'SIGINT'));
    };
    const wait = pollUntilSettled(poll, {
      read: source.read,
      statusOf: (s) => s,
      settled: () => false,
      timedOut: () => new Error('timed out'),
    });
    await expect(wait).rejects.toMatchObject({ name: 'RunStopped', kind: 'cancelled' });
    expect(source.count()).toBe(1);
  });
});
