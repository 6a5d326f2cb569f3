/**
 * Reads the identity out of an `AppxManifest.xml` (packages) or `AppxBundleManifest.xml`
 * (bundles) with fast-xml-parser. Namespace prefixes are dropped (`b4:Dependencies` is read as
 * `Dependencies`), so the several schema versions of both manifests read alike.
 *
 * Follows docs/store-api.md "Package identity" and the MSIX manifest schema reference (`Identity`,
 * `TargetDeviceFamily`, bundle `Package` elements). Loaded only when a package is read.
 */
import { XMLParser } from 'fast-xml-parser';

/** A `TargetDeviceFamily` element: `Windows.Desktop` with its minimum OS version. */
export interface TargetDeviceFamily {
  name: string;
  /** `MinVersion`, e.g. `10.0.17763.0`; undefined when the manifest leaves it out. */
  minVersion?: string;
}

/** What `AppxManifest.xml` says about a package. */
export interface PackageManifest {
  name: string;
  publisher: string;
  version: string;
  /** `ProcessorArchitecture` as written (`x64`, `arm64`, ...); `neutral` when absent, as the schema defines. */
  architecture: string;
  targetDeviceFamilies: TargetDeviceFamily[];
}

/** One `Package` element of a bundle manifest. */
export interface BundledPackage {
  /** `application` or `resource` (resource packages carry languages or scales, no code). */
  type: 'application' | 'resource';
  /** `Architecture` as written; `neutral` when absent. */
  architecture: string;
  version: string;
  /** `FileName`: the package's entry in the bundle. */
  fileName: string;
  /** From the bundle manifest's `Dependencies` (2018 schema); empty when it has none. */
  targetDeviceFamilies: TargetDeviceFamily[];
}

/** What `AppxBundleManifest.xml` says about a bundle. */
export interface BundleManifest {
  name: string;
  publisher: string;
  version: string;
  packages: BundledPackage[];
}

/** Elements that may repeat; fast-xml-parser gives them as arrays even when there is one. */
const REPEATED = new Set(['Package', 'TargetDeviceFamily']);

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Bundles hold Package elements inside Packages; a package manifest's root is one Package.
    isArray: (tagName, _path, _leaf, isAttribute) => !isAttribute && REPEATED.has(tagName),
    processEntities: { enabled: true, maxEntityCount: 20, maxTotalExpansions: 100, maxExpandedLength: 10_000 },
  });
}

type XmlNode = Record<string, unknown>;

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodes(value: unknown): XmlNode[] {
  if (Array.isArray(value)) return value.filter(isNode);
  return isNode(value) ? [value] : [];
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === 'string' ? value.trim() : undefined;
}

function parseXml(xml: string, what: string): XmlNode {
  let document: unknown;
  try {
    document = parser().parse(xml);
  } catch (error) {
    throw new Error(`${what} is not well-formed XML: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (!isNode(document)) throw new Error(`${what} is not an XML document`);
  return document;
}

function identityOf(
  root: XmlNode,
  what: string,
): { name: string; publisher: string; version: string; identity: XmlNode } {
  const identity = nodes(root.Identity)[0];
  if (!identity) throw new Error(`${what} has no Identity element`);
  const name = attribute(identity, 'Name');
  const publisher = attribute(identity, 'Publisher');
  const version = attribute(identity, 'Version');
  const missing = [
    ['Name', name],
    ['Publisher', publisher],
    ['Version', version],
  ]
    .filter(([, value]) => !value)
    .map(([key]) => key);
  if (missing.length > 0 || !name || !publisher || !version) {
    throw new Error(`${what}: the Identity element lacks ${missing.join(', ')}`);
  }
  return { name, publisher, version, identity };
}

function deviceFamilies(dependencies: unknown): TargetDeviceFamily[] {
  const found: TargetDeviceFamily[] = [];
  for (const dependency of nodes(dependencies)) {
    for (const family of nodes(dependency.TargetDeviceFamily)) {
      const name = attribute(family, 'Name');
      if (!name) continue;
      const minVersion = attribute(family, 'MinVersion');
      found.push(minVersion ? { name, minVersion } : { name });
    }
  }
  return found;
}

/**
 * Parses an `AppxManifest.xml`. `what` names the file in messages (e.g.
 * `out/App.msixupload > App.msix > AppxManifest.xml`).
 * Throws Error naming `what` when the XML is malformed, has no `Package` root or no complete
 * `Identity` (Name, Publisher, Version).
 */
export function parsePackageManifest(xml: string, what: string): PackageManifest {
  const root = nodes(parseXml(xml, what).Package)[0];
  if (!root) throw new Error(`${what} has no Package root element (is it an AppxManifest.xml?)`);
  const { name, publisher, version, identity } = identityOf(root, what);
  return {
    name,
    publisher,
    version,
    architecture: attribute(identity, 'ProcessorArchitecture') || 'neutral',
    targetDeviceFamilies: deviceFamilies(root.Dependencies),
  };
}

/**
 * Parses an `AppxBundleManifest.xml`. Throws Error naming `what` when the XML is malformed, has no
 * `Bundle` root, no complete `Identity`, or no `Package` element with a `FileName`.
 */
export function parseBundleManifest(xml: string, what: string): BundleManifest {
  const root = nodes(parseXml(xml, what).Bundle)[0];
  if (!root) throw new Error(`${what} has no Bundle root element (is it an AppxBundleManifest.xml?)`);
  const { name, publisher, version } = identityOf(root, what);
  const packages: BundledPackage[] = [];
  for (const list of nodes(root.Packages)) {
    for (const element of nodes(list.Package)) {
      const fileName = attribute(element, 'FileName');
      if (!fileName) continue;
      packages.push({
        type: attribute(element, 'Type') === 'resource' ? 'resource' : 'application',
        architecture: attribute(element, 'Architecture') || 'neutral',
        version: attribute(element, 'Version') || version,
        fileName,
        targetDeviceFamilies: deviceFamilies(element.Dependencies),
      });
    }
  }
  if (packages.length === 0) throw new Error(`${what} lists no packages`);
  return { name, publisher, version, packages };
}
