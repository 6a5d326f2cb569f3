/**
 * The runner's side of the one logging path: `@actions/core`'s log behind `guardedLogger`, and the
 * two other ways text reaches the runner's output, group titles and the error annotation, through
 * the same masking and neutralising. `main.ts` is the only user; inner layers get a `Logger`.
 */
import * as core from '@actions/core';
import { guardedLogger, neutralise, oneLine, type Logger } from './log.js';
import { secrets } from './redact.js';

/** The runner's log as a Logger, unguarded: use it only through `guardedLogger`. */
const runnerSink: Logger = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
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
  return core.group(oneLine(safeText(title)), work);
}

/**
 * The annotation title of an input error. The message names the input ("Input 'x': ..."); a title
 * that named it again would read "Input 'x': Input 'x': ..." wherever both are shown.
 */
export const INPUT_ERROR_TITLE = 'Invalid input';

/**
 * Writes the run's `::error::` annotation, its message masked and neutralised like every other
 * line; `annotation` places it (file, 1-based line and column) and titles it.
 */
export function logError(message: string, annotation?: core.AnnotationProperties): void {
  const properties = annotation && {
    ...annotation,
    ...(annotation.title === undefined ? {} : { title: oneLine(safeText(annotation.title)) }),
  };
  core.error(safeText(message), properties);
}
