/**
 * isInside, the one check of where a path lies, with the cases its callers rely on: the folder
 * itself (a glob whose folder is the workspace, a listings folder that is the workspace), a name
 * that only starts with '..', a sibling sharing a prefix, '..' leaving the folder, and Windows paths.
 */
import { describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { isInside } from '../../src/paths.js';

describe('isInside', () => {
  test.each<[string, string, boolean]>([
    ['/w', '/w', true],
    ['/w/', '/w', true],
    ['/w/a/b', '/w', true],
    ['/w/..a', '/w', true],
    ['/wx/a', '/w', false],
    ['/a', '/w', false],
    ['/', '/w', false],
    ['/w/../a', '/w', false],
    ['/w/a/../../b', '/w', false],
  ])('%s within %s: %s', (child, within, inside) => {
    expect(isInside(child, { within, paths: path.posix })).toBe(inside);
  });

  test.each<[string, string, boolean]>([
    ['C:\\w', 'C:\\w', true],
    ['C:\\w\\a\\b.png', 'C:\\w', true],
    ['C:/w/a/b.png', 'C:\\w', true],
    ['c:\\W\\a', 'C:\\w', true],
    ['C:\\w\\..a', 'C:\\w', true],
    ['C:\\wx\\a', 'C:\\w', false],
    ['C:\\w\\..\\a', 'C:\\w', false],
    ['D:\\w\\a', 'C:\\w', false],
  ])('Windows: %s within %s: %s', (child, within, inside) => {
    expect(isInside(child, { within, paths: path.win32 })).toBe(inside);
  });

  test("this platform's rules by default", () => {
    const within = path.resolve('w');
    expect(isInside(path.join(within, 'a'), { within })).toBe(true);
    expect(isInside(path.dirname(within), { within })).toBe(false);
  });
});
