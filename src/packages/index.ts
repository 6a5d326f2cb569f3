/**
 * Package identity, checks and retention. This entry point is light: the zip and XML readers load
 * only when `readPackages` / `readPackage` is first called (dynamic import of ./read.js), so the
 * action's cold start does not pay for them when no package is read.
 */
import type { PackageInfo, PackageReading, ReadOptions, ReadPackagesOptions } from './read.js';

export {
  checkPackages,
  entryArchitectures,
  type AppIdentity,
  type PackageCheckResult,
  type PackageFinding,
} from './checks.js';
export {
  compareVersions,
  deviceFamilyName,
  familyPublisherHash,
  isOlderVersion,
  normaliseArchitecture,
  parseVersion,
  publisherHash,
  sameVersion,
  type PackageVersion,
} from './identity.js';
export { applyRetention, type DescribedPackage, type RetentionRemoval, type RetentionResult } from './retention.js';
export { PACKAGE_EXTENSIONS, isReadablePackageName, packageFormat, packageKey, type PackageFormat } from './names.js';
export type { PackageInfo, PackagePart, PackageReading, ReadOptions, ReadPackagesOptions } from './read.js';
export type { ReadStats } from './byte-sources.js';
export type { TargetDeviceFamily } from './manifest.js';

/** readPackages of ./read.js, loading the zip and XML readers on first use. See there. */
export async function readPackages(
  files: readonly string[],
  options: ReadPackagesOptions = {},
): Promise<PackageReading[]> {
  const { readPackages: read } = await import('./read.js');
  return read(files, options);
}

/** readPackage of ./read.js, loading the zip and XML readers on first use. Throws PackageReadError, or the stop reason. */
export async function readPackage(file: string, options: ReadOptions = {}): Promise<PackageInfo> {
  const { readPackage: read } = await import('./read.js');
  return read(file, options);
}
