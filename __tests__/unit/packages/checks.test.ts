import { describe, expect, test } from '@jest/globals';
import type { JsonValue } from '../../../src/json.js';
import {
  checkPackages,
  publisherHash,
  type PackageInfo,
  type PackagePart,
  type PackageReading,
} from '../../../src/packages/index.js';
import { DEFAULT_FAMILY_NAME, DEFAULT_IDENTITY } from '../../../test/support/packages.js';

const APP = { id: '9NBLGGH4R315', packageIdentityName: DEFAULT_IDENTITY.name, packageFamilyName: DEFAULT_FAMILY_NAME };

function reading(file: string, facts: Partial<PackageInfo> = {}): PackageReading {
  const publisher = facts.publisher ?? DEFAULT_IDENTITY.publisher;
  const info: PackageInfo = {
    file,
    format: 'msixupload',
    kind: 'package',
    name: DEFAULT_IDENTITY.name,
    version: '2.0.0.0',
    architectures: ['x64'],
    deviceFamilies: ['Windows.Desktop'],
    parts: [],
    read: { fileBytes: 0, inflatedBytes: 0, peakBufferedBytes: 0 },
    ...facts,
    publisher,
    publisherHash: publisherHash(publisher),
  };
  return { file, info };
}

function part(facts: Partial<PackagePart> = {}): PackagePart {
  return {
    type: 'application',
    architecture: 'x64',
    version: '2.0.0.0',
    targetDeviceFamilies: [{ name: 'Windows.Desktop', minVersion: '10.0.17763.0' }],
    ...facts,
  };
}

function published(fileName: string, version: string, architecture: string, fileStatus = 'Uploaded'): JsonValue {
  return {
    fileName,
    fileStatus,
    id: fileName,
    version,
    architecture,
    minimumDirectXVersion: 'None',
    minimumSystemRam: 'None',
  };
}

const EXISTING = [
  published('App_1.0.0.0_x64.msixupload', '1.0.0.0', 'x64'),
  published('App_1.5.0.0_arm64.msixupload', '1.5.0.0', 'ARM64'),
  published('App_3.0.0.0_x64.msixupload', '3.0.0.0', 'x64', 'PendingDelete'),
  { fileName: 'App_new.msixupload', fileStatus: 'PendingUpload' },
];

describe('checkPackages', () => {
  test('a matching package passes without findings', () => {
    expect(checkPackages([reading('out/App_2.0.0.0_x64.msixupload')], APP, EXISTING)).toEqual({
      problems: [],
      warnings: [],
    });
  });

  test.each<[string, PackageReading, RegExp]>([
    [
      'an unreadable file',
      { file: 'out/broken.msix', error: 'out/broken.msix is not a readable package: not a zip file' },
      /^out\/broken\.msix is not a readable package: not a zip file\. Give a package the Store accepts/,
    ],
    [
      'another identity name',
      reading('out/a.msix', { name: 'Fabrikam.Notes' }),
      /identity name is 'Fabrikam\.Notes' but app 9NBLGGH4R315's packageIdentityName is 'Contoso\.ContosoNotes'/,
    ],
    [
      'another publisher',
      reading('out/a.msix', { publisher: 'CN=Fabrikam' }),
      new RegExp(
        `publisher 'CN=Fabrikam' has the publisher hash '${publisherHash('CN=Fabrikam')}', but app 9NBLGGH4R315's packageFamilyName '${DEFAULT_FAMILY_NAME}' ends with 'mj48pws67hrft'`,
      ),
    ],
    [
      'a version and architecture already published',
      reading('out/a.msix', { version: '1.0.0.0' }),
      /version 1\.0\.0\.0 for x64 is already in the submission as App_1\.0\.0\.0_x64\.msixupload \(version 1\.0\.0\.0, x64\)/,
    ],
    [
      'the same for a bundle sharing one architecture (case ignored)',
      reading('out/a.msixbundle', { version: '1.5.0.0', architectures: ['x86', 'arm64'] }),
      /version 1\.5\.0\.0 for arm64 is already in the submission/,
    ],
    [
      'a version that is not four numbers',
      reading('out/a.msix', { version: '1.0' }),
      /its version '1\.0' is not four numbers/,
    ],
  ])('refuses %s, naming the file and both values', (_name, read, message) => {
    const { problems } = checkPackages([read], APP, EXISTING);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(read.file);
    expect(problems[0]?.message).toMatch(message);
  });

  test.each<[string, PackageReading, RegExp]>([
    [
      'a package version whose fourth part is not 0',
      reading('out/App_2.0.0.1_x64.msix', { version: '2.0.0.1' }),
      /^its version '2\.0\.0\.1' has a fourth part other than 0; the Store refuses it at commit, .* Build the package with a version X\.Y\.Z\.0, such as 2\.0\.1\.0$/,
    ],
    [
      "a bundle payload's version whose fourth part is not 0",
      reading('out/App.msixbundle', {
        kind: 'bundle',
        parts: [part({ fileName: 'App_x64.msix' }), part({ fileName: 'App_arm64.msix', version: '2.0.0.7' })],
      }),
      /^its package App_arm64\.msix: version '2\.0\.0\.7' has a fourth part other than 0; .*such as 2\.0\.1\.0$/,
    ],
    [
      'a package whose device families are none of Windows',
      reading('out/a.msix', {
        deviceFamilies: ['Google.Android.All', 'Linux.All'],
        parts: [part({ targetDeviceFamilies: [{ name: 'Google.Android.All' }, { name: 'Linux.All' }] })],
      }),
      /^it targets only Google\.Android\.All, Linux\.All: no Windows device family; the Store takes only Windows device families .*TargetDeviceFamily Name="Windows\.Desktop"/,
    ],
    [
      'a bundle payload for Apple only, beside a Windows one',
      reading('out/App.msixbundle', {
        kind: 'bundle',
        deviceFamilies: ['Windows.Desktop', 'Apple.Ios.All'],
        parts: [
          part({ fileName: 'App_x64.msix' }),
          part({ fileName: 'App_ios.msix', targetDeviceFamilies: [{ name: 'Apple.Ios.All', minVersion: '0.0.0.0' }] }),
        ],
      }),
      /^its package App_ios\.msix targets only Apple\.Ios\.All: no Windows device family/,
    ],
    [
      "the cross-platform SDK's Platform.All, which names no Windows device family",
      reading('out/a.msix', {
        deviceFamilies: ['Platform.All'],
        parts: [part({ targetDeviceFamilies: [{ name: 'Platform.All' }] })],
      }),
      /^it targets only Platform\.All: no Windows device family/,
    ],
    [
      "the MSIX SDK's Windows7.Desktop, which no device the Store serves is",
      reading('out/a.msix', {
        deviceFamilies: ['Windows7.Desktop'],
        parts: [part({ targetDeviceFamilies: [{ name: 'Windows7.Desktop' }] })],
      }),
      /^it targets only Windows7\.Desktop: no Windows device family/,
    ],
  ])('refuses %s before anything is created', (_name, read, message) => {
    const { problems } = checkPackages([read], APP, []);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe(read.file);
    expect(problems[0]?.message).toMatch(message);
  });

  test.each([
    ['the third part', '2.0.65535.1', '2.1.0.0'],
    ['the second part', '2.65535.65535.3', '3.0.0.0'],
  ])('the suggested version stays above the refused one when %s is 65535', (_part, version, suggested) => {
    const [problem] = checkPackages([reading('out/a.msix', { version })], APP, []).problems;
    expect(problem?.message).toMatch(new RegExp(`such as ${suggested.replaceAll('.', '\\.')}$`));
  });

  test('no version is suggested when none X.Y.Z.0 is above the refused one', () => {
    const [problem] = checkPackages([reading('out/a.msix', { version: '65535.65535.65535.1' })], APP, []).problems;
    expect(problem?.message).toMatch(/no version X\.Y\.Z\.0 is above '65535\.65535\.65535\.1'/);
    expect(problem?.message).not.toMatch(/such as/);
  });

  test("a bundle's own version is not judged by the fourth-part rule: MakeAppx stamps it with the time", () => {
    const bundle = reading('out/App.msixbundle', {
      kind: 'bundle',
      version: '2013.110.2202.3055',
      parts: [part({ fileName: 'App_x64.msix' }), part({ fileName: 'App_arm64.msix', architecture: 'arm64' })],
    });
    expect(checkPackages([bundle], APP, []).problems).toEqual([]);
  });

  test("a bundle's packages are judged each, the resource packages too, whatever the bundle's own version", () => {
    const bundle = reading('out/App.msixbundle', {
      kind: 'bundle',
      version: '2.0.0.1',
      parts: [
        part({ fileName: 'App_x64.msix', version: '2.0.0.1' }),
        part({ fileName: 'App_arm64.msix', architecture: 'arm64' }),
        part({ fileName: 'App_fr.msix', type: 'resource', architecture: 'neutral', version: '2.0.0.1' }),
      ],
    });
    expect(checkPackages([bundle], APP, []).problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^its package App_x64\.msix: version '2\.0\.0\.1' has a fourth part other than 0/),
      expect.stringMatching(/^its package App_fr\.msix: version '2\.0\.0\.1' has a fourth part other than 0/),
    ]);
  });

  test('a Windows.* device family passes beside others, and a Windows 8 package without device families is not judged by them', () => {
    const families = [[{ name: 'windows.universal' }], [{ name: 'Windows.Desktop' }, { name: 'Linux.All' }], []];
    const readings = families.map((targetDeviceFamilies, index) =>
      reading(`out/${index}.msix`, {
        version: `2.${index}.0.0`,
        deviceFamilies: targetDeviceFamilies.map((family) => family.name),
        parts: [part({ targetDeviceFamilies })],
      }),
    );
    expect(checkPackages(readings, APP, []).problems).toEqual([]);
  });

  test('a PendingDelete entry, or a version for another architecture, is no duplicate', () => {
    expect(
      checkPackages(
        [reading('a', { version: '3.0.0.0' }), reading('b', { version: '1.0.0.0', architectures: ['arm64'] })],
        APP,
        EXISTING,
      ).problems,
    ).toEqual([]);
  });

  test('two new files of the same version and architecture are refused', () => {
    const { problems } = checkPackages([reading('out/a.msixupload'), reading('out/b.msixupload')], APP, []);
    expect(problems).toEqual([
      {
        file: 'out/b.msixupload',
        message: expect.stringContaining('it is the same build as out/a.msixupload'),
      },
    ]);
  });

  test('one build found twice (two copies of the artifact, or a bundle and its upload file) is called a copy, not a version to raise', () => {
    for (const [first, second] of [
      [reading('drop/x64/App_2.0.0.0_x64.msixupload'), reading('drop (1)/x64/App_2.0.0.0_x64_copy.msixupload')],
      [
        reading('out/App_2.0.0.0_x64.msixbundle', { format: 'msixbundle', kind: 'bundle' }),
        reading('out/App_2.0.0.0_x64_bundle.msixupload', { kind: 'bundle' }),
      ],
    ] as const) {
      const { problems } = checkPackages([first, second], APP, []);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.file).toBe(second.file);
      expect(problems[0]?.message).toMatch(
        new RegExp(
          `is the same build as ${first.file.replace(/[.()]/g, '\\$&')} \\(${DEFAULT_IDENTITY.name} 2\\.0\\.0\\.0, x64\\)`,
        ),
      );
      expect(problems[0]?.message).toMatch(/'packages'.* one copy/);
      expect(problems[0]?.message).not.toMatch(/Raise the package version/);
    }
  });

  test('two different builds of one version still get "raise the package version"', () => {
    const { problems } = checkPackages(
      [
        reading('out/App_2.0.0.0_x64.msix'),
        reading('out/App_2.0.0.0_x64_arm64.msixbundle', { architectures: ['x64', 'arm64'] }),
      ],
      APP,
      [],
    );
    expect(problems).toEqual([
      {
        file: 'out/App_2.0.0.0_x64_arm64.msixbundle',
        message: expect.stringMatching(/also given in this run.*Raise the package version/),
      },
    ]);
  });

  test('a version lower than the newest published for its architecture is a warning', () => {
    const { problems, warnings } = checkPackages(
      [reading('out/a.msix', { version: '1.2.0.0', architectures: ['arm64', 'x64'] })],
      APP,
      EXISTING,
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      {
        file: 'out/a.msix',
        message: expect.stringContaining(
          'version 1.2.0.0 for arm64 is lower than 1.5.0.0, the newest the Store has for arm64 (App_1.5.0.0_arm64.msixupload)',
        ),
      },
    ]);
  });

  test('every problem of every file is reported', () => {
    const { problems } = checkPackages(
      [
        reading('a', { name: 'X', publisher: 'CN=X', version: '1.0.0.0' }),
        { file: 'b', error: 'b is not a readable package: no manifest' },
      ],
      APP,
      EXISTING,
    );
    expect(problems.map((problem) => problem.file)).toEqual(['a', 'a', 'a', 'b']);
  });

  test('an app without identity fields: the checks say what they skipped', () => {
    expect(checkPackages([reading('a')], { id: '9N' }, []).warnings.map((warning) => warning.message)).toEqual([
      'identity name not checked: app 9N has no packageIdentityName',
      'publisher not checked: app 9N has no packageFamilyName or publisherName',
    ]);
  });
});
