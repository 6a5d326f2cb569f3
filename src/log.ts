/**
 * The logging surface the inner layers (store client, upload) write to. `main.ts` backs it with
 * the runner's log (`@actions/core`, through `actions-log.ts`); tests back it with an array. Inner
 * layers never import `@actions/core`.
 *
 * Every line that reaches the runner's output goes through `guardedLogger` (or, for group titles
 * and the error annotation, `safeText` in `actions-log.ts`): secrets are masked, and no line can
 * act as a workflow command, whatever values from inputs or from the Store it carries.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/**
 * Characters a runner may skip before it looks for `::` at the start of a line: .NET trims
 * Unicode white space; control and zero-width characters are added so that nothing invisible
 * can hide a command from this check.
 */
const SKIPPED = '[\\s\\u0000-\\u001f\\u007f-\\u009f\\u180e\\u200b-\\u200f\\u2028\\u2029\\u2060\\ufeff]*';

/** A line break as the runner reads lines (\r\n, \r, \n), and the Unicode breaks a viewer may show. */
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/;

/** `::` opening a line (after skippable characters): a workflow command (`::error`, `::stop-commands::`, `::add-mask::`, `::set-output`, ...). */
const COMMAND_AT_LINE_START = new RegExp(`(^|\\r\\n|[\\r\\n\\u0085\\u2028\\u2029])(${SKIPPED}):(?=:)`, 'g');

/** `##[` anywhere: the runner's older command form (`##[error]`, `##[set-output ...]`) and log-viewer tags. */
const LEGACY_COMMAND = /##\[/g;

/**
 * Makes `text` safe to print as one or more lines of workflow output: a line that would open with
 * `::` opens with `%3A:` instead, and `##[` becomes `#%23[` (`%3A` and `%23` are the runner's own
 * escapes for `:` and `#`). Everything else is kept, line breaks included, so the text reads as
 * before. Idempotent: neutralising twice gives the same text.
 */
export function neutralise(text: string): string {
  return text.replace(COMMAND_AT_LINE_START, '$1$2%3A').replace(LEGACY_COMMAND, '#%23[');
}

/** `text` on one line, line breaks shown as `\n` (for titles, which the runner shows on one line). */
export function oneLine(text: string): string {
  return text.split(LINE_BREAK).join('\\n');
}

/**
 * Wraps `sink` so that every message is first passed through `redact` (the run's secret masking)
 * and then neutralised. The one path every log line of a run takes.
 */
export function guardedLogger(sink: Logger, redact: (text: string) => string): Logger {
  const guard = (text: string): string => neutralise(redact(text));
  return {
    info: (message) => sink.info(guard(message)),
    warning: (message) => sink.warning(guard(message)),
    debug: (message) => sink.debug(guard(message)),
  };
}
