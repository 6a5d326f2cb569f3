/**
 * What a test suite's code writes to stdout, as the runner would read it: `process.stdout.write` is
 * captured before each test and restored after it.
 */
import { afterEach, beforeEach, jest } from '@jest/globals';

/** Call at the top of a suite; the array holds each test's writes, in order (emptied before each test). */
export function captureStdout(): string[] {
  const written: string[] = [];
  let spy: ReturnType<typeof jest.spyOn> | undefined;
  beforeEach(() => {
    written.length = 0;
    spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write);
  });
  afterEach(() => spy?.mockRestore());
  return written;
}
