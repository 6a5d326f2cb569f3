/**
 * The action's entry point. The Node.js version is checked first, with nothing else loaded (the
 * runner module uses only Node.js built-ins): on an older Node.js the dependencies would crash
 * while loading, before any error could be reported. Then the action itself is loaded and run.
 */
import { nodeVersionProblem } from './node-version.js';
import { FAILURE_EXIT_CODE, error } from './runner.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  error(problem, { title: 'Unsupported Node.js' });
  process.exitCode = FAILURE_EXIT_CODE;
} else {
  const { run } = await import('./main.js');
  await run();
}
