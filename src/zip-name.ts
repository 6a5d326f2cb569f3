/**
 * The one rule for names inside the uploaded zip, used for the names a submission gives its files
 * (which may use Windows separators), for the entries of the zips the action builds, and for the
 * entries of a ready-made zip: relative, forward slashes, no `..`, `.` or empty segments, no drive
 * letters, no `:` (Windows refuses it in file names), no control characters, at most 65535 bytes.
 */

const MAX_NAME_BYTES = 0xffff;

/** The problem with a name that already uses forward slashes, as "<quoted name> <what is wrong>". */
function nameProblem(name: string, quoted: string): string | undefined {
  if (name === '') return 'the file name is empty';
  if (name.includes('\0')) return `${quoted} contains a NUL character`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0001-\u001f\u007f]/.test(name))
    return `${quoted} contains a control character (a line break or tab), which file names cannot have`;
  if (name.startsWith('/')) return `${quoted} is an absolute path; use a path relative to content-root`;
  if (/^[A-Za-z]:/.test(name)) return `${quoted} starts with a drive letter; use a path relative to content-root`;
  if (name.includes(':')) return `${quoted} contains ':', which Windows does not allow in file names`;
  const segments = name.split('/');
  if (segments.includes('..')) return `${quoted} contains a '..' segment, which would leave the zip's root`;
  if (segments.some((segment) => segment === '' || segment === '.'))
    return `${quoted} contains an empty or '.' path segment`;
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `${quoted} is longer than 65535 bytes`;
  return undefined;
}

/**
 * The zip entry name for a file name from a submission's JSON: backslashes become '/', leading
 * './' is dropped. Returns the problem instead for a name the rule above refuses.
 */
export function toZipName(fileName: string): { zipName: string } | { problem: string } {
  const quoted = JSON.stringify(fileName);
  if (fileName === '') return { problem: 'the file name is empty' };
  let name = fileName.replaceAll('\\', '/');
  while (name.startsWith('./')) name = name.slice(2);
  if (name === '' || name === '.') return { problem: `${quoted} names no file` };
  const problem = nameProblem(name, quoted);
  return problem ? { problem } : { zipName: name };
}

/** The problem with an entry name as it stands in a zip (no separators converted), or undefined. */
export function zipEntryNameProblem(name: string): string | undefined {
  const quoted = JSON.stringify(name);
  if (name.includes('\\')) return `${quoted} contains a backslash; zip paths use forward slashes`;
  return nameProblem(name, quoted);
}
