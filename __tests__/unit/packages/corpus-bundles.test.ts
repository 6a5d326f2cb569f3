/**
 * Every bundle of Microsoft's MSIX test corpus (shared/realdata, read in place) through the action's
 * reader and the checks the run makes: each is read with the identity its own AppxBundleManifest.xml
 * gives, as the emulator's independent reader (test/emulator/preprocess.ts) and, for
 * existingBundle.msixbundle, upstream's expected .appinstaller give it; or it is refused for the
 * reason Windows or the Store would give. The files are listed at test time, so a corpus file without
 * an expectation here fails.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkPackages, readPackages } from '../../../src/packages/index.js';
import { readPackageFile } from '../../../test/emulator/preprocess.js';
import { ZipArchive } from '../../../test/emulator/unzip.js';
import { childrenNamed, decodeXml, parseXml } from '../../../test/emulator/xml.js';
import { REAL_DATA_ABSENT, microsoftTestPackagesDir, realDataDir } from '../../../test/support/packages.js';

/** What Windows or the Store does with a corpus file: read, or refused with a message matching the pattern. */
type Expectation = { read: true } | { refused: RegExp };

const READ = { read: true } as const;

/**
 * Keyed by the path under microsoft-msix-packaging/. The block-map faults are read: the action does
 * not check block maps (the Store rebuilds a bundle's block map when it signs it), and their manifests
 * are intact.
 */
const EXPECTED: Record<string, Expectation> = {
  'src/test/testData/unpack/bundles/BlockMapContainsPayloadPackage.appxbundle': READ,
  'src/test/testData/unpack/bundles/BlockMapIsMissing.appxbundle': READ,
  'src/test/testData/unpack/bundles/BlockMapViolatesSchema.appxbundle': READ,
  // A payload whose OPC part name percent-encodes its Devanagari FileName.
  'src/test/testData/unpack/bundles/BundleWithIntlPackage.appxbundle': READ,
  'src/test/testData/unpack/bundles/ContainsNeutralAndX86AppPackages.appxbundle': READ,
  'src/test/testData/unpack/bundles/ContainsNoPayload.appxbundle': {
    refused: /AppxBundleManifest\.xml lists no packages/,
  },
  'src/test/testData/unpack/bundles/ContainsOnlyResourcePackages.appxbundle': {
    refused:
      /declares only resource packages \(ResourcePackage_English\.appx, ResourcePackage_French\.appx\); a bundle holds at least one application package/,
  },
  'src/test/testData/unpack/bundles/ContainsTwoNeutralAppPackages.appxbundle': {
    refused: /two neutral application packages, AppPackage_Neutral\.appx and AppPackage_Neutral_NoResourceId\.appx/,
  },
  'src/test/testData/unpack/bundles/ManifestDeclaresAppPackageForResourcePackage.appxbundle': {
    refused:
      /> ResourcePackage_English\.appx is a resource package \(its Properties\/ResourcePackage is true\), but AppxBundleManifest\.xml declares it Type="application"/,
  },
  'src/test/testData/unpack/bundles/ManifestDeclaresResourcePackageForAppPackage.appxbundle': {
    refused:
      /> AppPackage_X64\.appx is an application package \(no Properties\/ResourcePackage\), but AppxBundleManifest\.xml declares it Type="resource"/,
  },
  'src/test/testData/unpack/bundles/ManifestHasExtraPackage.appxbundle': {
    refused: /AppxBundleManifest\.xml declares ResourcePackage_English\.appx, which the bundle does not hold/,
  },
  'src/test/testData/unpack/bundles/ManifestIsMissing.appxbundle': {
    refused: /has neither AppxManifest\.xml nor AppxMetadata\/AppxBundleManifest\.xml/,
  },
  'src/test/testData/unpack/bundles/ManifestPackageHasIncorrectArchitecture.appxbundle': {
    refused:
      /> AppPackage_Neutral\.appx: its ProcessorArchitecture is 'neutral', but AppxBundleManifest\.xml declares Architecture 'x86'/,
  },
  'src/test/testData/unpack/bundles/ManifestPackageHasIncorrectName.appxbundle': {
    refused: /> AppPackage_Neutral\.appx: its Identity Name is 'Test', but the bundle's is 'ABCD'/,
  },
  'src/test/testData/unpack/bundles/ManifestPackageHasIncorrectPublisher.appxbundle': {
    refused:
      /> AppPackage_Neutral\.appx: its Identity Publisher is 'CN=TestPublisher', but the bundle's is 'CN=ABCDPublisher'/,
  },
  'src/test/testData/unpack/bundles/ManifestPackageHasIncorrectSize.appxbundle': {
    refused: /> AppPackage_Neutral\.appx is 3206 bytes, but AppxBundleManifest\.xml declares Size 3205/,
  },
  'src/test/testData/unpack/bundles/ManifestPackageHasIncorrectVersion.appxbundle': {
    refused:
      /> AppPackage_Neutral\.appx: its Identity Version is '1\.0\.0\.2', but AppxBundleManifest\.xml declares Version '1\.2\.0\.0'/,
  },
  'src/test/testData/unpack/bundles/ManifestPackageHasInvalidOffset.appxbundle': {
    refused:
      /> ResourcePackage_English\.appx starts at byte 3341 of the bundle, but AppxBundleManifest\.xml declares Offset 3300/,
  },
  'src/test/testData/unpack/bundles/ManifestPackageHasInvalidRange.appxbundle': {
    refused:
      /> AppPackage_Neutral\.appx starts at byte 53 of the bundle, but AppxBundleManifest\.xml declares Offset 3000/,
  },
  'src/test/testData/unpack/bundles/ManifestViolatesSchema.appxbundle': {
    refused: /holds <UnknownElement> under Packages, which the bundle schema does not define/,
  },
  'src/test/testData/unpack/bundles/PayloadPackageHasNonAppxExtension.appxbundle': {
    refused: /declares AppPackage_Neutral\.txt; a bundle's packages are \.msix or \.appx files/,
  },
  'src/test/testData/unpack/bundles/PayloadPackageIsCompressed.appxbundle': {
    refused: /> AppPackage_Neutral\.appx is compressed; Windows refuses a bundle whose packages are compressed/,
  },
  'src/test/testData/unpack/bundles/PayloadPackageIsEmpty.appxbundle': {
    refused: /> AppPackage_Neutral\.appx is not a zip file/,
  },
  'src/test/testData/unpack/bundles/PayloadPackageIsNotAppxPackage.appxbundle': {
    refused: /> AppPackage_Neutral\.appx is not a zip file/,
  },
  'src/test/testData/unpack/bundles/PayloadPackageNotListedInManifest.appxbundle': {
    refused: /holds AppPackage_X86\.appx, which its AppxBundleManifest\.xml does not list/,
  },
  // Its signature does not chain to a trusted root; the Store signs what it publishes, so only the manifests count.
  'src/test/testData/unpack/bundles/SignedUntrustedCert-CERT_E_CHAINING.appxbundle': READ,
  'src/test/testData/unpack/flat/FlatBundleWithAsset.appxbundle': {
    refused: /is a flat bundle: its packages are files beside it, not in it/,
  },
  'tools/pipelines-tasks/test/assets/existingBundle.msixbundle': READ,
};

/** The corpus's bundles, found now: every bundle file of the three places the issue names. */
function corpusBundles(root: string): string[] {
  const bundles = 'src/test/testData/unpack/bundles';
  const flat = 'src/test/testData/unpack/flat';
  const assets = 'tools/pipelines-tasks/test/assets';
  return [
    ...readdirSync(path.join(root, bundles)).map((name) => `${bundles}/${name}`),
    ...readdirSync(path.join(root, flat))
      .filter((name) => /bundle$/i.test(name))
      .map((name) => `${flat}/${name}`),
    ...readdirSync(path.join(root, assets))
      .filter((name) => /bundle$/i.test(name))
      .map((name) => `${assets}/${name}`),
  ].sort();
}

/**
 * The `FileName` and `Version` of each `<Package>` the bundle's AppxBundleManifest.xml declares, in
 * its order, read with the emulator's zip and XML code (not the action's reader).
 */
async function declaredPayloadVersions(file: string): Promise<{ fileName: string; version: string }[]> {
  const zip = await ZipArchive.open(file);
  try {
    const entry = zip.find('AppxMetadata/AppxBundleManifest.xml');
    if (!entry) throw new Error(`${file} has no bundle manifest`);
    const manifest = parseXml(decodeXml(await zip.read(entry, 1 << 20)));
    return childrenNamed(manifest, 'Packages')
      .flatMap((packages) => childrenNamed(packages, 'Package'))
      .map(({ attributes }) => ({ fileName: attributes['FileName'] ?? '', version: attributes['Version'] ?? '' }));
  } finally {
    await zip.close();
  }
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `Name`, `Publisher` and `Version` of the `MainBundle` an upstream .appinstaller expects. */
async function expectedMainBundle(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8');
  const element = /<MainBundle\b([^>]*)\/?>/.exec(text)?.[1] ?? '';
  return Object.fromEntries([...element.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
}

const real = realDataDir();
const root = real && path.join(real, 'microsoft-msix-packaging');

if (!root || !microsoftTestPackagesDir() || !existsSync(path.join(root, 'tools'))) {
  console.warn(`corpus-bundles: ${REAL_DATA_ABSENT}`);
  test.skip(`every bundle of Microsoft's MSIX test corpus: ${REAL_DATA_ABSENT}`, () => undefined);
} else {
  describe("every bundle of Microsoft's MSIX test corpus", () => {
    let work: string;
    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'corpus-bundles-'));
    });
    afterAll(async () => {
      await rm(work, { recursive: true, force: true });
    });

    const files = corpusBundles(root);

    test('every corpus bundle has an expectation here, and every expectation a corpus file', () => {
      expect(files).toEqual(Object.keys(EXPECTED).sort());
    });

    test.each(files)('%s', async (relative) => {
      const expectation = EXPECTED[relative];
      if (!expectation) throw new Error(`${relative} is new in the corpus: give it an expectation in EXPECTED`);
      const file = path.join(root, relative);
      const [reading] = await readPackages([file]);
      if (!reading) throw new Error('readPackages returned nothing');
      if ('refused' in expectation) {
        expect('error' in reading ? reading.error : 'read without a refusal').toMatch(expectation.refused);
        expect('error' in reading && reading.error.startsWith(`${file} is not a readable package: `)).toBe(true);
        return;
      }
      if ('error' in reading) throw new Error(`refused: ${reading.error}`);
      const oracle = await readPackageFile(file, work);
      expect({
        name: reading.info.name,
        publisher: reading.info.publisher,
        version: reading.info.version,
        architectures: reading.info.architectures,
        deviceFamilies: reading.info.deviceFamilies,
      }).toEqual({
        name: oracle.name,
        publisher: oracle.publisher,
        version: oracle.version,
        architectures: oracle.architectures,
        // The emulator writes families as the Store does: `Windows.Desktop min version 10.0.17763.0`.
        deviceFamilies: [...new Set(oracle.targetDeviceFamilies.map((family) => family.split(' ')[0]))],
      });
      // The checks the run makes, against an app of that identity: none refuses the bundle itself;
      // exactly each payload whose version (as the bundle manifest declares it) has a fourth part
      // other than 0 is named, as the Store refuses it; the bundle's own version is not judged.
      const { problems } = checkPackages(
        [reading],
        { packageIdentityName: oracle.name, publisherName: oracle.publisher },
        [],
      );
      const refusedVersions = (await declaredPayloadVersions(file)).filter(
        ({ version }) => Number(version.split('.')[3]) !== 0,
      );
      expect(problems.map((problem) => problem.message)).toEqual(
        refusedVersions.map(({ fileName, version }) =>
          expect.stringMatching(
            new RegExp(
              `^its package ${escaped(fileName)}: version '${escaped(version)}' has a fourth part other than 0`,
            ),
          ),
        ),
      );
    });

    test("existingBundle.msixbundle: upstream's expected identity", async () => {
      const assets = path.join(root, 'tools/pipelines-tasks/test/assets');
      const expected = await expectedMainBundle(
        path.join(assets, 'expected/appinstallerfile-new-from-bundle-success.appinstaller'),
      );
      const [reading] = await readPackages([path.join(assets, 'existingBundle.msixbundle')]);
      if (!reading || 'error' in reading) throw new Error(`refused: ${reading?.error}`);
      expect({ Name: reading.info.name, Publisher: reading.info.publisher, Version: reading.info.version }).toEqual({
        Name: expected['Name'],
        Publisher: expected['Publisher'],
        Version: expected['Version'],
      });
      expect(reading.info.architectures).toEqual(['x86', 'x64', 'arm']);
      expect(reading.info.deviceFamilies).toEqual(['Windows.Universal']);
    });
  });
}
