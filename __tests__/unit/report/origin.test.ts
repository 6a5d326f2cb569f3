/** The workflow run behind a run, as the summary links it, from the runner's GITHUB_* variables. */
import { runOrigin } from '../../../src/report/origin.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('runOrigin', () => {
  it('is undefined outside a workflow run', async () => {
    delete process.env.GITHUB_RUN_ID;
    expect(await runOrigin({})).toBeUndefined();
  });

  it("links attempt 1 when the runner gives no GITHUB_RUN_ATTEMPT (a hand-made run), never 'NaN'", async () => {
    // @actions/github reads the variables when it is first loaded, which runOrigin does lazily.
    process.env.GITHUB_RUN_ID = '42';
    process.env.GITHUB_REPOSITORY = 'contoso/notes';
    process.env.GITHUB_SERVER_URL = 'https://github.com';
    delete process.env.GITHUB_RUN_ATTEMPT;
    const origin = await runOrigin(process.env);
    expect(origin?.runAttempt).toBe(1);
    expect(origin?.url).toBe('https://github.com/contoso/notes/actions/runs/42/attempts/1');
  });
});
