/** The upload's progress: a line every few seconds in percent, MB and MB/s with the time left, and a callback per staged block. */
import { formatDuration } from '../format.js';
import type { Logger } from '../log.js';

export interface UploadProgress {
  /** Bytes of the zip staged so far. */
  bytesSent: number;
  /** Bytes of the whole zip. */
  totalBytes: number;
  /** Milliseconds since the upload started. */
  elapsedMs: number;
}

export interface ProgressOptions {
  logger?: Logger;
  /** Called after every staged block. */
  onProgress?: (p: UploadProgress) => void;
  /** How often a progress line is logged; default 5000 ms. */
  progressIntervalMs?: number;
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

/** A decimal megabyte, in bytes: the unit of progress lines and MB/s. */
export const MB = 1e6;

/** Decimal megabytes with one decimal, as progress lines show them. */
export function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

/** Logs percent, MB sent, MB/s and ETA every `intervalMs`, and feeds `onProgress`. */
export class ProgressReporter {
  private sent = 0;
  private readonly started: number;
  private lastLog: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly total: number,
    private readonly options: ProgressOptions,
    private readonly now: () => Date,
  ) {
    this.started = now().getTime();
    this.lastLog = this.started;
    const interval = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    if (options.logger && interval > 0) {
      // Also when no block completes for a while (slow link, retries): a line shows the upload lives.
      this.timer = setInterval(() => {
        if (this.now().getTime() - this.lastLog >= interval) this.log();
      }, interval);
      this.timer.unref();
    }
  }

  get elapsedMs(): number {
    return this.now().getTime() - this.started;
  }

  add(bytes: number): void {
    this.sent += bytes;
    const elapsedMs = this.elapsedMs;
    this.options.onProgress?.({ bytesSent: this.sent, totalBytes: this.total, elapsedMs });
    const interval = this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    if (this.sent < this.total && this.now().getTime() - this.lastLog >= interval) this.log();
  }

  private log(): void {
    this.lastLog = this.now().getTime();
    const seconds = this.elapsedMs / 1000;
    const percent = this.total > 0 ? Math.floor((this.sent / this.total) * 100) : 100;
    const rate = seconds > 0 ? this.sent / MB / seconds : 0;
    let line = `Uploading: ${percent}% (${megabytes(this.sent)} of ${megabytes(this.total)} MB), ${rate.toFixed(1)} MB/s`;
    if (rate > 0) line += `, about ${formatDuration(Math.ceil((this.total - this.sent) / MB / rate))} left`;
    this.options.logger?.info(line);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
