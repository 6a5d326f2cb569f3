/**
 * Files are read only where the user pointed: package globs stay in the workspace (or the folder
 * an absolute pattern names), files named in the submission stay in content-root, symbolic links
 * followed; a ready-made zip's entries follow the rules of the zips the action builds. And the
 * package errors a new user hits first say what is wrong: two packages with one file name (both
 * paths), an empty package, a Windows path separator.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkReadyZip, filesToUpload, findPackages, globPatternCount } from '../../../src/commands/files.js';
import type { JsonObject } from '../../../src/json.js';
import { KINDS } from '../../../src/store/kinds.js';
import { makeZip } from '../../../test/emulator/zip.js';
import { inputErrorOf } from '../../../test/support/input-error.js';

let top: string;
let workspace: string;
let outside: string;

async function put(file: string, content: string | Buffer = 'x'.repeat(100)): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

beforeAll(async () => {
  top = await mkdtemp(path.join(os.tmpdir(), 'store-submit-files-'));
  workspace = path.join(top, 'workspace');
  outside = path.join(top, 'outside');
  await put(path.join(outside, 'secrets.png'), 'runner secrets');
  await put(path.join(outside, 'Stolen_x64.msixupload'));
  await put(path.join(outside, 'builds', 'Far_x64.msixupload'));
  await put(path.join(workspace, 'out', 'App_1.0.0.0_x64.msixupload'));
  await put(path.join(workspace, 'assets', 'en-us', 'shot.png'));
  await put(path.join(workspace, 'phone', 'Old_1.0.0.0.xap'));
  await put(path.join(workspace, 'twins', 'x64', 'App.msixupload'));
  await put(path.join(workspace, 'twins', 'arm64', 'app.msixupload'), 'y'.repeat(100));
  // One artifact downloaded twice: the same name and the same bytes in two folders.
  await put(path.join(workspace, 'copies', 'drop', 'App_1.0.0.0_x64.msixupload'), 'same build');
  await put(path.join(workspace, 'copies', 'drop (1)', 'App_1.0.0.0_x64.msixupload'), 'same build');
  await put(path.join(workspace, 'empty', 'App_x64.msixupload'), '');
  await put(path.join(workspace, 'unzipped', 'out\\App_x64.msixupload'));
  // Links: one leaving the workspace, one staying inside it, one folder leaving content-root.
  await mkdir(path.join(workspace, 'linked'), { recursive: true });
  await symlink(path.join(outside, 'Stolen_x64.msixupload'), path.join(workspace, 'linked', 'Stolen_x64.msixupload'));
  await mkdir(path.join(workspace, 'inside-link'), { recursive: true });
  await symlink(
    path.join(workspace, 'out', 'App_1.0.0.0_x64.msixupload'),
    path.join(workspace, 'inside-link', 'Latest_x64.msixupload'),
  );
  await symlink(path.join(outside, 'secrets.png'), path.join(workspace, 'assets', 'en-us', 'linked.png'));
  await symlink(outside, path.join(workspace, 'assets', 'elsewhere'));
});

afterAll(async () => {
  await rm(top, { recursive: true, force: true });
});

describe('findPackages', () => {
  test('finds packages in the workspace, a link inside the workspace included', async () => {
    const found = await findPackages(['out/*.msixupload', 'inside-link/*.msixupload'], workspace);
    expect(found.map((f) => f.name)).toEqual(['App_1.0.0.0_x64.msixupload', 'Latest_x64.msixupload']);
    expect(found.every((f) => f.size === 100)).toBe(true);
  });

  test.each([
    ['a file', 'out\\App_1.0.0.0_x64.msixupload'],
    ['a wildcard', 'out\\*.msixupload'],
  ])("'\\' separates folders in a pattern on every runner, as on Windows (%s)", async (_what, pattern) => {
    const found = await findPackages([pattern], workspace);
    expect(found.map((f) => f.name)).toEqual(['App_1.0.0.0_x64.msixupload']);
  });

  test("a '!' pattern leaves out what it matches, whatever its place in the list", async () => {
    const found = await findPackages(['!twins/arm64/**', 'out/*.msixupload', 'twins/**/*.msixupload'], workspace);
    expect(found.map((f) => path.relative(workspace, f.path))).toEqual([
      'out/App_1.0.0.0_x64.msixupload',
      'twins/x64/App.msixupload',
    ]);
  });

  test('an absolute pattern outside the workspace reads the folder it names', async () => {
    const found = await findPackages([path.join(outside, 'builds', '*.msixupload')], workspace);
    expect(found.map((f) => f.name)).toEqual(['Far_x64.msixupload']);
  });

  test.each<[string, string[], RegExp]>([
    [
      'a link whose real path leaves the workspace',
      ['linked/*.msixupload'],
      /matches linked\/Stolen_x64\.msixupload, a symbolic link to .*outside\/Stolen_x64\.msixupload, outside the workspace/,
    ],
    ['a ** pattern that finds the same link', ['**/Stolen*.msixupload'], /a symbolic link to .*outside the workspace/],
    [
      'two packages with one file name from different folders: both paths',
      ['twins/**/*.msixupload'],
      /twins\/arm64\/app\.msixupload and twins\/x64\/App\.msixupload have the same file name/,
    ],
    [
      'two copies of one file (same name, same bytes): called copies, with the glob to fix',
      ['copies/**/*.msixupload'],
      /copies\/drop \(1\)\/App_1\.0\.0\.0_x64\.msixupload and copies\/drop\/App_1\.0\.0\.0_x64\.msixupload are copies of one file \(the same name and the same bytes\).*match one copy/,
    ],
    ['an empty package', ['empty/*.msixupload'], /empty\/App_x64\.msixupload is empty \(0 bytes\)/],
    [
      'a file whose name holds a backslash',
      ['unzipped/*.msixupload'],
      /whose file name contains '\\', a Windows path separator/,
    ],
    ['a pattern that matches nothing', ['build/*.msixupload'], /matches no file under/],
    [
      "a pattern whose every match a '!' pattern leaves out",
      ['out/*.msixupload', '!out/App_*'],
      /'out\/\*\.msixupload' matches no file under .* once the '!' patterns have left theirs out/,
    ],
  ])('%s', async (_what, patterns, message) => {
    const error = await inputErrorOf(() => findPackages(patterns, workspace));
    expect(error.input).toBe('packages');
    expect(error.message).toMatch(message);
    expect(error.message.match(/Input 'packages'/g)).toHaveLength(1);
  });
});

const image = (fileName: string): JsonObject => ({
  listings: {
    'en-us': { baseListing: { images: [{ fileName, fileStatus: 'PendingUpload', imageType: 'Screenshot' }] } },
  },
});

describe('filesToUpload: files named in the submission stay in content-root', () => {
  const contentRoot = () => path.join(workspace, 'assets');

  test('a file under content-root is found', () => {
    const files = filesToUpload(KINDS.app, image('en-us/shot.png'), [], contentRoot());
    expect(files).toEqual([{ name: 'en-us/shot.png', path: path.join(contentRoot(), 'en-us', 'shot.png'), size: 100 }]);
  });

  test("a package entry named with a folder is this run's package file of that name, zipped under the entry's name", async () => {
    const [found] = await findPackages(['out/*.msixupload'], workspace);
    const submission = {
      applicationPackages: [{ fileName: 'x64\\app_1.0.0.0_x64.msixupload', fileStatus: 'PendingUpload' }],
    };
    const files = filesToUpload(KINDS.app, submission, found ? [found] : [], contentRoot());
    expect(files).toEqual([
      {
        name: 'x64/app_1.0.0.0_x64.msixupload',
        path: path.join(workspace, 'out', 'App_1.0.0.0_x64.msixupload'),
        size: 100,
      },
    ]);
  });

  test('a .xap is a package the input takes', async () => {
    const found = await findPackages(['phone/*.xap'], workspace);
    expect(found.map((f) => f.name)).toEqual(['Old_1.0.0.0.xap']);
  });

  test.each<[string, string]>([
    ['a file that is a link to a file outside', 'en-us/linked.png'],
    ['a file under a folder that is a link to outside', 'elsewhere/secrets.png'],
  ])('%s is refused', async (_what, fileName) => {
    const error = await inputErrorOf(() => filesToUpload(KINDS.app, image(fileName), [], contentRoot()));
    expect(error.input).toBe('submission-json');
    expect(error.message).toMatch(/is a symbolic link to .*outside\/secrets\.png, outside content-root/);
  });
});

describe('checkReadyZip: entries are judged by the rules of the zips the action builds', () => {
  const zip = async (name: string, entries: string[]) => {
    const file = path.join(top, 'zips', name);
    await put(file, makeZip(entries.map((entry) => ({ name: entry, data: entry.endsWith('/') ? '' : 'data' }))));
    return file;
  };

  test('a zip with folders and the pending files passes', async () => {
    const file = await zip('good.zip', ['en-us/', 'en-us/shot.png', 'App_x64.msixupload']);
    await expect(checkReadyZip(KINDS.app, image('en-us/shot.png'), file)).resolves.toBeUndefined();
  });

  test.each<[string, string[], RegExp]>([
    [
      'an entry climbing out of the zip',
      ['../evil.txt', 'en-us/shot.png'],
      /"\.\.\/evil\.txt" contains a '\.\.' segment/,
    ],
    ['an absolute entry', ['/etc/evil', 'en-us/shot.png'], /"\/etc\/evil" is an absolute path/],
    ['a drive letter', ['C:/evil.txt', 'en-us/shot.png'], /starts with a drive letter/],
    [
      'a backslash separator',
      ['en-us\\shot.png', 'en-us/shot.png'],
      /contains a backslash; zip paths use forward slashes/,
    ],
    [
      'two entries differing only in case',
      ['en-us/Shot.png', 'en-us/shot.png'],
      /"en-us\/Shot\.png" and "en-us\/shot\.png" name the same file/,
    ],
    ['a line break in a name', ['a\nb.png', 'en-us/shot.png'], /control character/],
  ])('%s is refused before anything is created', async (what, entries, message) => {
    const file = await zip(`${what.replace(/\W+/g, '-')}.zip`, entries);
    const error = await inputErrorOf(() => checkReadyZip(KINDS.app, image('en-us/shot.png'), file));
    expect(error.input).toBe('zip-path');
    expect(error.message).toMatch(message);
  });

  test('many bad entries are counted, the first few listed', async () => {
    const file = await zip(
      'many.zip',
      Array.from({ length: 8 }, (_, i) => `../evil${i}.txt`),
    );
    const error = await inputErrorOf(() => checkReadyZip(KINDS.app, {}, file));
    expect(error.message).toContain('has 8 entries the Store cannot take');
    expect(error.message).toContain('(and 3 more)');
  });
});

describe('a package glob costs no more than its braces allow', () => {
  test.each([
    ['no braces', 'out/*.msixupload', 1],
    ['a list', 'out/{x64,arm64}/*.msix', 2],
    ['two lists multiply', 'out/{a,b,c}/{x64,arm64}.msix', 6],
    ['a list in a list', 'out/{a,{b,c}}.msix', 3],
    ['an empty alternative', 'out/App{,_test}.msix', 2],
    ['a numeric range', 'out/{1..10}.msix', 10],
    ['a range with a step', 'out/{1..10..3}.msix', 4],
    ['a letter range', 'out/{a..e}.msix', 5],
    ['a brace without a comma is literal', 'out/{a}.msix', 1],
    ['an unmatched brace is literal', 'out/a{b/{c,d}.msix', 2],
    ['the issue: a range of two million', 'out/{1..2000000}.msixupload', 2_000_000],
    ['the issue: {a,b} 22 times', `out/${'{a,b}'.repeat(22)}`, 2 ** 22],
  ])('%s: %s expands to %d', (_what, pattern, count) => {
    expect(globPatternCount(pattern)).toBe(count);
  });

  test('nesting past what any glob needs counts as too many', () => {
    expect(globPatternCount(`${'{a,'.repeat(5000)}b${'}'.repeat(5000)}`)).toBe(Infinity);
  });

  test.each([
    ['out/{1..2000000}.msixupload', /'out\/\{1\.\.2000000\}\.msixupload' expands to 2,000,000 patterns/],
    [`out/${'{a,b}'.repeat(22)}`, /expands to 4,194,304 patterns/],
  ])('%s is refused before the glob runs, naming the input and the pattern', async (pattern, message) => {
    const error = await inputErrorOf(() => findPackages([pattern], workspace));
    expect(error.input).toBe('packages');
    expect(error.message).toMatch(message);
    expect(error.message).toContain('at most 1,000');
  });

  test("an exclusion ('!') is bounded the same way", async () => {
    const error = await inputErrorOf(() =>
      findPackages(['out/*.msixupload', '!out/{1..100000}.msixupload'], workspace),
    );
    expect(error.input).toBe('packages');
    expect(error.message).toContain("'!out/{1..100000}.msixupload' expands to 100,000 patterns");
  });

  test('a glob within the bound still finds its files', async () => {
    const found = await findPackages(['out/{App,Other}_1.0.0.0_{x64,arm64}.msixupload'], workspace);
    expect(found.map((f) => f.name)).toEqual(['App_1.0.0.0_x64.msixupload']);
  });
});
