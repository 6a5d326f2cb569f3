/**
 * The runner's side of the one logging path: `runner.ts` behind `guardedLogger`, and the two
 * other ways text reaches the runner's output, group titles and the error annotation, through the
 * same masking and neutralising. `main.ts` is the only user; inner layers get a `Logger`.
 */
import { guardedLogger, neutralise, oneLine, type Logger } from './log.js';
import { secrets } from './redact.js';
import * as runner from './runner.js';

/** The runner's log as a Logger, unguarded: use it only through `guardedLogger`. */
const runnerSink: Logger = {
  info: (message) => runner.info(message),
  warning: (message) => runner.warning(message),
  debug: (message) => runner.debug(message),
};

/** A line of text as it may reach the output: secrets masked, no workflow command in it. */
export function safeText(text: string): string {
  return neutralise(secrets.redact(text));
}

/** The run's logger: every line masked and neutralised. `sink` (tests) replaces the runner's log. */
export function runLogger(sink: Logger = runnerSink): Logger {
  return guardedLogger(sink, (text) => secrets.redact(text));
}

/** Runs `work` as a collapsible log group whose title is one masked, neutralised line. */
export function logGroup<T>(title: string, work: () => Promise<T>): Promise<T> {
  return runner.group(oneLine(safeText(title)), work);
}

/**
 * The annotation title of an input error. The message names the input ("Input 'x': ..."); a title
 * that named it again would read "Input 'x': Input 'x': ..." wherever both are shown.
 */
export const INPUT_ERROR_TITLE = 'Invalid input';

/** Writes the run's `::error::` annotation, its message masked and neutralised like every other line. */
export function logError(message: string, annotation?: runner.AnnotationProperties): void {
  const properties = annotation && {
    ...annotation,
    ...(annotation.title === undefined ? {} : { title: oneLine(safeText(annotation.title)) }),
  };
  runner.error(safeText(message), properties);
}
