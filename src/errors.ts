/**
 * Error types shared by every layer. Each one carries what a release engineer needs to act on it;
 * none carries a secret (messages are built from redacted parts only).
 */

/** A bad action input, detected before anything is sent to the Store. */
export class InputError extends Error {
  constructor(
    /** The action input at fault, e.g. `rollout-percentage`. */
    readonly input: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`Input '${input}': ${problem}`);
    this.name = 'InputError';
  }
}

/**
 * A failure that is not an input error but has a kind worth a title of its own on the `::error::`
 * annotation (e.g. an installer URL that does not answer); the message says the rest.
 */
export class TitledError extends Error {
  constructor(
    /** The annotation's title, a few words: what kind of failure this is. */
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'TitledError';
  }
}

/** An error answer from the Store submission API (or the token authority). */
export class StoreApiError extends Error {
  constructor(
    readonly httpStatus: number,
    /** The call, e.g. `PUT applications/9N.../submissions/115...`, without any query string. */
    readonly call: string,
    readonly code: string | undefined,
    readonly storeMessage: string | undefined,
    readonly target: string | undefined,
    readonly correlationId: string | undefined,
    readonly hint?: string,
  ) {
    super(StoreApiError.describe(httpStatus, call, code, storeMessage, target, correlationId, hint));
    this.name = 'StoreApiError';
  }

  private static describe(
    httpStatus: number,
    call: string,
    code: string | undefined,
    message: string | undefined,
    target: string | undefined,
    correlationId: string | undefined,
    hint: string | undefined,
  ): string {
    const parts = [`${call} failed with HTTP ${httpStatus}`];
    if (code) parts.push(`code ${code}`);
    if (target) parts.push(`target ${target}`);
    let text = parts.join(', ');
    if (message) text += `: ${message}`;
    if (correlationId) text += ` (MS-CorrelationId ${correlationId})`;
    // The Store's message usually ends its own sentence; the hint starts a new one.
    if (hint) text += `${/[.!?]$/.test(text) ? '' : '.'} Hint: ${hint}`;
    return text;
  }
}

/** The Store reported a failed submission (CommitFailed, CertificationFailed, ...). */
export class SubmissionFailedError extends Error {
  constructor(
    readonly submissionId: string,
    readonly status: string,
    detail: string,
  ) {
    super(`Submission ${submissionId} ended in ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'SubmissionFailedError';
  }
}

/**
 * Normalises anything thrown into a message, so non-Error values are never swallowed. An error from
 * another realm (Node's fs errors under a VM, as in jest) fails instanceof but keeps its message.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/**
 * A pending submission this run cannot show is its own: its create answer was lost and a pending
 * submission appeared, which another run on the same product may have made.
 */
export class UnownedSubmissionError extends Error {
  constructor(
    readonly submissionId: string,
    target: { kind: string },
  ) {
    super(
      `The create call's answer was lost, and submission ${submissionId} is now pending; another run on the same ${target.kind === 'add-on' ? 'add-on' : 'app'} may have made it, ` +
        "so this run does not write into it. If no other run works on it, delete it (Partner Center, or 'on-pending: delete') and run again. " +
        "Give each product's workflow a 'concurrency' group (e.g. 'concurrency: store-<app-id>') so two runs never submit at once.",
    );
    this.name = 'UnownedSubmissionError';
  }
}
