/**
 * Every package file of the real corpus (shared/realdata, see its SOURCES.md) that is not a bundle,
 * read as the submit flow reads it: readPackages, then checkPackages against an app of the file's
 * own identity. Each file is either read with the identity its own manifest gives, as the
 * emulator's separate reader (test/emulator/preprocess.ts) and, where upstream has one, its expected
 * .appinstaller give it, or refused for a reason Windows or the Store would also give (REFUSED).
 * The folders are listed at test time, so a new corpus file without an expectation fails here.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkPackages, deviceFamilyName, readPackages, type PackageReading } from '../../../src/packages/index.js';
import { readPackageFile } from '../../../test/emulator/preprocess.js';
import { REAL_DATA_ABSENT, realDataDir } from '../../../test/support/packages.js';

const ROOT = realDataDir();
const MSIX = 'microsoft-msix-packaging';
const UNPACK = `${MSIX}/src/test/testData/unpack`;
/** Folders whose every .msix/.appx is read. */
const FOLDERS = [
  UNPACK,
  `${UNPACK}/BlockMap`,
  `${UNPACK}/platforms`,
  `${UNPACK}/flat`,
  `${MSIX}/tools/utils/UtilsTests/TestData/AppxBundleTest`,
];
const EXISTING_PACKAGE = `${MSIX}/tools/pipelines-tasks/test/assets/existingPackage.msix`;
/** The msstore CLI's manifest-only package, renamed to .msix in a temporary folder (its tests rename it too). */
const CLI_TEMPLATE = 'microsoft-msstore-cli/MSStore.CLI.UnitTests/TestData/MSIXProject/test.msix.template';
/** Upstream's expected identity of existingPackage.msix. */
const EXPECTED_APPINSTALLER = `${MSIX}/tools/pipelines-tasks/test/assets/expected/appinstallerfile-new-from-package-success.appinstaller`;

const NOT_WINDOWS = /: no Windows device family; the Store takes only Windows device families/;
const FOURTH_PART = /has a fourth part other than 0; the Store refuses it at commit, .*X\.Y\.Z\.0/;

/**
 * The files refused locally, by path under the corpus, with the reason. The corpus names many
 * files after the error upstream expects; where that error is one of signing or block-map checks
 * (which the Store redoes on its side), the file is read, since its zip and manifest are sound.
 */
const REFUSED: Record<string, RegExp> = {
  // Four bytes: no end-of-central-directory record.
  [`${UNPACK}/Empty.appx`]: /Empty\.appx is not a zip file/,
  // Its end record says the central directory is 380 bytes; the directory is 520.
  [`${UNPACK}/OPC_E_ZIP_CORRUPTED_ARCHIVE.appx`]:
    /OPC_E_ZIP_CORRUPTED_ARCHIVE\.appx is a damaged zip: its end-of-central-directory record says the central directory is 380 bytes, but the directory it points to is 520 bytes/,
  [`${UNPACK}/HelloWorld.appx`]: new RegExp(`version '1\\.2\\.0\\.3' ${FOURTH_PART.source}`),
  [`${UNPACK}/BlockMap/Bad_Namespace_Blockmap.appx`]: new RegExp(`version '2\\.5\\.1\\.6' ${FOURTH_PART.source}`),
  [`${UNPACK}/platforms/TestAosp.msix`]: new RegExp(`targets only Google\\.Android\\.All${NOT_WINDOWS.source}`),
  [`${UNPACK}/platforms/TestAppleIos.msix`]: new RegExp(`targets only Apple\\.Ios\\.All${NOT_WINDOWS.source}`),
  [`${UNPACK}/platforms/TestMac.msix`]: new RegExp(`targets only Apple\\.MacOS\\.All${NOT_WINDOWS.source}`),
  [`${UNPACK}/platforms/TestLinux.msix`]: new RegExp(`targets only Linux\\.All${NOT_WINDOWS.source}`),
  // The cross-platform SDK's "any platform" is no Windows device family either (docs/store-api.md#package-rules-windows-and-the-store-apply).
  [`${UNPACK}/platforms/TestPlatformAll.msix`]: new RegExp(`targets only Platform\\.All${NOT_WINDOWS.source}`),
  // The MSIX SDK's names for Windows 7 and 8, which are not device families of the Windows 10 and later devices the Store serves.
  [`${UNPACK}/platforms/TestWindows7.msix`]: new RegExp(`targets only Windows7\\.Desktop${NOT_WINDOWS.source}`),
  [`${UNPACK}/platforms/TestWindows8.msix`]: new RegExp(`targets only Windows8\\.Desktop${NOT_WINDOWS.source}`),
};

/** Corpus paths of every non-bundle package file, listed now. */
function corpusFiles(root: string): string[] {
  const listed = FOLDERS.flatMap((folder) =>
    readdirSync(path.join(root, folder))
      .filter((name) => /\.(msix|appx)$/i.test(name))
      .map((name) => `${folder}/${name}`),
  );
  return [...listed, EXISTING_PACKAGE].sort();
}

/** The findings of the flow's reading and checks of one file, against an app of its own identity (the oracle's). */
async function flowFindings(
  file: string,
  own: { name: string; publisher: string } | undefined,
): Promise<{
  reading: PackageReading;
  problems: string[];
}> {
  const [reading] = await readPackages([file]);
  if (!reading) throw new Error(`readPackages gave nothing for ${file}`);
  const app = own ? { id: '9NCORPUS0000', packageIdentityName: own.name, publisherName: own.publisher } : {};
  const { problems } = checkPackages([reading], app, []);
  return { reading, problems: problems.map((problem) => problem.message) };
}

if (!ROOT) console.log(`corpus-packages: ${REAL_DATA_ABSENT}`);
const describeCorpus = ROOT ? describe : describe.skip;

describeCorpus(
  `the real package corpus, read as the submit flow reads it${ROOT ? '' : ` (${REAL_DATA_ABSENT})`}`,
  () => {
    const root = ROOT ?? '';
    let work: string;
    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'corpus-'));
    });
    afterAll(async () => {
      await rm(work, { recursive: true, force: true });
    });

    /** Reads `file` as the flow does: no problem, and the identity the oracle reads from its own manifest. */
    async function expectOwnIdentity(file: string): Promise<void> {
      const own = await readPackageFile(file, work);
      const { reading, problems } = await flowFindings(file, own);
      expect(problems).toEqual([]);
      expect('info' in reading && reading.info).toMatchObject({
        name: own.name,
        publisher: own.publisher,
        version: own.version,
        architectures: own.architectures,
        deviceFamilies: own.targetDeviceFamilies.map(deviceFamilyName),
      });
    }

    test('every refusal in the table names a file the corpus still holds', () => {
      expect(Object.keys(REFUSED).filter((file) => !corpusFiles(root).includes(file))).toEqual([]);
    });

    test.each(ROOT ? corpusFiles(ROOT) : ['(no corpus)'])('%s', async (relative) => {
      const file = path.join(root, relative);
      const refusal = REFUSED[relative];
      if (refusal) {
        const { reading, problems } = await flowFindings(
          file,
          await readPackageFile(file, work).catch(() => undefined),
        );
        const messages = 'error' in reading ? [reading.error] : problems;
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatch(refusal);
        return;
      }
      await expectOwnIdentity(file);
    });

    test("existingPackage.msix has the identity upstream's expected .appinstaller gives it", async () => {
      const expected =
        /<MainPackage Name="([^"]+)" Publisher="([^"]+)" Version="([^"]+)" ProcessorArchitecture="([^"]+)"/.exec(
          readFileSync(path.join(root, EXPECTED_APPINSTALLER), 'utf8'),
        );
      expect(expected).not.toBeNull();
      const [reading] = await readPackages([path.join(root, EXISTING_PACKAGE)]);
      expect(reading && 'info' in reading && reading.info).toMatchObject({
        name: expected?.[1],
        publisher: expected?.[2],
        version: expected?.[3],
        architectures: [expected?.[4]],
      });
    });

    test("the msstore CLI's manifest-only test.msix.template, renamed .msix, is read with its manifest's identity", async () => {
      const file = path.join(work, 'test.msix');
      copyFileSync(path.join(root, CLI_TEMPLATE), file);
      await expectOwnIdentity(file);
    });
  },
);
