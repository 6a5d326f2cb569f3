/**
 * The Node.js version check the entry point makes before it loads the action: the action's
 * dependencies need Node.js 24 and fail obscurely (inside undici) on older ones. No imports, so it
 * runs on any Node.js that can parse it.
 */

/** The oldest major version the action runs on (`runs.using: node24` in action.yml). */
export const MIN_NODE_MAJOR = 24;

/** The first runner release that can run `node24` actions. */
export const MIN_RUNNER_VERSION = '2.327.1';

/**
 * What is wrong with running on Node.js `version` (as `process.versions.node` gives it, e.g.
 * "20.20.2"), as one sentence for the error line; undefined when it is new enough.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (Number.isFinite(major) && major >= MIN_NODE_MAJOR) return undefined;
  return (
    `store-submit needs Node.js ${MIN_NODE_MAJOR} or later, and this is Node.js ${version}. ` +
    `Its action.yml asks the runner for node${MIN_NODE_MAJOR}: on a self-hosted runner, update the runner to v${MIN_RUNNER_VERSION} or later; ` +
    `to run dist/index.js yourself, use Node.js ${MIN_NODE_MAJOR}.`
  );
}
