/**
 * `keep-package-versions: N` (docs/contract.md): after the new packages are added, keep the N newest
 * versions in each group of architecture and device family, the new packages counted, and mark
 * older entries PendingDelete. Pure.
 *
 * The rule, precisely:
 * - Live entries are those not PendingDelete. Each has a version, architectures (its
 *   `architecture`; a bundle's new entry has several) and device families (`targetDeviceFamilies`
 *   without the `min version ...` part; flights have none, so they group by architecture only).
 *   New entries (PendingUpload) take these facts from their manifests (`described`).
 * - An entry belongs to every group (architecture x family) it covers. In each group the distinct
 *   versions are ranked, newest first; the first N are the group's kept versions.
 * - An entry is kept when its version is kept in at least one of its groups; otherwise it is marked
 *   PendingDelete. So the newest version of every group always stays (N >= 1): no architecture or
 *   family is left without a package.
 * - New entries are never marked (the run was asked to upload them), but they take their place in
 *   the ranking. Entries whose version or architecture is unknown are kept and listed as unjudged.
 */
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { entryArchitectures } from './checks.js';
import { compareVersions, deviceFamilyName, parseVersion, type PackageVersion } from './identity.js';
import { packageKey } from './names.js';

/** Manifest facts of a new package entry, from readPackage. */
export interface DescribedPackage {
  version: string;
  /** Application architectures (`x64`, `arm64`, ...). */
  architectures: readonly string[];
  /** Device family names (`Windows.Desktop`, ...). */
  deviceFamilies: readonly string[];
}

/** An entry retention marked PendingDelete, for the summary. */
export interface RetentionRemoval {
  fileName: string;
  version: string;
  architectures: string[];
  deviceFamilies: string[];
}

export interface RetentionResult {
  /** The package array with older entries marked PendingDelete (a copy; other fields untouched). */
  entries: JsonValue[];
  removed: RetentionRemoval[];
  /** File names of live entries kept because their version or architecture is unknown. */
  unjudged: string[];
}

interface Candidate {
  index: number;
  fileName: string;
  isNew: boolean;
  version: PackageVersion;
  versionText: string;
  architectures: string[];
  /** Device family names as the entry gives them, for the summary. */
  families: string[];
  /** Lower-case families it is grouped by; [''] when families do not count or are unknown. */
  familyKeys: string[];
}

/**
 * Applies retention to a submission's package array (`applicationPackages` or `flightPackages`)
 * that already holds the new entries.
 * - `keep`: N, an integer >= 1.
 * - `described`: manifest facts of the new entries, keyed by packageKey of their file names,
 *   e.g. `contosonotes_2.0.0.0_x64.msixupload`.
 * - `byDeviceFamily`: group by device family too (apps); false groups by architecture only (flights,
 *   whose entries carry no device families).
 *
 * Throws RangeError when `keep` is not an integer >= 1 (inputs.ts validates it first).
 */
export function applyRetention(
  entries: readonly JsonValue[],
  keep: number,
  described: ReadonlyMap<string, DescribedPackage>,
  byDeviceFamily: boolean,
): RetentionResult {
  if (!Number.isInteger(keep) || keep < 1)
    throw new RangeError(`keep-package-versions must be an integer of at least 1, not ${keep}`);
  const copy = entries.map((entry) => cloneJson(entry));
  const candidates: Candidate[] = [];
  const unjudged: string[] = [];

  copy.forEach((entry, index) => {
    if (!isJsonObject(entry) || entry.fileStatus === 'PendingDelete') return;
    const candidate = candidateOf(entry, index, described, byDeviceFamily);
    if (candidate) candidates.push(candidate);
    else unjudged.push(String(entry.fileName ?? entry.id ?? `entry ${index + 1}`));
  });

  // Kept versions of each group, as text keys of the group's N newest distinct versions.
  const groups = new Map<string, PackageVersion[]>();
  for (const candidate of candidates) {
    for (const group of groupsOf(candidate)) {
      const versions = groups.get(group) ?? [];
      if (!versions.some((version) => compareVersions(version, candidate.version) === 0))
        versions.push(candidate.version);
      groups.set(group, versions);
    }
  }
  const kept = new Map<string, PackageVersion[]>();
  for (const [group, versions] of groups) {
    kept.set(group, [...versions].sort((a, b) => compareVersions(b, a)).slice(0, keep));
  }

  const removed: RetentionRemoval[] = [];
  for (const candidate of candidates) {
    if (candidate.isNew) continue;
    const stays = groupsOf(candidate).some((group) =>
      (kept.get(group) ?? []).some((version) => compareVersions(version, candidate.version) === 0),
    );
    if (stays) continue;
    (copy[candidate.index] as JsonObject).fileStatus = 'PendingDelete';
    removed.push({
      fileName: candidate.fileName,
      version: candidate.versionText,
      architectures: candidate.architectures,
      deviceFamilies: candidate.families.filter((family) => family !== ''),
    });
  }
  return { entries: copy, removed, unjudged };
}

function candidateOf(
  entry: JsonObject,
  index: number,
  described: ReadonlyMap<string, DescribedPackage>,
  byDeviceFamily: boolean,
): Candidate | undefined {
  const fileName = typeof entry.fileName === 'string' ? entry.fileName : '';
  const isNew = entry.fileStatus === 'PendingUpload';
  let versionText: string | undefined;
  let architectures: string[] = [];
  let families: string[] = [];
  if (isNew) {
    const facts = described.get(packageKey(fileName));
    if (!facts) return undefined;
    versionText = facts.version;
    architectures = facts.architectures.flatMap(entryArchitectures);
    families = [...facts.deviceFamilies];
  } else {
    if (typeof entry.version === 'string') versionText = entry.version;
    if (typeof entry.architecture === 'string') architectures = entryArchitectures(entry.architecture);
    if (Array.isArray(entry.targetDeviceFamilies)) {
      families = entry.targetDeviceFamilies.filter((family) => typeof family === 'string').map(deviceFamilyName);
    }
  }
  const version = versionText === undefined ? undefined : parseVersion(versionText);
  if (!version || versionText === undefined || architectures.length === 0) return undefined;
  const familyKeys =
    byDeviceFamily && families.length > 0 ? [...new Set(families.map((family) => family.toLowerCase()))] : [''];
  return {
    index,
    fileName: fileName || String(entry.id ?? `entry ${index + 1}`),
    isNew,
    version,
    versionText,
    architectures: [...new Set(architectures)],
    families: byDeviceFamily ? families : [],
    familyKeys,
  };
}

function groupsOf(candidate: Candidate): string[] {
  return candidate.architectures.flatMap((architecture) =>
    candidate.familyKeys.map((family) => `${architecture}|${family}`),
  );
}
