/**
 * The logging surface the inner layers (store client, upload) write to. `main.ts` backs it with
 * `@actions/core`; tests back it with an array. Inner layers never import `@actions/core`.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** A logger that keeps lines in memory; used by tests and by callers that want to capture output. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'info' | 'warning' | 'debug'; message: string }[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warning(message: string): void {
    this.lines.push({ level: 'warning', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
  }
}
