/**
 * The logging surface the inner layers (store client, upload) write to. `main.ts` backs it with
 * `@actions/core`; tests back it with an array. Inner layers never import `@actions/core`.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}
