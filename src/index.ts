/**
 * The action's entry point. The Node.js version is checked first, with nothing else loaded: on an
 * older Node.js the dependencies would crash while loading, before any error could be reported.
 * Then the action itself is loaded and run.
 */
import { commandData, nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stdout.write(`::error title=Unsupported Node.js::${commandData(problem)}\n`);
  process.exitCode = 1;
} else {
  const { run } = await import('./main.js');
  await run();
}
