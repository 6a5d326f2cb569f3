/** Where a path lies: the one check behind "files are read only where the user pointed" (docs/contract.md). */
import path from 'node:path';

/**
 * Whether the absolute path `child` is the folder `within` or lies inside it, by the paths'
 * text: resolve symbolic links first (realpath) to judge where a file really is. `..` segments
 * are resolved, so `/w/../a` is not inside `/w`, while a name that merely starts with `..`
 * (`/w/..a`) is. `paths` gives the path rules, this platform's by default; `path.win32` judges
 * Windows paths (either separator; another drive is outside).
 */
export function isInside(child: string, where: { within: string; paths?: path.PlatformPath }): boolean {
  const paths = where.paths ?? path;
  const relative = paths.relative(where.within, child);
  if (relative === '') return true;
  const [first] = relative.split(paths.sep);
  return first !== '..' && !paths.isAbsolute(relative);
}
