import { describe, expect, test } from '@jest/globals';
import {
  compareVersions,
  deviceFamilyName,
  familyPublisherHash,
  isOlderVersion,
  parseVersion,
  publisherHash,
  sameVersion,
} from '../../../src/packages/index.js';
import { DEFAULT_IDENTITY, DEFAULT_PUBLISHER_HASH } from '../../../test/support/packages.js';
import { defaultSeed } from '../../../test/emulator/seed.js';

describe('publisherHash', () => {
  test.each([
    // The contract's check value (docs/store-api.md#package-identity).
    ['CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US', '8wekyb3d8bbwe'],
    [DEFAULT_IDENTITY.publisher, DEFAULT_PUBLISHER_HASH],
  ])('%s -> %s', (publisher, hash) => {
    expect(publisherHash(publisher)).toBe(hash);
  });

  test('is 13 characters of the package family alphabet and depends on every character', () => {
    const a = publisherHash('CN=Contoso');
    const b = publisherHash('CN=contoso');
    expect(a).toMatch(/^[0-9a-hjkmnp-tv-z]{13}$/);
    expect(a).not.toBe(b);
  });

  test("the emulator's seeded app has the family name of the builder's default identity", () => {
    const app = defaultSeed().apps[0]?.app;
    expect(app?.packageIdentityName).toBe(DEFAULT_IDENTITY.name);
    expect(familyPublisherHash(app?.packageFamilyName ?? '')).toBe(publisherHash(app?.publisherName ?? ''));
  });
});

describe('familyPublisherHash', () => {
  test.each([
    ['Contoso.App_8wekyb3d8bbwe', '8wekyb3d8bbwe'],
    ['Contoso.My_App_8WEKYB3D8BBWE', '8wekyb3d8bbwe'],
    ['Contoso.App', undefined],
    ['Contoso.App_', undefined],
  ])('%s -> %s', (family, hash) => {
    expect(familyPublisherHash(family)).toBe(hash);
  });
});

describe('versions', () => {
  test.each([
    ['1.2.3.4', [1, 2, 3, 4]],
    [' 65535.0.0.0 ', [65535, 0, 0, 0]],
    ['1.2.3', undefined],
    ['65536.0.0.0', undefined],
    ['1.2.3.-4', undefined],
    ['v1.2.3.4', undefined],
  ])('parseVersion(%j)', (text, parsed) => {
    expect(parseVersion(text)).toEqual(parsed);
  });

  test.each([
    ['1.10.0.0', '1.9.0.0', 1],
    ['1.0.0.0', '1.0.0.1', -1],
    ['2.0.0.0', '2.0.0.0', 0],
  ])('compareVersions(%s, %s) has the sign %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!))).toBe(sign);
  });

  test('deviceFamilyName drops the minimum version', () => {
    expect(deviceFamilyName('Windows.Desktop min version 10.0.17763.0')).toBe('Windows.Desktop');
    expect(deviceFamilyName('Windows.Universal')).toBe('Windows.Universal');
  });
});

describe('version texts compared', () => {
  test.each([
    ['1.2.0.0', '1.2.0.0', true],
    ['1.2.0.0', '01.2.00.0', true],
    [' 1.2.0.0', '1.2.0.0 ', true],
    ['1.2.0.0', '1.2.0.1', false],
    // Text that is no version compares as written (spaces around it aside).
    ['1.2', ' 1.2', true],
    ['1.2', '1.2.0.0', false],
  ])('sameVersion(%s, %s) is %s', (a, b, same) => {
    expect(sameVersion(a, b)).toBe(same);
  });

  test.each([
    ['1.9.0.0', '1.10.0.0', true],
    ['1.10.0.0', '1.9.0.0', false],
    ['1.2.0.0', '1.2.0.0', false],
    ['1.2', '1.3.0.0', false],
    ['1.3.0.0', 'newer', false],
  ])('isOlderVersion(%s, %s) is %s', (version, than, older) => {
    expect(isOlderVersion(version, than)).toBe(older);
  });
});
