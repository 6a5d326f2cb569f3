/**
 * Package identity facts that need no package file: the publisher hash of a package family name,
 * and four-part package versions. Light (node:crypto only), so the checks can use them without
 * loading the zip and XML readers.
 *
 * Follows docs/store-api.md "Package identity" (from the MSIX packaging docs, "Package identity overview").
 */
import { createHash } from 'node:crypto';

/** Crockford-style base32 alphabet of package family names (no i, l, o, u). */
const HASH_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * The 13-character publisher id of a package family name (`Name_<publisherHash>`), from the
 * manifest's `Identity Publisher` string exactly as written, e.g. `CN=Microsoft Corporation, O=...`
 * gives `8wekyb3d8bbwe`.
 *
 * Rule: SHA-256 of the publisher string in UTF-16LE; its first 8 bytes (64 bits) followed by one
 * 0 bit make 65 bits, written as 13 groups of 5 bits (most significant first) in the alphabet
 * `0123456789abcdefghjkmnpqrstvwxyz`. Never throws.
 */
export function publisherHash(publisher: string): string {
  const digest = createHash('sha256').update(Buffer.from(publisher, 'utf16le')).digest();
  // 64 bits shifted left by one: the appended 0 bit.
  const bits = digest.readBigUInt64BE(0) << 1n;
  let hash = '';
  for (let group = 12; group >= 0; group--) {
    hash += HASH_ALPHABET[Number((bits >> BigInt(group * 5)) & 31n)];
  }
  return hash;
}

/** The publisher hash part of a package family name (`Contoso.App_8wekyb3d8bbwe`), lower-cased; undefined without `_`. */
export function familyPublisherHash(packageFamilyName: string): string | undefined {
  const at = packageFamilyName.lastIndexOf('_');
  if (at < 0 || at === packageFamilyName.length - 1) return undefined;
  return packageFamilyName.slice(at + 1).toLowerCase();
}

/** A package version `Major.Minor.Build.Revision`, each part 0..65535 (the manifest's `Version`). */
export type PackageVersion = readonly [number, number, number, number];

const VERSION = /^(\d{1,5})\.(\d{1,5})\.(\d{1,5})\.(\d{1,5})$/;

/** Parses `1.2.3.4`; undefined for anything else (fewer parts, a part above 65535, signs, spaces). */
export function parseVersion(text: string): PackageVersion | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  const parts = match.slice(1, 5).map(Number);
  if (parts.some((part) => part > 65535)) return undefined;
  return parts as unknown as PackageVersion;
}

/** Orders versions numerically part by part: negative when `a` is older than `b`, 0 when equal. */
export function compareVersions(a: PackageVersion, b: PackageVersion): number {
  for (let i = 0; i < 4; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Whether two version texts are one version: their four numbers equal (`1.2.0.0` and `01.2.00.0`);
 * text that is no version compares as written, spaces around it aside. Never throws.
 */
export function sameVersion(a: string, b: string): boolean {
  const [left, right] = [parseVersion(a), parseVersion(b)];
  return left && right ? compareVersions(left, right) === 0 : a.trim() === b.trim();
}

/** Whether the version text `version` is older than `than`; false when either is no four-part version. Never throws. */
export function isOlderVersion(version: string, than: string): boolean {
  const [left, right] = [parseVersion(version), parseVersion(than)];
  return left !== undefined && right !== undefined && compareVersions(left, right) < 0;
}

/**
 * An architecture name as the checks compare it: lower case (`x64`, `arm64`, `neutral`, ...).
 * Manifests write `x64`, the Store's package entries `x64` or `ARM64`; both mean the same.
 */
export function normaliseArchitecture(architecture: string): string {
  return architecture.trim().toLowerCase();
}

/**
 * The device family of a Store `targetDeviceFamilies` entry or a manifest `TargetDeviceFamily
 * Name`, without the minimum OS version: `Windows.Desktop min version 10.0.17763.0` gives
 * `Windows.Desktop`. Compared case-insensitively by the callers.
 */
export function deviceFamilyName(entry: string): string {
  return entry.trim().split(/\s+/)[0] ?? '';
}
