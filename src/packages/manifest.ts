/**
 * Reads the identity out of an `AppxManifest.xml` (packages) or `AppxBundleManifest.xml`
 * (bundles) with fast-xml-parser. Elements are matched by namespace and local name, as Windows
 * reads them: the root and its `Identity` must be in the manifest's own namespace, so an element of
 * another namespace (an extension's, or one placed to mislead) is never taken for them; the prefix
 * a file chooses does not matter. A manifest has exactly one root element.
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
  /** `Properties/ResourcePackage` is true: languages, scales or other resources, no code. */
  resourcePackage: boolean;
  /** `Properties/Framework` is true: a framework package, which no bundle may hold. */
  framework: boolean;
}

/** One `Package` element of a bundle manifest. */
export interface BundledPackage {
  /** `Type`: `application`, or `resource` (languages or scales, no code), the schema's default. */
  type: 'application' | 'resource';
  /** `Architecture` as written; `neutral` when absent. */
  architecture: string;
  version: string;
  /** `FileName`: the package's entry in the bundle, spelled out (the zip's part name may percent-encode it). */
  fileName: string;
  /** `Offset`: where the package's bytes start in the bundle file; undefined when absent. */
  offset?: number;
  /** `Size`: the package's size in bytes; undefined when absent. */
  size?: number;
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

/** Root namespaces of package manifests: Windows 10 and later, and Windows 8. */
const PACKAGE_NAMESPACES = [
  'http://schemas.microsoft.com/appx/manifest/foundation/windows10',
  'http://schemas.microsoft.com/appx/2010/manifest',
];
const BUNDLE_NAMESPACE = 'http://schemas.microsoft.com/appx/2013/bundle';
/** The root namespace of a flat bundle, whose packages are files beside it (MakeAppx bundle /fb). */
const FLAT_BUNDLE_NAMESPACE = 'http://schemas.microsoft.com/appx/2017/bundle';
/** Where `Properties/ResourcePackage` and `Framework` may be: the manifest's namespace, or Windows 8.1's extension. */
const PROPERTY_NAMESPACES = [...PACKAGE_NAMESPACES, 'http://schemas.microsoft.com/appx/2013/manifest'];
/** The bundle schema versions (2016, 2017, 2018, ...) that add elements such as `b4:Dependencies`. */
const BUNDLE_EXTENSION_NAMESPACE = /^http:\/\/schemas\.microsoft\.com\/appx\/20\d\d\/bundle$/;
const BUNDLE_FILE = /\.(msixbundle|appxbundle)$/i;

/** An element with its namespace resolved; attributes without a prefix by name (those the schemas use). */
interface XmlElement {
  namespace: string;
  name: string;
  /** The name as written, with its prefix, for messages. */
  written: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  /** The element's own text, trimmed (its children's left out). */
  text: string;
}

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: false,
    parseAttributeValue: false,
    parseTagValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    preserveOrder: true,
    processEntities: { enabled: true, maxEntityCount: 20, maxTotalExpansions: 100, maxExpandedLength: 10_000 },
  });
}

type OrderedNode = Record<string, unknown>;

/** The elements of fast-xml-parser's ordered output, namespaces resolved from the `xmlns` attributes in scope. */
function elements(nodes: unknown, scope: ReadonlyMap<string, string>, what: string): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const found: XmlElement[] = [];
  for (const node of nodes as OrderedNode[]) {
    const written = Object.keys(node).find((key) => key !== ':@' && !key.startsWith('#'));
    if (written === undefined) continue;
    const raw = (node[':@'] ?? {}) as Record<string, unknown>;
    const inner = new Map(scope);
    const attributes = new Map<string, string>();
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value !== 'string') continue;
      const attribute = key.slice(1);
      if (attribute === 'xmlns') inner.set('', value);
      else if (attribute.startsWith('xmlns:')) inner.set(attribute.slice(6), value);
      else if (!attribute.includes(':')) attributes.set(attribute, value.trim());
    }
    const colon = written.indexOf(':');
    const prefix = colon < 0 ? '' : written.slice(0, colon);
    const namespace = inner.get(prefix);
    if (namespace === undefined && prefix !== '') {
      throw new Error(`${what} is not well-formed XML: the prefix '${prefix}' of <${written}> is not declared`);
    }
    const content = node[written];
    found.push({
      namespace: namespace ?? '',
      name: written.slice(colon + 1),
      written,
      attributes,
      children: elements(content, inner, what),
      text: ownText(content),
    });
  }
  return found;
}

/** The text nodes directly inside an element of fast-xml-parser's ordered output, joined and trimmed. */
function ownText(nodes: unknown): string {
  if (!Array.isArray(nodes)) return '';
  return (nodes as OrderedNode[])
    .map((node) => node['#text'])
    .filter((text) => typeof text === 'string')
    .join('')
    .trim();
}

/** The one root element; refused when there is none, several, or it is not `name` in one of `namespaces`. */
function rootElement(xml: string, what: string, name: string, namespaces: readonly string[]): XmlElement {
  let document: unknown;
  try {
    document = parser().parse(xml);
  } catch (error) {
    throw new Error(`${what} is not well-formed XML: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const roots = elements(document, new Map(), what);
  const [root] = roots;
  const kind = name === 'Bundle' ? 'AppxBundleManifest.xml' : 'AppxManifest.xml';
  if (!root) throw new Error(`${what} has no ${name} root element (is it an ${kind}?)`);
  if (roots.length > 1) {
    throw new Error(
      `${what} has more than one root element (${roots.map((one) => `<${one.written}>`).join(', ')}); an XML document has one`,
    );
  }
  if (root.name !== name) throw new Error(`${what} has no ${name} root element (its root is <${root.written}>)`);
  if (!namespaces.includes(root.namespace)) {
    throw new Error(
      `${what}: its root element ${name} is in the namespace '${root.namespace}', not ${namespaces.join(' or ')}; it is not an ${kind}`,
    );
  }
  return root;
}

function children(parent: XmlElement, name: string, namespace: string | RegExp): XmlElement[] {
  return parent.children.filter(
    (child) =>
      child.name === name &&
      (typeof namespace === 'string' ? child.namespace === namespace : namespace.test(child.namespace)),
  );
}

function identityOf(
  root: XmlElement,
  what: string,
): { name: string; publisher: string; version: string; identity: XmlElement } {
  const identities = children(root, 'Identity', root.namespace);
  const [identity] = identities;
  if (!identity) throw new Error(`${what} has no Identity element in the namespace ${root.namespace}`);
  if (identities.length > 1) throw new Error(`${what} has ${identities.length} Identity elements; a manifest has one`);
  const name = identity.attributes.get('Name');
  const publisher = identity.attributes.get('Publisher');
  const version = identity.attributes.get('Version');
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

/** The `TargetDeviceFamily` elements of `parent`'s `Dependencies`, both in `namespace`. */
function deviceFamilies(parent: XmlElement, namespace: string | RegExp): TargetDeviceFamily[] {
  const found: TargetDeviceFamily[] = [];
  for (const dependencies of children(parent, 'Dependencies', namespace)) {
    for (const family of children(dependencies, 'TargetDeviceFamily', dependencies.namespace)) {
      const name = family.attributes.get('Name');
      if (!name) continue;
      const minVersion = family.attributes.get('MinVersion');
      found.push(minVersion ? { name, minVersion } : { name });
    }
  }
  return found;
}

/**
 * Parses an `AppxManifest.xml` (its text, decoded). `what` names the file in messages (e.g.
 * `out/App.msixupload > App.msix > AppxManifest.xml`).
 * Throws Error naming `what` when the XML is malformed, has no root or several, its root is not a
 * `Package` of the Windows 10 (or Windows 8) manifest namespace, or that namespace has no single
 * complete `Identity` (Name, Publisher, Version).
 */
export function parsePackageManifest(xml: string, what: string): PackageManifest {
  const root = rootElement(xml, what, 'Package', PACKAGE_NAMESPACES);
  const { name, publisher, version, identity } = identityOf(root, what);
  const properties = children(root, 'Properties', root.namespace).flatMap((element) => element.children);
  // xs:boolean: `true` or `1`.
  const isTrue = (property: string): boolean =>
    properties.some(
      (element) =>
        element.name === property &&
        PROPERTY_NAMESPACES.includes(element.namespace) &&
        (element.text === 'true' || element.text === '1'),
    );
  return {
    name,
    publisher,
    version,
    architecture: identity.attributes.get('ProcessorArchitecture') || 'neutral',
    targetDeviceFamilies: deviceFamilies(root, root.namespace),
    resourcePackage: isTrue('ResourcePackage'),
    framework: isTrue('Framework'),
  };
}

/**
 * Parses an `AppxBundleManifest.xml`. Throws Error naming `what` when the XML is malformed, has no
 * root or several, it is a flat bundle's (root in the 2017 bundle namespace), its root is not a
 * `Bundle` of the bundle namespace, that namespace has no single complete `Identity`, `Packages`
 * holds an element of the bundle namespace other than `Package`, an `Offset` or `Size` is not a
 * number, no `Package` element has a `FileName`, or a `Package` names a bundle (a bundle holds
 * packages, never bundles).
 */
export function parseBundleManifest(xml: string, what: string): BundleManifest {
  const root = rootElement(xml, what, 'Bundle', [BUNDLE_NAMESPACE, FLAT_BUNDLE_NAMESPACE]);
  if (root.namespace === FLAT_BUNDLE_NAMESPACE) {
    // docs/store-api.md#bundles-and-their-payloads: the Store takes flat bundles only by arrangement.
    throw new Error(
      `${what}: the bundle is a flat bundle: its packages are files beside it, not in it (root namespace ${FLAT_BUNDLE_NAMESPACE}). ` +
        'The Store takes a flat bundle only from publishers Windows developer support approved, and an upload holds the ' +
        'bundle file alone. Build a bundle that holds its packages (MakeAppx bundle without /fb, or Visual Studio: Create App Packages)',
    );
  }
  const { name, publisher, version } = identityOf(root, what);
  const packages: BundledPackage[] = [];
  for (const list of children(root, 'Packages', BUNDLE_NAMESPACE)) {
    const unknown = list.children.find((child) => child.namespace === BUNDLE_NAMESPACE && child.name !== 'Package');
    if (unknown) {
      throw new Error(
        `${what} holds <${unknown.written}> under Packages, which the bundle schema does not define (only <Package>)`,
      );
    }
    for (const element of children(list, 'Package', BUNDLE_NAMESPACE)) {
      const fileName = element.attributes.get('FileName');
      if (!fileName) continue;
      if (BUNDLE_FILE.test(fileName)) {
        throw new Error(
          `${what} names ${fileName}, a bundle inside a bundle; a bundle holds packages (.msix, .appx) only. Bundle the packages themselves`,
        );
      }
      const offset = byteCount(element, 'Offset', what);
      const size = byteCount(element, 'Size', what);
      packages.push({
        type: element.attributes.get('Type') === 'application' ? 'application' : 'resource',
        architecture: element.attributes.get('Architecture') || 'neutral',
        version: element.attributes.get('Version') || version,
        fileName,
        ...(offset === undefined ? {} : { offset }),
        ...(size === undefined ? {} : { size }),
        targetDeviceFamilies: deviceFamilies(element, BUNDLE_EXTENSION_NAMESPACE),
      });
    }
  }
  if (packages.length === 0) throw new Error(`${what} lists no packages`);
  return { name, publisher, version, packages };
}

/** A `Package` element's `Offset` or `Size` (an unsignedLong of the schema); undefined when absent. */
function byteCount(element: XmlElement, attribute: 'Offset' | 'Size', what: string): number | undefined {
  const text = element.attributes.get(attribute);
  if (text === undefined) return undefined;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new Error(
      `${what}: the Package ${element.attributes.get('FileName') ?? ''} has ${attribute}="${text}", not a byte count`,
    );
  }
  return value;
}
