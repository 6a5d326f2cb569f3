/** Where a path lies: the one check behind "files are read only where the user pointed" (docs/contract.md). */
import { realpathSync } from 'node:fs';
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

/** The real path of an existing file or folder (every symbolic link resolved); `file` itself when it cannot be resolved. */
export function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Where the absolute path `file` really lies (realPath) and whether that is inside the real path of
 * the folder `within`: the rule for every file an input names, so a link or a `..` cannot lead out.
 */
export function realPlace(file: string, within: string): { real: string; inside: boolean } {
  const real = realPath(file);
  return { real, inside: isInside(real, { within: realPath(within) }) };
}
