import { InputError } from '../../../src/errors.js';
import { parseInstallers, toPackages, typeFromUrl } from '../../../src/installers/installers.js';
import { secrets } from '../../../src/redact.js';

const MSI = 'https://github.com/contoso/app/releases/download/v2.1.0/Contoso-2.1.0-x64.msi';
const EXE = 'https://github.com/contoso/app/releases/download/v2.1.0/Contoso-2.1.0-arm64.exe';

async function problem(text: string): Promise<string> {
  try {
    await parseInstallers(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('installers');
    return (error as InputError).problem;
  }
  throw new Error('parsed without an error');
}

describe('parseInstallers: valid lists', () => {
  test('the contract example: an msi defaults to silent, an exe with parameters is not silent', async () => {
    const list = await parseInstallers(`
- url: ${MSI}
  architecture: x64
  languages: [en-us, de-de]
- url: ${EXE}
  architecture: arm64
  languages: [en-us]
  installer-parameters: /S
  doc-url: https://contoso.com/docs/errors
`);
    expect(list).toEqual([
      { url: MSI, architecture: 'x64', languages: ['en-us', 'de-de'], type: 'msi', silent: true, line: 2, index: 1 },
      {
        url: EXE,
        architecture: 'arm64',
        languages: ['en-us'],
        type: 'exe',
        silent: false,
        installerParameters: '/S',
        docUrl: 'https://contoso.com/docs/errors',
        line: 5,
        index: 2,
      },
    ]);
    expect(toPackages(list)).toEqual([
      {
        packageUrl: MSI,
        languages: ['en-us', 'de-de'],
        architectures: ['X64'],
        isSilentInstall: true,
        packageType: 'msi',
      },
      {
        packageUrl: EXE,
        languages: ['en-us'],
        architectures: ['Arm64'],
        isSilentInstall: false,
        installerParameters: '/S',
        genericDocUrl: 'https://contoso.com/docs/errors',
        packageType: 'exe',
      },
    ]);
  });

  test('JSON is accepted; case is normalised; a comma-separated language text is a list; duplicates fold', async () => {
    const list = await parseInstallers(
      JSON.stringify([
        {
          url: 'https://cdn.contoso.com/get?id=7',
          type: 'EXE',
          architecture: 'X86',
          languages: 'en-US, fr-fr, en-us',
          silent: true,
          'doc-url': 'https://contoso.com/e',
        },
      ]),
    );
    expect(list[0]).toMatchObject({
      type: 'exe',
      architecture: 'x86',
      languages: ['en-us', 'fr-fr'],
      silent: true,
      line: 1,
    });
    expect(toPackages(list)[0]).toEqual({
      packageUrl: 'https://cdn.contoso.com/get?id=7',
      languages: ['en-us', 'fr-fr'],
      architectures: ['X86'],
      isSilentInstall: true,
      genericDocUrl: 'https://contoso.com/e',
      packageType: 'exe',
    });
  });

  test.each([
    ['neutral', 'Neutral'],
    ['arm', 'Arm'],
    ['x64', 'X64'],
  ])('architecture %s is sent as %s', async (given, sent) => {
    const [pkg] = toPackages(await parseInstallers(`- {url: "${MSI}", architecture: ${given}, languages: [en-us]}`));
    expect(pkg?.architectures).toEqual([sent]);
  });

  test('an msi that is not silent carries its parameters', async () => {
    const [pkg] = toPackages(
      await parseInstallers(
        `- {url: "${MSI}", architecture: x64, languages: [en-us], silent: false, installer-parameters: "/qn ALLUSERS=1"}`,
      ),
    );
    expect(pkg).toMatchObject({ isSilentInstall: false, installerParameters: '/qn ALLUSERS=1', packageType: 'msi' });
  });
});

describe('parseInstallers: refused input names the item, the line and the fix', () => {
  test.each<[string, string, RegExp]>([
    ['empty', '  \n', /is empty/],
    ['empty list', '[]', /empty list/],
    ['not a list', `url: ${MSI}\narchitecture: x64`, /must be a list.*single mapping: start each item with "- "/s],
    ['bad YAML', `- url: ${MSI}\n  architecture: [x64\n`, /not valid YAML or JSON at line \d+, column \d+/],
    ['bad JSON', '[{"url": "x",}', /not valid YAML or JSON at line 1/],
    [
      'duplicate key',
      `- url: ${MSI}\n  url: ${MSI}\n  architecture: x64\n  languages: [en-us]`,
      /not valid YAML or JSON at line 2/,
    ],
    ['item not a mapping', `- ${MSI}`, /item 1 \(line 1\) must be a mapping/],
    [
      'unknown key',
      `- url: ${MSI}\n  architecture: x64\n  languages: [en-us]\n  arch: x64`,
      /item 1 \(line 1\) https:\/\/github\.com\/\S+-x64\.msi: unknown key 'arch' on line 4/,
    ],
    [
      'near key',
      `- url: ${MSI}\n  architecture: x64\n  languages: [en-us]\n  installer_parameters: /S`,
      /did you mean 'installer-parameters'/,
    ],
    ['no url', '- architecture: x64\n  languages: [en-us]', /item 1 \(line 1\) has no 'url'/],
    [
      'http url',
      `- url: http://contoso.com/a.msi\n  architecture: x64\n  languages: [en-us]`,
      /'url' 'http:\/\/contoso.com\/a.msi' is not https/,
    ],
    ['not a url', `- url: contoso.msi\n  architecture: x64\n  languages: [en-us]`, /is not a URL/],
    [
      'credentials in url',
      `- url: https://u:p@contoso.com/a.msi\n  architecture: x64\n  languages: [en-us]`,
      /user name or password/,
    ],
    [
      'url twice',
      `- {url: "${MSI}", architecture: x64, languages: [en-us]}\n- {url: "${MSI}", architecture: x86, languages: [en-us]}`,
      /item 2 \(line 2\) https:\/\/github\.com\/\S+-x64\.msi: the url is already listed as item 1/,
    ],
    [
      'no architecture',
      `- url: ${MSI}\n  languages: [en-us]`,
      /has no 'architecture'; use one of x86, x64, arm, arm64, neutral/,
    ],
    ['bad architecture', `- url: ${MSI}\n  architecture: amd64\n  languages: [en-us]`, /'architecture' is 'amd64'/],
    [
      'architecture list',
      `- url: ${MSI}\n  architecture: [x64]\n  languages: [en-us]`,
      /'architecture' on line 2 must be a non-empty text/,
    ],
    ['no languages', `- url: ${MSI}\n  architecture: x64`, /has no 'languages'/],
    [
      'bad language',
      `- url: ${MSI}\n  architecture: x64\n  languages: [english]`,
      /'english' in 'languages' on line 3 is not a language tag/,
    ],
    ['empty languages', `- url: ${MSI}\n  architecture: x64\n  languages: []`, /'languages' on line 3 is empty/],
    ['languages a number', `- url: ${MSI}\n  architecture: x64\n  languages: 7`, /must be a list of language tags/],
    [
      'bad type',
      `- url: ${MSI}\n  architecture: x64\n  languages: [en-us]\n  type: msix`,
      /'type' is 'msix'; use msi or exe/,
    ],
    [
      'type contradicts extension',
      `- url: ${MSI}\n  architecture: x64\n  languages: [en-us]\n  type: exe`,
      /'type' is exe but the url names a .msi file/,
    ],
    [
      'no type, no extension',
      `- url: https://contoso.com/download?id=1\n  architecture: x64\n  languages: [en-us]`,
      /set 'type: msi' or 'type: exe'/,
    ],
    [
      'exe without parameters',
      `- url: ${EXE}\n  architecture: arm64\n  languages: [en-us]\n  doc-url: https://c.com/d`,
      /an exe needs 'installer-parameters'/,
    ],
    [
      'msi silent false without parameters',
      `- url: ${MSI}\n  architecture: x64\n  languages: [en-us]\n  silent: false`,
      /'silent: false' needs 'installer-parameters'/,
    ],
    [
      'silent not a boolean',
      `- url: ${MSI}\n  architecture: x64\n  languages: [en-us]\n  silent: "yes"`,
      /'silent' on line 4 must be true or false/,
    ],
    [
      'silent yes is YAML 1.2 text',
      `- url: ${MSI}\n  architecture: x64\n  languages: [en-us]\n  silent: yes`,
      /'silent' on line 4 must be true or false/,
    ],
    [
      'exe without doc-url',
      `- url: ${EXE}\n  architecture: arm64\n  languages: [en-us]\n  installer-parameters: /S`,
      /an exe needs 'doc-url'/,
    ],
    [
      'http doc-url',
      `- url: ${EXE}\n  architecture: arm64\n  languages: [en-us]\n  silent: true\n  doc-url: http://c.com/d`,
      /'doc-url' 'http:\/\/c.com\/d' is not https/,
    ],
    [
      'empty parameters',
      `- url: ${EXE}\n  architecture: arm64\n  languages: [en-us]\n  installer-parameters: "  "\n  doc-url: https://c.com/d`,
      /'installer-parameters' on line 4 must be a non-empty text/,
    ],
    [
      'second item line',
      `- {url: "${MSI}", architecture: x64, languages: [en-us]}\n\n- url: ${EXE}\n  architecture: x64\n  languages: [en-us]`,
      /item 2 \(line 3\)/,
    ],
  ])('%s', async (_name, text, expected) => {
    expect(await problem(text)).toMatch(expected);
  });
});

describe('parseInstallers: every refusal of an item with a url names the url, without its query', () => {
  const SIGNED = 'https://dl.contoso.com/v2/Contoso-2.1.0-x64.msi';
  const QUERY = 'X-Amz-Signature=PARSESIG0123456789&token=PARSETOKEN0123456789';
  test.each<[string, string]>([
    ['type contradicts extension', '  type: exe\n  silent: true\n  doc-url: https://c.com/d'],
    ['unknown key', '  arch: x64'],
    ['silent false without parameters', '  silent: false'],
    ['bad type', '  type: zip'],
    ['silent not a boolean', '  silent: "yes"'],
    ['installer-parameters a list', '  installer-parameters: [x]'],
  ])('%s', async (_name, extra) => {
    const text = `- url: ${SIGNED}?${QUERY}\n  architecture: x64\n  languages: [en-us]\n${extra}\n`;
    const found = await problem(text);
    expect(found).toContain(`item 1 (line 1) ${SIGNED}?…: `);
    expect(found).not.toMatch(/PARSESIG|PARSETOKEN/);
  });

  test.each<[string, string]>([
    ['no architecture', `- url: ${SIGNED}?${QUERY}\n  languages: [en-us]`],
    ['no languages', `- url: ${SIGNED}?${QUERY}\n  architecture: x64`],
  ])('%s', async (_name, text) => {
    expect(await problem(text)).toContain(`item 1 (line 1) ${SIGNED}?…`);
  });

  test.each([
    [
      'the typo https//',
      'https//dl.contoso.com/app.msi?token=TYPOTOKEN0123456789',
      /'https\/\/dl\.contoso\.com\/app\.msi\?…' is not a URL/,
    ],
    [
      'an http url',
      'http://dl.contoso.com/app.msi?X-Amz-Signature=HTTPSIG0123456789',
      /'http:\/\/dl\.contoso\.com\/app\.msi\?…' is not https/,
    ],
  ])('%s: the query is neither printed nor left unmasked', async (_name, url, expected) => {
    const found = await problem(`- url: ${url}\n  architecture: x64\n  languages: [en-us]\n`);
    expect(found).toMatch(expected);
    const query = url.slice(url.indexOf('?') + 1);
    expect(found).not.toContain(query.split('=')[1]);
    // Registered as a secret when the input is parsed, so an echo anywhere else is masked too.
    expect(secrets.redact(`echo ${url}`)).not.toContain(query);
  });
});

describe('parseInstallers: an MSIX package is sent to the MSIX API', () => {
  test.each(['msix', 'msixbundle', 'appx', 'appxbundle', 'msixupload', 'appxupload', 'MSIX'])('.%s', async (ext) => {
    const url = `https://h/App_1.0.0.0_x64.${ext}`;
    for (const extra of ['', '  type: msi\n']) {
      const found = await problem(`- url: ${url}\n  architecture: x64\n  languages: [en-us]\n${extra}`);
      expect(found).toContain(`item 1 (line 1) ${url}: the url names a .${ext.toLowerCase()} file`);
      expect(found).toMatch(/12-character Store ID .* with 'packages'/);
      expect(found).not.toContain("set 'type:");
    }
  });
});

describe('typeFromUrl', () => {
  test.each([
    ['https://a.com/x/App.MSI', 'msi'],
    ['https://a.com/x/setup.exe?token=1', 'exe'],
    ['https://a.com/x/setup%2Eexe', 'exe'],
    ['https://a.com/x/app.msix', undefined],
    ['https://a.com/download', undefined],
    ['not a url', undefined],
  ])('%s -> %s', async (url, type) => {
    expect(typeFromUrl(url)).toBe(type);
  });
});

describe('parseInstallers: YAML aliases are refused as such, never expanded', () => {
  test.each([
    ['the whole input an alias', '*installers', /line 1 uses the alias \*installers: aliases/],
    [
      'an item that repeats an earlier one',
      `- &x64 {url: "${MSI}", architecture: x64, languages: [en-us]}\n- *x64`,
      /line 2 uses the alias \*x64: aliases/,
    ],
    [
      'a list of languages shared by two items',
      `- url: ${MSI}\n  architecture: x64\n  languages: &langs [en-us]\n- url: ${EXE}\n  architecture: arm64\n  languages: *langs\n  installer-parameters: /S\n  doc-url: https://contoso.com/docs/errors`,
      /line 6 uses the alias \*langs: aliases/,
    ],
  ])('%s', async (_what, text, expected) => {
    const said = await problem(text);
    expect(said).toMatch(expected);
    expect(said).toContain('are not supported; write each item out in full');
  });

  test('an alias bomb is refused at once, without expanding it', async () => {
    const levels = Array.from(
      { length: 30 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`,
    );
    // Read as JSON, the last list would hold 10^30 copies of the first item's languages.
    const bomb = `- {url: "${MSI}", architecture: x64, languages: &l0 [en-us]}\n- {url: "${EXE}", architecture: x64, languages: {${levels.join(', ')}}}`;
    expect(await problem(bomb)).toMatch(/line 2 uses the alias \*l0: aliases/);
  });
});
