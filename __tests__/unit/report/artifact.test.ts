/**
 * The run record's upload is bounded: against an artifact service that accepts and never answers,
 * `uploadRecord` gives up at its limit and says so; a stopped run or a passed deadline skips it.
 */
import { uploadRecord } from '../../../src/report/artifact.js';
import { RunRecord } from '../../../src/report/record.js';
import { startStuckArtifactService, type StuckArtifactService } from '../../../test/support/artifact-service.js';
import { MemoryLogger } from '../../../test/support/memory-logger.js';

let service: StuckArtifactService;
const saved = { ...process.env };

beforeAll(async () => {
  service = await startStuckArtifactService();
  // @actions/artifact reads the service from the environment itself.
  Object.assign(process.env, service.env);
});

afterAll(async () => {
  process.env = saved;
  await service.close();
});

test('a service that never answers: given up at the limit, with a warning, and reported as left running', async () => {
  const logger = new MemoryLogger();
  const abandoned = await uploadRecord(new RunRecord(), 'store-submission-record', logger, { limitMs: 1500 });
  expect(abandoned).toBe(true);
  expect(service.requests).toBeGreaterThan(0);
  expect(logger.lines.filter((line) => line.level === 'warning')).toEqual([
    {
      level: 'warning',
      message:
        "Gave up uploading the run record artifact 'store-submission-record': the artifact service did not answer within 2 s",
    },
  ]);
});

test('a stopped run (a cancel, a time-out) does not upload', async () => {
  const before = service.requests;
  const logger = new MemoryLogger();
  const signal = AbortSignal.abort();
  expect(await uploadRecord(new RunRecord(), 'record', logger, { signal })).toBe(false);
  expect(logger.text()).toBe("info: The run was stopped: the run record is not uploaded as artifact 'record'");
  expect(service.requests).toBe(before);
});

test("the run's deadline bounds it too: past it, no upload", async () => {
  const logger = new MemoryLogger();
  const deadline = new Date(Date.now() - 1);
  expect(await uploadRecord(new RunRecord(), 'record', logger, { deadline })).toBe(false);
  expect(logger.text()).toContain("The run's deadline has passed");
});
