import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListingsError, loadListings, readListingsFolder } from '../../../src/listings/index.js';
import { png, sha12, tree } from './fixtures.js';

const made: string[] = [];
async function folder(files: Record<string, Buffer | string>): Promise<string> {
  const root = await tree(files);
  made.push(root);
  return root;
}
afterAll(async () => {
  for (const root of made) await rm(root, { recursive: true, force: true });
});

describe('reading text and list files', () => {
  test('every text file sets its field; BOM dropped, CRLF and CR become LF, surrounding white space trimmed', async () => {
    const root = await folder({
      'en-us/title.txt': '\uFEFFContoso Notes\r\n',
      'en-us/short-title.txt': 'Notes',
      'en-us/sort-title.txt': 'Notes, Contoso',
      'en-us/voice-title.txt': 'Contoso Notes',
      'en-us/dev-studio.txt': 'Contoso Ltd.',
      'en-us/short-description.txt': '  Take notes.  ',
      'en-us/description.txt': 'Line one.\r\nLine two.\rLine three.\n\n',
      'en-us/release-notes.txt': 'Bug fixes.',
      'en-us/copyright.txt': '(c) Contoso',
      'en-us/license-terms.txt': 'Terms.',
    });
    const { folder: read, problems, warnings } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    const texts = read.languages[0]?.texts;
    expect(Object.fromEntries(Object.entries(texts ?? {}).map(([field, text]) => [field, text.value]))).toEqual({
      title: 'Contoso Notes',
      shortTitle: 'Notes',
      sortTitle: 'Notes, Contoso',
      voiceTitle: 'Contoso Notes',
      devStudio: 'Contoso Ltd.',
      shortDescription: 'Take notes.',
      description: 'Line one.\nLine two.\nLine three.',
      releaseNotes: 'Bug fixes.',
      copyrightAndTrademarkInfo: '(c) Contoso',
      licenseTerms: 'Terms.',
    });
    expect(texts?.description?.file).toBe(path.join(root, 'en-us', 'description.txt'));
  });

  test.each([
    ['features.txt', 'features', 'Fast\r\n\r\n  Sync  \n\nOffline\n', ['Fast', 'Sync', 'Offline']],
    ['keywords.txt', 'keywords', '\uFEFFnotes\ncontoso\n', ['notes', 'contoso']],
    ['recommended-hardware.txt', 'recommendedHardware', 'A pen\n', ['A pen']],
    ['minimum-hardware.txt', 'minimumHardware', '\n\n', []],
  ] as const)('%s: one item per non-blank line, trimmed', async (file, field, content, items) => {
    const root = await folder({ [`de-de/${file}`]: content });
    const { folder: read, problems } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([]);
    expect(read.languages[0]?.lists[field]?.items).toEqual(items);
  });

  test('default/ is read apart from the languages; languages come in name order', async () => {
    const root = await folder({ 'default/copyright.txt': '(c)', 'fr-fr/title.txt': 'F', 'de-de/title.txt': 'D' });
    const { folder: read } = await readListingsFolder(root, 'app');
    expect(read.defaults?.texts.copyrightAndTrademarkInfo?.value).toBe('(c)');
    expect(read.languages.map((language) => language.language)).toEqual(['de-de', 'fr-fr']);
  });

  test('text that is not UTF-8 is a problem naming the file', async () => {
    const root = await folder({ 'en-us/description.txt': Buffer.from([0x43, 0x61, 0x66, 0xe9]) });
    const { problems } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([
      { file: path.join(root, 'en-us/description.txt'), message: 'is not UTF-8 text; save it as UTF-8' },
    ]);
  });

  test('unknown files are warnings; dot files and files beside the language folders are skipped', async () => {
    const root = await folder({
      'README.md': '#',
      'en-us/.gitkeep': '',
      'en-us/titel.txt': 'x',
      'en-us/title.txt': 'ok',
    });
    const { problems, warnings } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([]);
    expect(warnings.map((warning) => warning.file)).toEqual([path.join(root, 'en-us/titel.txt')]);
  });

  test('10,000 stray files give one warning that counts them and names the first few', async () => {
    const files: Record<string, string> = { 'en-us/title.txt': 'ok' };
    for (let i = 0; i < 10_000; i++) files[`en-us/stray-${String(i).padStart(5, '0')}.md`] = '';
    const root = await folder(files);
    const { problems, warnings } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.file).toBe(root);
    expect(warnings[0]?.message).toMatch(
      /^10,000 files and folders are ignored: en-us\/stray-00000\.md \(ignored: a listing folder holds .*\), en-us\/stray-00001\.md, en-us\/stray-00002\.md and 9,997 more$/,
    );
  });

  test('thousands of problems are one error that lists the first 20 and counts the rest', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2_000; i++) files[`en-us/images/Screenshot/shot-${String(i).padStart(4, '0')}.jpg`] = '';
    const root = await folder(files);
    const error = await loadListings(root, 'app').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ListingsError);
    const lines = (error as ListingsError).message.split('\n');
    expect(lines[0]).toContain('2,000 problems in the listings folder:');
    expect(lines.filter((line) => line.startsWith('- '))).toHaveLength(20);
    expect(lines.at(-1)).toBe('… and 1,980 more');
    expect((error as ListingsError).problems).toHaveLength(2_000);
  });

  test('a few stray files are each a warning, as before', async () => {
    const root = await folder({ 'en-us/a.md': '', 'en-us/b.md': '', 'en-us/images/Screenshot/sub/x.png': '' });
    const { warnings } = await readListingsFolder(root, 'app');
    expect(warnings.map((warning) => warning.file)).toEqual([
      path.join(root, 'en-us/a.md'),
      path.join(root, 'en-us/b.md'),
      path.join(root, 'en-us/images/Screenshot/sub'),
    ]);
  });

  test.each([
    ['en-US', 'language folders are lower case: rename it to en-us'],
    ['english', 'is not a language code such as en-us or de-de (or default)'],
  ])('a folder named %s is a problem', async (name, message) => {
    const root = await folder({ [`${name}/title.txt`]: 'x' });
    const { problems, folder: read } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([{ file: path.join(root, name), message }]);
    expect(read.languages).toEqual([]);
  });
});

describe('reading images', () => {
  test('images of a type come in file-name order with their descriptions, content hashes and zip names', async () => {
    const root = await folder({
      'en-us/images/Screenshot/10-sync.png': png('sync'),
      'en-us/images/Screenshot/01-library.png': png('library'),
      'en-us/images/Screenshot/01-library.txt': 'The library\r\n',
      'en-us/images/Screenshot/02-editor.png': png('editor'),
      'en-us/images/StoreLogoSquare/logo.png': png('logo', 300, 300),
    });
    const { folder: read, problems } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([]);
    const images = read.languages[0]?.images;
    expect([...(images?.keys() ?? [])]).toEqual(['Screenshot', 'StoreLogoSquare']);
    const screenshots = images?.get('Screenshot') ?? [];
    expect(screenshots.map((image) => [image.name, image.description?.value, image.zipName])).toEqual([
      ['01-library.png', 'The library', `listings/en-us/Screenshot/01-library.${sha12(png('library'))}.png`],
      ['02-editor.png', undefined, `listings/en-us/Screenshot/02-editor.${sha12(png('editor'))}.png`],
      ['10-sync.png', undefined, `listings/en-us/Screenshot/10-sync.${sha12(png('sync'))}.png`],
    ]);
    expect(screenshots[0]).toMatchObject({
      width: 1366,
      height: 768,
      size: png('library').length,
      path: path.join(root, 'en-us/images/Screenshot/01-library.png'),
    });
  });

  test('an empty type folder is read as a type with no images (it removes them all)', async () => {
    const root = await folder({ 'en-us/images/Screenshot/.gitkeep': '' });
    const { folder: read } = await readListingsFolder(root, 'app');
    expect(read.languages[0]?.images.get('Screenshot')).toEqual([]);
  });

  test('every image problem is reported, each with its file', async () => {
    const root = await folder({
      'en-us/images/Screenshot/01-jpeg-named-png.png': Buffer.from([
        0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0,
      ]),
      'en-us/images/Screenshot/02-photo.jpg': png('really png'),
      'en-us/images/Screenshot/03-empty.png': '',
      'en-us/images/Screenshot/04-alone.txt': 'describes nothing',
      'en-us/images/screenshot/05.png': png('case'),
      'en-us/images/Banner/06.png': png('banner'),
      'de-de/images/Screenshot/07-ok.png': png('ok'),
    });
    const { problems, folder: read } = await readListingsFolder(root, 'app');
    const at = (relative: string): string => path.join(root, relative);
    expect(problems).toEqual([
      {
        file: at('en-us/images/Banner'),
        message: expect.stringMatching(/^is not an image type; use one of Screenshot, /),
      },
      {
        file: at('en-us/images/Screenshot/01-jpeg-named-png.png'),
        message: expect.stringContaining('is not a PNG image'),
      },
      { file: at('en-us/images/Screenshot/02-photo.jpg'), message: expect.stringContaining('is not a .png file') },
      { file: at('en-us/images/Screenshot/03-empty.png'), message: expect.stringContaining('is not a PNG image') },
      {
        file: at('en-us/images/Screenshot/04-alone.txt'),
        message: 'describes no image: name it after its image (04-alone.png)',
      },
      { file: at('en-us/images/screenshot'), message: 'image type names are case-sensitive: rename it to Screenshot' },
    ]);
    expect(read.languages.find((language) => language.language === 'de-de')?.images.get('Screenshot')?.length).toBe(1);
  });

  test('add-on folders: title, description and a 300x300 icon; other sizes and files reported', async () => {
    const good = await folder({
      'en/title.txt': 'Pro',
      'en/description.txt': 'Unlock.',
      'en/icon.png': png('icon', 300, 300),
    });
    const read = await readListingsFolder(good, 'add-on');
    expect(read.problems).toEqual([]);
    expect(read.folder.languages[0]).toMatchObject({
      texts: { title: { value: 'Pro' }, description: { value: 'Unlock.' } },
      icon: { zipName: `listings/en/icon.${sha12(png('icon', 300, 300))}.png`, width: 300, height: 300 },
    });
    const bad = await folder({ 'en/icon.png': png('icon', 64, 64), 'en/keywords.txt': 'x' });
    const badRead = await readListingsFolder(bad, 'add-on');
    expect(badRead.problems).toEqual([
      { file: path.join(bad, 'en/icon.png'), message: 'is 64x64 pixels; an add-on icon must be exactly 300x300' },
    ]);
    expect(badRead.warnings.map((warning) => warning.file)).toEqual([path.join(bad, 'en/keywords.txt')]);
  });
});

describe('files are read only inside the folder', () => {
  test('symlinks leading outside are refused, symlinks inside are followed', async () => {
    const outside = await folder({ 'secret.txt': 'token', 'shots/01.png': png('outside') });
    const root = await folder({ '.shared/description.txt': 'Shared text', 'en-us/title.txt': 'T' });
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'en-us/description.txt'));
    await mkdir(path.join(root, 'en-us/images'), { recursive: true });
    await symlink(path.join(outside, 'shots'), path.join(root, 'en-us/images/Screenshot'));
    await mkdir(path.join(root, 'de-de'));
    await symlink(path.join(root, '.shared/description.txt'), path.join(root, 'de-de/description.txt'));

    const { folder: read, problems } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([
      {
        file: path.join(root, 'en-us/description.txt'),
        message: expect.stringContaining('outside the listings folder'),
      },
      {
        file: path.join(root, 'en-us/images/Screenshot'),
        message: expect.stringContaining('outside the listings folder'),
      },
    ]);
    expect(read.languages.find((language) => language.language === 'en-us')?.texts.description).toBeUndefined();
    expect(read.languages.find((language) => language.language === 'de-de')?.texts.description?.value).toBe(
      'Shared text',
    );
  });

  test('a broken link is a problem, not a crash', async () => {
    const root = await folder({ 'en-us/title.txt': 'T' });
    await symlink(path.join(root, 'nowhere.txt'), path.join(root, 'en-us/description.txt'));
    const { problems } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([
      { file: path.join(root, 'en-us/description.txt'), message: expect.stringContaining('is it a broken link?') },
    ]);
  });

  test('the folder itself must lie inside `within`', async () => {
    const workspace = await folder({ 'README.md': '' });
    const elsewhere = await folder({ 'en-us/title.txt': 'T' });
    await symlink(elsewhere, path.join(workspace, 'listings'));
    await expect(readListingsFolder(path.join(workspace, 'listings'), 'app', { within: workspace })).rejects.toThrow(
      /outside .*keep the listings folder inside the workspace/,
    );
    await expect(loadListings(path.join(workspace, 'listings'), 'app', { within: workspace })).rejects.toBeInstanceOf(
      ListingsError,
    );
    await mkdir(path.join(workspace, 'store/en-us'), { recursive: true });
    await writeFile(path.join(workspace, 'store/en-us/title.txt'), 'T');
    await expect(loadListings(path.join(workspace, 'store'), 'app', { within: workspace })).resolves.toMatchObject({
      warnings: [],
    });
  });

  test('the folder may be `within` itself', async () => {
    const workspace = await folder({ 'en-us/title.txt': 'T' });
    const { problems } = await readListingsFolder(workspace, 'app', { within: workspace });
    expect(problems).toEqual([]);
  });

  test('a link back to the folder itself is a problem', async () => {
    const root = await folder({ 'en-us/title.txt': 'T' });
    await symlink(root, path.join(root, 'de-de'));
    const { folder: read, problems } = await readListingsFolder(root, 'app');
    expect(problems).toEqual([
      { file: path.join(root, 'de-de'), message: expect.stringContaining('is a link to the listings folder') },
    ]);
    expect(read.languages.map((language) => language.language)).toEqual(['en-us']);
  });

  test('a missing folder is a listings input error', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-listings-folder-for-tests');
    const error = await loadListings(missing, 'app').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ListingsError);
    expect((error as ListingsError).input).toBe('listings');
    expect((error as ListingsError).message).toContain(`${missing}: cannot be read`);
  });
});

describe('loadListings', () => {
  test('reports reading problems and limit problems together, every one with its file', async () => {
    const root = await folder({
      'en-us/description.txt': 'd'.repeat(10_001),
      'en-us/keywords.txt': 'a\nb\nc\nd\ne\nf\ng\nh\n',
      'en-us/images/Screenshot/01.png': 'not a png',
      'default/release-notes.txt': 'r'.repeat(1_501),
    });
    const error = (await loadListings(root, 'app').catch((caught: unknown) => caught)) as ListingsError;
    expect(error).toBeInstanceOf(ListingsError);
    expect(error.problems.map((problem) => path.relative(root, problem.file))).toEqual([
      'en-us/images/Screenshot/01.png',
      'default/release-notes.txt',
      'en-us/description.txt',
      'en-us/keywords.txt',
    ]);
    expect(error.message).toMatch(/^Input 'listings': 4 problems in the listings folder:\n- /);
  });
});
