/** The entry point's Node.js version check: which versions pass, and the one line an old one gets. */
import { MIN_RUNNER_VERSION, nodeVersionProblem } from '../../src/node-version.js';

describe('nodeVersionProblem', () => {
  test.each(['24.0.0', '24.9.0', 'v24.21.0', '25.1.0', '30.0.0'])('%s runs the action', (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  test.each(['20.20.2', 'v22.15.0', '23.11.1', '18.0.0', 'unknown'])('%s is refused, saying what to do', (version) => {
    const problem = nodeVersionProblem(version) as string;
    expect(problem).toContain(`store-submit needs Node.js 24 or later, and this is Node.js ${version}.`);
    expect(problem).toContain(`v${MIN_RUNNER_VERSION}`);
    expect(problem).not.toMatch(/[\r\n]/);
  });
});
