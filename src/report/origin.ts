/** The workflow run behind this run, from `@actions/github`'s context (the runner's GITHUB_* variables). */
import type { RunOrigin } from './record.js';

/** Undefined outside a workflow run (no GITHUB_RUN_ID), e.g. a local run of the bundle. */
export async function runOrigin(env: NodeJS.ProcessEnv = process.env): Promise<RunOrigin | undefined> {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
  // Loaded only at the end of a run: the Octokit behind it costs start-up time no input error should pay.
  const { context } = await import('@actions/github');
  const repository = `${context.repo.owner}/${context.repo.repo}`;
  // The context leaves a field undefined (or NaN) where its variable is missing (a hand-made run of the bundle).
  const runAttempt = context.runAttempt || 1;
  return {
    repository,
    sha: context.sha ?? '',
    ref: context.ref ?? '',
    workflow: context.workflow ?? '',
    runId: context.runId,
    runAttempt,
    url: `${context.serverUrl}/${repository}/actions/runs/${context.runId}/attempts/${runAttempt}`,
  };
}
