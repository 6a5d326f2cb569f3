/** Pure helpers over submission JSON: which files a commit needs, and what publishing changes. */
import type { Json, JsonObject, PackageFacts, ProductKind } from './types.js';

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

export function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

export function normalisePath(name: string): string {
  return name.replace(/\\/g, '/');
}

export function packagesField(kind: ProductKind): 'applicationPackages' | 'flightPackages' | undefined {
  return kind === 'app' ? 'applicationPackages' : kind === 'flight' ? 'flightPackages' : undefined;
}

/** Every image object of an app listing (base listing and platform overrides). */
function listingImages(listing: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  const base = listing['baseListing'];
  if (isObject(base)) for (const img of asArray(base['images'])) if (isObject(img)) out.push(img);
  const overrides = listing['platformOverrides'];
  if (isObject(overrides)) {
    for (const platform of Object.values(overrides)) {
      if (isObject(platform)) for (const img of asArray(platform['images'])) if (isObject(img)) out.push(img);
    }
  }
  return out;
}

/** File objects with a fileStatus (packages, images, icons) of a submission. */
export function fileObjects(kind: ProductKind, resource: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  const field = packagesField(kind);
  if (field) for (const p of asArray(resource[field])) if (isObject(p)) out.push(p);
  const listings = resource['listings'];
  if (isObject(listings)) {
    for (const listing of Object.values(listings)) {
      if (!isObject(listing)) continue;
      if (kind === 'app') out.push(...listingImages(listing));
      if (kind === 'addon' && isObject(listing['icon'])) out.push(listing['icon']);
    }
  }
  return out;
}

/** Trailers the service has not seen yet (no service-assigned ids). */
function newTrailers(resource: JsonObject): JsonObject[] {
  return asArray(resource['trailers']).filter(
    (t): t is JsonObject => isObject(t) && !(typeof t['videoFileId'] === 'string' && t['videoFileId'] !== ''),
  );
}

/** File names (as written in the JSON) that the uploaded zip must contain for this commit. */
export function requiredFiles(kind: ProductKind, resource: JsonObject): string[] {
  const names: string[] = [];
  for (const f of fileObjects(kind, resource)) {
    if (f['fileStatus'] === 'PendingUpload' && typeof f['fileName'] === 'string') names.push(f['fileName']);
  }
  if (kind === 'app') {
    for (const trailer of newTrailers(resource)) {
      if (typeof trailer['videoFileName'] === 'string') names.push(trailer['videoFileName']);
      const assets = trailer['trailerAssets'];
      if (isObject(assets)) {
        for (const asset of Object.values(assets)) {
          if (!isObject(asset)) continue;
          for (const img of asArray(asset['imageList'])) {
            if (isObject(img) && typeof img['fileName'] === 'string' && !(typeof img['id'] === 'string' && img['id'])) {
              names.push(img['fileName']);
            }
          }
        }
      }
    }
  }
  return [...new Set(names)];
}

const ARCHES = new Map(
  ['x86', 'x64', 'arm', 'arm64', 'neutral'].map((a) => [
    a,
    a === 'neutral' ? 'Neutral' : a === 'arm' ? 'ARM' : a === 'arm64' ? 'ARM64' : a,
  ]),
);

/** Version and architecture from a package name like `App_1.2.3.0_x64.msixupload`. */
export function parsePackageName(fileName: string): { version?: string; architecture?: string } {
  const base = normalisePath(fileName).split('/').pop() ?? '';
  const match = /_(\d+\.\d+\.\d+\.\d+)((?:_[A-Za-z0-9]+)*)\.(?:msix|appx|xap)(?:upload|bundle)?$/i.exec(base);
  if (!match) return {};
  const version = match[1];
  const arches = (match[2] ?? '')
    .split('_')
    .map((t) => ARCHES.get(t.toLowerCase()))
    .filter((a): a is string => a !== undefined);
  const result: { version?: string; architecture?: string } = {};
  if (version) result.version = version;
  if (arches.length === 1 && arches[0]) result.architecture = arches[0];
  else if (arches.length > 1) result.architecture = 'Neutral';
  return result;
}

/**
 * Pre-processing reads each new package: the Store then reports its version, architecture and
 * (apps) target device families, from the package's manifest (`facts`, by zip entry name) when it
 * was readable, else from its file name.
 */
export function describeNewPackages(
  kind: ProductKind,
  resource: JsonObject,
  facts: ReadonlyMap<string, PackageFacts> = new Map(),
): void {
  const field = packagesField(kind);
  if (!field) return;
  for (const p of asArray(resource[field])) {
    if (!isObject(p) || p['fileStatus'] !== 'PendingUpload' || typeof p['fileName'] !== 'string') continue;
    const read = facts.get(normalisePath(p['fileName']).replace(/^\.\//, ''));
    if (read) {
      p['version'] = read.version;
      p['architecture'] = read.architectures.map((a) => ARCHES.get(a) ?? a).join(', ');
      if (kind === 'app' && read.targetDeviceFamilies.length) p['targetDeviceFamilies'] = read.targetDeviceFamilies;
      continue;
    }
    const parsed = parsePackageName(p['fileName']);
    if (parsed.version && !p['version']) p['version'] = parsed.version;
    if (parsed.architecture && !p['architecture']) p['architecture'] = parsed.architecture;
  }
}

/**
 * What pre-processing loses while every status says success (Behaviour.lostInProcessing): the
 * package entries and add-on icons whose file names (last segment, any case) are in `lost`; or,
 * with `revert`, the whole package list, which goes back to `published`'s.
 */
export function loseInProcessing(
  kind: ProductKind,
  resource: JsonObject,
  lost: readonly string[] | 'revert',
  published: JsonObject | undefined,
): void {
  const field = packagesField(kind);
  if (lost === 'revert') {
    if (field) resource[field] = clone(asArray(published?.[field]));
    return;
  }
  const names = new Set(lost.map((name) => lastSegment(name)));
  const isLost = (file: Json | undefined): boolean =>
    isObject(file) && typeof file['fileName'] === 'string' && names.has(lastSegment(file['fileName']));
  if (field) resource[field] = asArray(resource[field]).filter((entry) => !isLost(entry));
  const listings = resource['listings'];
  if (!isObject(listings)) return;
  for (const listing of Object.values(listings))
    if (isObject(listing) && isLost(listing['icon'])) delete listing['icon'];
}

function lastSegment(fileName: string): string {
  return (normalisePath(fileName).split('/').pop() ?? fileName).toLowerCase();
}

/** Applies what publishing does to a submission's files. `newId` makes service ids. */
export function applyPublishedFiles(kind: ProductKind, resource: JsonObject, newId: () => string): void {
  const field = packagesField(kind);
  if (field) {
    const kept: Json[] = [];
    for (const p of asArray(resource[field])) {
      if (!isObject(p)) continue;
      if (p['fileStatus'] === 'PendingDelete') continue;
      if (p['fileStatus'] === 'PendingUpload') {
        p['fileStatus'] = 'Uploaded';
        p['id'] = newId();
        const parsed = typeof p['fileName'] === 'string' ? parsePackageName(p['fileName']) : {};
        if (parsed.version && !p['version']) p['version'] = parsed.version;
        if (parsed.architecture && !p['architecture']) p['architecture'] = parsed.architecture;
      }
      kept.push(p);
    }
    resource[field] = kept;
  }
  const listings = resource['listings'];
  if (isObject(listings)) {
    for (const listing of Object.values(listings)) {
      if (!isObject(listing)) continue;
      if (kind === 'app') {
        const holders: JsonObject[] = [];
        if (isObject(listing['baseListing'])) holders.push(listing['baseListing']);
        const overrides = listing['platformOverrides'];
        if (isObject(overrides)) for (const o of Object.values(overrides)) if (isObject(o)) holders.push(o);
        for (const holder of holders) {
          if (!Array.isArray(holder['images'])) continue;
          holder['images'] = holder['images'].filter(
            (img) => !(isObject(img) && img['fileStatus'] === 'PendingDelete'),
          );
          for (const img of holder['images']) {
            if (isObject(img) && img['fileStatus'] === 'PendingUpload') {
              img['fileStatus'] = 'Uploaded';
              img['id'] = newId();
            }
          }
        }
      }
      if (kind === 'addon' && isObject(listing['icon'])) {
        const icon = listing['icon'];
        if (icon['fileStatus'] === 'PendingUpload') icon['fileStatus'] = 'Uploaded';
        if (icon['fileStatus'] === 'PendingDelete') delete listing['icon'];
      }
    }
  }
  if (kind === 'app') {
    for (const trailer of newTrailers(resource)) {
      if (!trailer['id']) trailer['id'] = newId();
      trailer['videoFileId'] = newId();
      const assets = trailer['trailerAssets'];
      if (isObject(assets)) {
        for (const asset of Object.values(assets)) {
          if (!isObject(asset)) continue;
          for (const img of asArray(asset['imageList'])) if (isObject(img) && !img['id']) img['id'] = newId();
        }
      }
    }
  }
}
