/**
 * The runner's side of a run: inputs from INPUT_* variables, workflow commands on stdout
 * (`::error::`, `::group::`, `::add-mask::`, ...), outputs in $GITHUB_OUTPUT and the job summary in
 * $GITHUB_STEP_SUMMARY, as the runner documents them
 * (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
 *
 * Our own instead of `@actions/core`, for start-up time: `npm run bench -- --startup-only` measured
 * `@actions/core` alone at +129 ms and +18 MB over an empty bundle (it loads `@actions/http-client`
 * and undici for its OIDC client), against a budget of 3x `node -e 0` (52 ms) for the whole cold
 * start to the first input error. What it did for us is these few formats; the OIDC token request
 * now goes through our own transport, with its deadline and retries (`store/auth.ts`).
 *
 * Node.js built-ins only: the entry point writes its Node.js version error with this module before
 * anything else is loaded.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';

/** The exit code of a failed run. */
export const FAILURE_EXIT_CODE = 1;

/** Where an annotation points, and its title; line and column are 1-based. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

/** A workflow command's data escaped (% CR LF) so that it stays one line and reads back unchanged. */
export function commandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command property's value escaped: as data, plus `:` and `,`, which end a property. */
function commandProperty(text: string): string {
  return commandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Writes `::command key=value,...::data` as one line of stdout. */
export function issueCommand(
  command: string,
  data: string,
  properties: Record<string, string | number | undefined> = {},
): void {
  const given = Object.entries(properties).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '',
  );
  const list = given.map(([key, value]) => `${key}=${commandProperty(String(value))}`).join(',');
  process.stdout.write(`::${command}${list ? ` ${list}` : ''}::${commandData(data)}${EOL}`);
}

/**
 * The value of input `name` as the runner passes it (INPUT_<NAME>, spaces as `_`, upper case),
 * trimmed; '' when it is not set.
 */
export function getInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Asks the runner to mask `value` in the log from now on. */
export function setSecret(value: string): void {
  issueCommand('add-mask', value);
}

/** A plain log line. */
export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

/** A line shown only with step debug logging on. */
export function debug(message: string): void {
  issueCommand('debug', message);
}

/** A warning annotation. */
export function warning(message: string): void {
  issueCommand('warning', message);
}

/** An error annotation; `file`, `startLine` and `startColumn` point it at a place in the repository. */
export function error(message: string, annotation: AnnotationProperties = {}): void {
  issueCommand('error', message, {
    title: annotation.title,
    file: annotation.file,
    line: annotation.startLine,
    col: annotation.startColumn,
  });
}

/** Runs `work` inside a collapsible log group titled `title` (one line); the group ends however `work` ends. */
export async function group<T>(title: string, work: () => Promise<T>): Promise<T> {
  issueCommand('group', title);
  try {
    return await work();
  } finally {
    issueCommand('endgroup', '');
  }
}

/**
 * Sets output `name` of the step: appended to $GITHUB_OUTPUT as a `name<<delimiter` block whose
 * random delimiter occurs in neither name nor value; without that file (an older runner, a local
 * run) as a `::set-output::` command.
 */
export function setOutput(name: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) {
    issueCommand('set-output', value, { name });
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  // A value that held its own delimiter could end the block early and set outputs of its choosing.
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`Output '${name}' holds its delimiter; not written`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

/** Appends `markdown` to the job summary ($GITHUB_STEP_SUMMARY); throws when the runner gave no summary file. */
export async function appendSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) throw new Error('GITHUB_STEP_SUMMARY is not set: this runner takes no job summary');
  await appendFile(file, markdown, 'utf8');
}
