/**
 * Package file names: which file types are packages, which of them the package reader reads, and
 * the one name by which package entries are told apart. Light, so checking a name loads nothing heavy.
 */

/**
 * The package file types, lower case: what the `packages` input takes and what the Store takes in
 * its package arrays (docs/contract.md "Inputs"). `.xap` is there for old Windows Phone apps.
 */
export const PACKAGE_EXTENSIONS = [
  '.msixupload',
  '.appxupload',
  '.msix',
  '.msixbundle',
  '.appx',
  '.appxbundle',
  '.xap',
] as const;

export type PackageFormat = (typeof PACKAGE_EXTENSIONS)[number] extends `.${infer Format}` ? Format : never;

/** The package types whose identity readPackage reads: all but `.xap`, which has no AppxManifest.xml. */
export const READABLE_EXTENSIONS: readonly string[] = PACKAGE_EXTENSIONS.filter((ending) => ending !== '.xap');

/** The format of a package file from its name (ignoring case); undefined for other endings. */
export function packageFormat(file: string): PackageFormat | undefined {
  const lower = file.toLowerCase();
  const extension = PACKAGE_EXTENSIONS.find((ending) => lower.endsWith(ending));
  return extension ? (extension.slice(1) as PackageFormat) : undefined;
}

/** Whether readPackage reads this file's identity: a package type other than `.xap` (ignoring case). */
export function isReadablePackageName(file: string): boolean {
  const lower = file.toLowerCase();
  return READABLE_EXTENSIONS.some((ending) => lower.endsWith(ending));
}

/**
 * The name by which a package entry is told apart from the others, for every decision about
 * packages: which entries are this run's, which a new file replaces, which are duplicates, which
 * manifest describes an entry. That is the package's file name, the last segment of its `fileName`
 * ('/' or '\' separating folders), lower-cased: Windows compares file names without regard to case,
 * and the action puts each package at the root of the zip, so a folder the Store's copy carries
 * from an earlier zip does not make it another package (docs/contract.md "Across runs").
 */
export function packageKey(fileName: string): string {
  return (fileName.split(/[\\/]/).pop() ?? fileName).toLowerCase();
}
