/** Package file names: which endings the package reader reads. Light, so checking a name loads nothing heavy. */

/** File name endings readPackage reads, lower case. `.xap` (Windows Phone 8) is not among them. */
export const PACKAGE_EXTENSIONS = [
  '.msix',
  '.appx',
  '.msixbundle',
  '.appxbundle',
  '.msixupload',
  '.appxupload',
] as const;

export type PackageFormat = 'msix' | 'appx' | 'msixbundle' | 'appxbundle' | 'msixupload' | 'appxupload';

/** The format of a package file from its name (ignoring case); undefined for other endings. */
export function packageFormat(file: string): PackageFormat | undefined {
  const lower = file.toLowerCase();
  const extension = PACKAGE_EXTENSIONS.find((ending) => lower.endsWith(ending));
  return extension ? (extension.slice(1) as PackageFormat) : undefined;
}

/** Whether a file name ends with one of PACKAGE_EXTENSIONS (ignoring case). */
export function isReadablePackageName(file: string): boolean {
  return packageFormat(file) !== undefined;
}
