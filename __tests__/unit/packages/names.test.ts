/**
 * One list of package file types: what the `packages` input takes is what the package reader
 * knows by name, `.xap` (Windows Phone 8) included; the reader reads the identity of every type but
 * `.xap`. And one name for a package file, as the Store tells its package entries apart.
 */
import { describe, expect, test } from '@jest/globals';
import { isReadablePackageName, packageFormat, packageKey } from '../../../src/packages/names.js';

describe('packageFormat and isReadablePackageName', () => {
  test.each<[string, string | undefined, boolean]>([
    ['App_1.0.0.0_x64.msixupload', 'msixupload', true],
    ['App.APPXUPLOAD', 'appxupload', true],
    ['App.msix', 'msix', true],
    ['App.appx', 'appx', true],
    ['App.msixbundle', 'msixbundle', true],
    ['App.appxbundle', 'appxbundle', true],
    // A package type the Store takes for old Windows Phone apps; its manifest is not an AppxManifest.
    ['Old_1.0.0.0.XAP', 'xap', false],
    ['App.zip', undefined, false],
    ['App.msix.txt', undefined, false],
  ])('%s: %s, read: %s', (name, format, readable) => {
    expect(packageFormat(name)).toBe(format);
    expect(isReadablePackageName(name)).toBe(readable);
  });
});

describe('packageKey', () => {
  test.each<[string, string]>([
    ['App_1.0.0.0_x64.msixupload', 'app_1.0.0.0_x64.msixupload'],
    ['x64/App_1.0.0.0_X64.msixupload', 'app_1.0.0.0_x64.msixupload'],
    ['out\\x64\\App.msix', 'app.msix'],
    ['./App.msix', 'app.msix'],
  ])('%s -> %s', (fileName, key) => {
    expect(packageKey(fileName)).toBe(key);
  });
});
