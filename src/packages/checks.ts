/**
 * Package checks before anything is created (docs/contract.md "Package checks"): every new package
 * file against the app's identity and against the packages the Store already has. Pure; the
 * package files are read beforehand by readPackages (src/packages/read.ts).
 */
import { isJsonObject, type JsonValue } from '../json.js';
import {
  compareVersions,
  familyPublisherHash,
  publisherHash,
  normaliseArchitecture,
  parseVersion,
  type PackageVersion,
} from './identity.js';
import type { PackageInfo, PackageReading } from './read.js';

/** The identity fields of the app resource (docs/store-api.md, the app resource), as the Store sends them. */
export interface AppIdentity {
  id?: string;
  packageIdentityName?: string;
  packageFamilyName?: string;
  /** The publisher the app's packages must be signed by (`CN=...`), where the resource carries it. */
  publisherName?: string;
}

/** A problem or warning about one package file. */
export interface PackageFinding {
  /** The package file as given to readPackages. */
  file: string;
  /** What is wrong, with both values compared, and how to fix it. */
  message: string;
}

export interface PackageCheckResult {
  /** Refusals: the run must stop before anything is created. */
  problems: PackageFinding[];
  /** Worth saying, not refusing (a version lower than the newest published one). */
  warnings: PackageFinding[];
}

/** A package entry of a submission with the facts the checks compare. */
interface KnownEntry {
  fileName: string;
  version: PackageVersion;
  versionText: string;
  architectures: string[];
  /** For a file of this run: its identity, version and architectures as one key (see buildKey). */
  build?: string;
}

/**
 * What makes two package files one build: the identity name (any case), publisher, version and the
 * set of architectures. Two files with the same key are copies, or a bundle and the upload file
 * that wraps it, not two builds that forgot to raise the version.
 */
function buildKey(info: { name: string; publisher: string; version: string }, architectures: string[]): string {
  return JSON.stringify([info.name.toLowerCase(), info.publisher, info.version, [...new Set(architectures)].sort()]);
}

/**
 * Checks the new package files. For each file (in `readings` order):
 * - not readable (a reading with `error`) -> problem;
 * - manifest `Identity Name` differs (ignoring case) from `app.packageIdentityName` -> problem;
 * - publisherHash(manifest `Publisher`) differs from the text after the last `_` of
 *   `app.packageFamilyName` -> problem;
 * - same version and a shared architecture as a live entry of `existing` (any `fileStatus` but
 *   PendingDelete), or as an earlier file of `readings` -> problem; an earlier file with the same
 *   identity, version and architectures is the same build given twice, and the problem says so;
 * - a package version (a plain package's, or each payload's of a bundle) whose fourth part is not 0,
 *   or an application package whose device families are all non-Windows -> problem (storeRuleProblems);
 * - a version lower than the newest live entry of `existing` with a shared architecture -> warning.
 *
 * `existing` is the package array of the submission to judge against: the last published one, or
 * the continued submission without its own new entries (the caller leaves those out). Entries
 * without a version or architecture (not yet processed by the Store) are not compared.
 * When the app resource lacks `packageIdentityName` or `packageFamilyName`, that check is skipped
 * and a warning says so. Never throws.
 */
export function checkPackages(
  readings: readonly PackageReading[],
  app: AppIdentity,
  existing: readonly JsonValue[],
): PackageCheckResult {
  const problems: PackageFinding[] = [];
  const warnings: PackageFinding[] = [];
  const known = knownEntries(existing);
  const expectedHash = app.packageFamilyName ? familyPublisherHash(app.packageFamilyName) : undefined;
  const appName = app.id ? `app ${app.id}` : 'the app';
  const earlier: KnownEntry[] = [];

  for (const reading of readings) {
    const file = reading.file;
    if ('error' in reading) {
      problems.push({
        file,
        message: `${reading.error}. Give a package the Store accepts: .msix, .appx, .msixbundle, .appxbundle, or the .msixupload/.appxupload that wraps one`,
      });
      continue;
    }
    const info = reading.info;

    if (app.packageIdentityName === undefined) {
      warnings.push({ file, message: `identity name not checked: ${appName} has no packageIdentityName` });
    } else if (info.name.toLowerCase() !== app.packageIdentityName.toLowerCase()) {
      problems.push({
        file,
        message:
          `its identity name is '${info.name}' but ${appName}'s packageIdentityName is '${app.packageIdentityName}'. ` +
          `Build the package with Identity Name="${app.packageIdentityName}" (Partner Center: Product management > Product identity)`,
      });
    }

    if (app.packageFamilyName === undefined && app.publisherName !== undefined) {
      // No family name to take the hash from: the publisher itself, which the live resource carries too.
      if (info.publisherHash !== publisherHash(app.publisherName)) {
        problems.push({
          file,
          message:
            `its publisher '${info.publisher}' differs from ${appName}'s publisher '${app.publisherName}'. Build and sign ` +
            'the package with that Publisher (Partner Center: Product management > Product identity > Package/Identity/Publisher)',
        });
      }
    } else if (app.packageFamilyName === undefined) {
      warnings.push({ file, message: `publisher not checked: ${appName} has no packageFamilyName or publisherName` });
    } else if (expectedHash === undefined) {
      warnings.push({
        file,
        message: `publisher not checked: ${appName}'s packageFamilyName '${app.packageFamilyName}' has no publisher hash after '_'`,
      });
    } else if (info.publisherHash !== expectedHash) {
      problems.push({
        file,
        message:
          `its publisher '${info.publisher}' has the publisher hash '${info.publisherHash}', but ${appName}'s packageFamilyName ` +
          `'${app.packageFamilyName}' ends with '${expectedHash}'. Build and sign the package with the app's Publisher ` +
          '(Partner Center: Product management > Product identity > Package/Identity/Publisher)',
      });
    }

    const version = parseVersion(info.version);
    if (!version) {
      problems.push({
        file,
        message: `its version '${info.version}' is not four numbers from 0 to 65535 such as 1.2.0.0`,
      });
      continue;
    }
    problems.push(...storeRuleProblems(info).map((message) => ({ file, message })));
    const architectures = info.architectures.map(normaliseArchitecture);
    const build = buildKey(info, architectures);
    for (const entry of [...known, ...earlier]) {
      const shared = architectures.filter((architecture) => entry.architectures.includes(architecture));
      if (entry.build === build) {
        problems.push({
          file,
          message:
            `it is the same build as ${entry.fileName} (${info.name} ${info.version}, ${architectures.join(', ')}), given twice: ` +
            'two copies of one artifact (e.g. downloaded into two folders), or a bundle and the upload file that wraps it. ' +
            "Make the 'packages' patterns match one copy only (e.g. name the folder and the extension instead of '**/*.msix*'), or remove the copy",
        });
      } else if (shared.length > 0 && compareVersions(entry.version, version) === 0) {
        const where = earlier.includes(entry) ? 'is also given in this run' : 'is already in the submission';
        problems.push({
          file,
          message:
            `version ${info.version} for ${shared.join(', ')} ${where} as ${entry.fileName} (version ${entry.versionText}, ` +
            `${entry.architectures.join(', ')}). Raise the package version; the Store refuses a version it already has`,
        });
      }
    }
    for (const architecture of architectures) {
      const newest = known
        .filter((entry) => entry.architectures.includes(architecture))
        .reduce<KnownEntry | undefined>(
          (best, entry) => (!best || compareVersions(entry.version, best.version) > 0 ? entry : best),
          undefined,
        );
      if (newest && compareVersions(version, newest.version) < 0) {
        warnings.push({
          file,
          message:
            `version ${info.version} for ${architecture} is lower than ${newest.versionText}, the newest the Store has for ` +
            `${architecture} (${newest.fileName}); customers with ${newest.versionText} will not be offered it`,
        });
      }
    }
    earlier.push({ fileName: file, version, versionText: info.version, architectures, build });
  }
  return { problems, warnings };
}

/**
 * A device family of the Windows 10 and later devices the Store serves: `Windows.Desktop`,
 * `Windows.Universal`, ... (docs/store-api.md#package-rules-windows-and-the-store-apply).
 */
const WINDOWS_FAMILY = /^Windows\./i;

/**
 * What the Store refuses in a readable package, each as a message: a package version whose fourth
 * part is not 0 (a plain package's, or each payload's of a bundle, resource packages included: the
 * rule is on every package; a bundle's own version is not a package's, and MakeAppx stamps it with
 * the time), which the Store refuses only at commit; and an application package none of whose
 * device families is a `Windows.*` one (`Google.Android.All`, `Apple.*`, `Linux.All`,
 * `Platform.All`, the MSIX SDK's `Windows7.Desktop`), which the Store does not take. A package
 * naming no device family (a Windows 8 manifest) is not judged by them. See
 * docs/store-api.md#package-rules-windows-and-the-store-apply.
 */
function storeRuleProblems(info: PackageInfo): string[] {
  const messages: string[] = [];
  const versions =
    info.kind === 'bundle'
      ? info.parts.map((part) => ({ who: `its package ${part.fileName ?? part.architecture}:`, version: part.version }))
      : [{ who: 'its', version: info.version }];
  for (const { who, version } of versions) {
    const parts = parseVersion(version);
    if (!parts || parts[3] === 0) continue;
    const suggested = nextStoreVersion(parts);
    messages.push(
      `${who} version '${version}' has a fourth part other than 0; the Store refuses it at commit, after the ` +
        'submission is created, and the failed submission then blocks the next run. Build the package with a ' +
        (suggested
          ? `version X.Y.Z.0, such as ${suggested}`
          : `lower version X.Y.Z.0 (no version X.Y.Z.0 is above '${version}')`),
    );
  }
  const payloads = info.parts.filter((part) => part.type === 'application');
  for (const payload of payloads) {
    const families = payload.targetDeviceFamilies.map((family) => family.name);
    if (families.length === 0 || families.some((family) => WINDOWS_FAMILY.test(family))) continue;
    messages.push(
      `${payload.fileName === undefined ? 'it' : `its package ${payload.fileName}`} targets only ${families.join(', ')}: ` +
        'no Windows device family; the Store takes only Windows device families (Windows.Desktop, Windows.Universal, ...). ' +
        'Build the package with a Windows device family, e.g. <TargetDeviceFamily Name="Windows.Desktop" ...> in AppxManifest.xml',
    );
  }
  return messages;
}

/**
 * The lowest version `X.Y.Z.0` above `version` (whose fourth part is not 0), so the suggestion still
 * updates customers: the third part raised, or when it is 65535 the second (then the first), the
 * parts after it 0. Undefined for 65535.65535.65535.N, above which there is none.
 */
function nextStoreVersion([major, minor, build]: PackageVersion): string | undefined {
  if (build < 65535) return `${major}.${minor}.${build + 1}.0`;
  if (minor < 65535) return `${major}.${minor + 1}.0.0`;
  if (major < 65535) return `${major + 1}.0.0.0`;
  return undefined;
}

/** Live package entries with a usable version and architecture. */
function knownEntries(entries: readonly JsonValue[]): KnownEntry[] {
  const known: KnownEntry[] = [];
  for (const entry of entries) {
    if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete') continue;
    if (typeof entry.version !== 'string' || typeof entry.architecture !== 'string') continue;
    const version = parseVersion(entry.version);
    const architectures = entryArchitectures(entry.architecture);
    if (!version || architectures.length === 0) continue;
    known.push({
      fileName: String(entry.fileName ?? entry.id ?? '?'),
      version,
      versionText: entry.version,
      architectures,
    });
  }
  return known;
}

/** A package entry's `architecture`: one name, or several separated by commas or spaces. */
export function entryArchitectures(architecture: string): string[] {
  return architecture
    .split(/[\s,]+/)
    .filter((part) => part !== '')
    .map(normaliseArchitecture);
}
