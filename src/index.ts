/**
 * The action's entry point. The Node.js version is checked before the action itself loads: on an
 * older Node.js its dependencies (undici 8) would crash while loading, before any error could be
 * reported. `@actions/core` is imported first, as the error's writer: it loads on Node.js 20 (what
 * runners too old for node24 actions carry), so the check can report through it.
 */
import * as core from '@actions/core';
import { setFlagsFromString } from 'node:v8';
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  core.error(problem, { title: 'Unsupported Node.js' });
  process.exitCode = core.ExitCode.Failure;
} else {
  // V8 doubles its young generation (to 2 x 16 MB) when many objects survive a scavenge, and an
  // upload's blocks in flight always do: peak RSS then grew with the package (2 GiB: 147-155 MB,
  // 4.2 GiB: 166-171 MB). Kept at its first size it stays flat (2 GiB: 139 MB) at no measurable
  // cost in time (`npm run bench`). V8 reads this flag each time it would grow, so setting it now
  // takes effect.
  setFlagsFromString('--semi-space-growth-factor=1');
  // Blocks in flight outlive scavenges, so each request's objects reach the old generation and die
  // there: between full GCs it grew from 11 to 19 MB in a 4.2 GiB upload. V8 may let it grow to
  // several times what the last full GC kept, depending on how fast GC ran on a loaded machine;
  // this caps the growth at 10 % over that (or V8's minimum step). V8 reads it after each full GC.
  setFlagsFromString('--heap-growing-percent=10');
  const { run } = await import('./main.js');
  await run();
}
