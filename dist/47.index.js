export const id = 47;
export const ids = [47];
export const modules = {

/***/ 65047:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  readPackage: () => (/* binding */ readPackage),
  readPackages: () => (/* binding */ readPackages)
});

// UNUSED EXPORTS: PackageReadError

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/stop.ts
var stop = __webpack_require__(51123);
// EXTERNAL MODULE: ./src/packages/identity.ts
var packages_identity = __webpack_require__(3583);
;// CONCATENATED MODULE: ./src/packages/bundle-payloads.ts

/** A payload's file name: `.msix` or `.appx` (Windows refuses any other FileName in a bundle). */
const PAYLOAD_NAME = /\.(msix|appx)$/i;
/** Zip entries named like packages, whether or not the manifest lists them. */
const PACKAGE_NAME = /\.(msix|appx|msixbundle|appxbundle)$/i;
/** The newest Windows release (1809) for which a bundle may hold only one neutral application package. */
const ONE_NEUTRAL_UP_TO = [10, 0, 17763, 0];
const FIX = 'Build the bundle again from the packages as built (MakeAppx bundle, or Visual Studio: Create App Packages), ' +
    'and do not edit it afterwards';
/**
 * The key by which a bundle's zip entry is matched to a manifest `FileName`: the OPC part name
 * decoded (percent-encoded UTF-8, as OPC writes names outside ASCII), then as fileNameKey. A name
 * that is not valid percent-encoding is kept as written. Never throws.
 */
function partKey(entryName) {
    let decoded = entryName;
    try {
        decoded = decodeURIComponent(entryName);
    }
    catch {
        // Not percent-encoding: the name as written is the part name.
    }
    return fileNameKey(decoded);
}
/** A manifest `FileName` as partKey compares it: spelled out as written, `\` as `/`, lower case (part names ignore case). */
function fileNameKey(fileName) {
    return fileName.replaceAll('\\', '/').toLowerCase();
}
/**
 * Checks the manifest's `Package` list against the bundle's zip entries (`entries` keyed by
 * partKey: the package-named entries), before any payload is read. In manifest
 * order, each declared package: a `.msix`/`.appx` FileName, named once, held by the bundle, stored
 * (never compressed), of the declared `Size`. Then: at least one application package, and no
 * package-named entry the manifest leaves out. Returns each declared payload with its entry, in
 * manifest order. Throws Error naming `label` (the bundle) and the payload.
 */
function declaredPayloads(bundle, entries, label) {
    const manifest = `${label}'s AppxBundleManifest.xml`;
    const found = new Map();
    for (const declared of bundle.packages) {
        const key = fileNameKey(declared.fileName);
        if (!PAYLOAD_NAME.test(declared.fileName)) {
            throw new Error(`${manifest} declares ${declared.fileName}; a bundle's packages are .msix or .appx files. ${FIX}`);
        }
        if (found.has(key))
            throw new Error(`${manifest} declares ${declared.fileName} more than once. ${FIX}`);
        const entry = entries.get(key);
        if (!entry) {
            throw new Error(`${manifest} declares ${declared.fileName}, which the bundle does not hold; Windows refuses a bundle ` +
                `whose manifest names a package it lacks. ${FIX}`);
        }
        const what = `${label} > ${declared.fileName}`;
        if (entry.compressionMethod !== 0) {
            throw new Error(`${what} is compressed; Windows refuses a bundle whose packages are compressed. ` +
                'Bundle the packages stored, as MakeAppx bundle does');
        }
        if (declared.size !== undefined && declared.size !== entry.uncompressedSize) {
            throw new Error(`${what} is ${entry.uncompressedSize} bytes, but AppxBundleManifest.xml declares Size ${declared.size}. ${FIX}`);
        }
        found.set(key, { declared, entry });
    }
    if (!bundle.packages.some((declared) => declared.type === 'application')) {
        throw new Error(`${manifest} declares only resource packages (${bundle.packages.map((one) => one.fileName).join(', ')}); ` +
            `a bundle holds at least one application package. ${FIX}`);
    }
    for (const [key, entry] of entries) {
        if (!found.has(key) && PACKAGE_NAME.test(key)) {
            throw new Error(`${label} holds ${entry.fileName}, which its AppxBundleManifest.xml does not list; Windows installs only ` +
                `the packages a bundle's manifest lists. ${FIX}`);
        }
    }
    return [...found.values()];
}
/**
 * Checks that a payload starts where the manifest's `Offset` says (when it gives one): Windows reads
 * a bundle's packages at their offsets. `dataStart` is the byte of the bundle file where the entry's
 * data starts. Throws Error naming the payload and both offsets.
 */
function checkPayloadOffset(declared, dataStart, label) {
    if (declared.offset === undefined || declared.offset === dataStart)
        return;
    throw new Error(`${label} > ${declared.fileName} starts at byte ${dataStart} of the bundle, but AppxBundleManifest.xml ` +
        `declares Offset ${declared.offset}. ${FIX}`);
}
/**
 * Checks a payload's own AppxManifest.xml against its bundle: the bundle's Identity Name (compared
 * without case, as package names are) and Publisher (exactly), the declared Version (numerically),
 * no framework package, the declared Type (a payload is a resource package when its
 * Properties/ResourcePackage is true) and Architecture (without case; absent is neutral). Throws Error naming the payload,
 * the field and both values.
 */
function checkPayloadIdentity(bundle, declared, payload, label) {
    const what = `${label} > ${declared.fileName}`;
    const differs = (field, own, other, whose) => new Error(`${what}: its ${field} is '${own}', but ${whose} '${other}'. ${FIX}`);
    if (payload.name.toLowerCase() !== bundle.name.toLowerCase()) {
        throw differs('Identity Name', payload.name, bundle.name, "the bundle's is");
    }
    if (payload.publisher !== bundle.publisher) {
        throw differs('Identity Publisher', payload.publisher, bundle.publisher, "the bundle's is");
    }
    if (!(0,packages_identity/* sameVersion */.r1)(payload.version, declared.version)) {
        throw differs('Identity Version', payload.version, declared.version, 'AppxBundleManifest.xml declares Version');
    }
    if (payload.framework) {
        throw new Error(`${what} is a framework package (Properties/Framework is true); a bundle cannot hold one. ${FIX}`);
    }
    if (payload.resourcePackage && declared.type === 'application') {
        throw new Error(`${what} is a resource package (its Properties/ResourcePackage is true), but AppxBundleManifest.xml declares it ` +
            `Type="application". ${FIX}`);
    }
    if (!payload.resourcePackage && declared.type === 'resource') {
        throw new Error(`${what} is an application package (no Properties/ResourcePackage), but AppxBundleManifest.xml declares it ` +
            `Type="resource". ${FIX}`);
    }
    if (payload.architecture.toLowerCase() !== declared.architecture.toLowerCase()) {
        throw differs('ProcessorArchitecture', payload.architecture, declared.architecture, 'AppxBundleManifest.xml declares Architecture');
    }
}
/**
 * Checks the neutral application packages of a bundle, as MakeAppx does: two of them are refused
 * when any of them targets Windows 10.0.17763.0 or older (or names no device family, as Windows 8
 * packages do), and otherwise when two target one device family. Throws Error naming both packages.
 */
function checkNeutralApplications(applications, label) {
    const neutral = applications.filter((application) => application.architecture.toLowerCase() === 'neutral');
    const [first, second] = neutral;
    if (!first || !second)
        return;
    const old = neutral.some((application) => application.targetDeviceFamilies.length === 0 ||
        application.targetDeviceFamilies.some((family) => {
            const version = family.minVersion === undefined ? undefined : (0,packages_identity/* parseVersion */.ot)(family.minVersion);
            return !version || (0,packages_identity/* compareVersions */.Zy)(version, ONE_NEUTRAL_UP_TO) <= 0;
        }));
    if (old) {
        throw new Error(`${label} holds two neutral application packages, ${first.fileName} and ${second.fileName}; a bundle whose ` +
            'packages target Windows 10.0.17763.0 or older holds at most one. Give each application package its ' +
            `architecture, or keep one neutral package. ${FIX}`);
    }
    const byFamily = new Map();
    for (const application of neutral) {
        for (const family of application.targetDeviceFamilies) {
            const other = byFamily.get(family.name.toLowerCase());
            if (other !== undefined && other !== application.fileName) {
                throw new Error(`${label} holds two neutral application packages for ${family.name}, ${other} and ${application.fileName}; ` +
                    `a bundle holds at most one neutral application package per device family. ${FIX}`);
            }
            byFamily.set(family.name.toLowerCase(), application.fileName);
        }
    }
}

// EXTERNAL MODULE: ./node_modules/fast-xml-parser/src/xmlparser/XMLParser.js + 23 modules
var XMLParser = __webpack_require__(41143);
;// CONCATENATED MODULE: ./src/packages/manifest.ts
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
function parser() {
    return new XMLParser/* default */.A({
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
/** The elements of fast-xml-parser's ordered output, namespaces resolved from the `xmlns` attributes in scope. */
function manifest_elements(nodes, scope, what) {
    if (!Array.isArray(nodes))
        return [];
    const found = [];
    for (const node of nodes) {
        const written = Object.keys(node).find((key) => key !== ':@' && !key.startsWith('#'));
        if (written === undefined)
            continue;
        const raw = (node[':@'] ?? {});
        const inner = new Map(scope);
        const attributes = new Map();
        for (const [key, value] of Object.entries(raw)) {
            if (typeof value !== 'string')
                continue;
            const attribute = key.slice(1);
            if (attribute === 'xmlns')
                inner.set('', value);
            else if (attribute.startsWith('xmlns:'))
                inner.set(attribute.slice(6), value);
            else if (!attribute.includes(':'))
                attributes.set(attribute, value.trim());
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
            children: manifest_elements(content, inner, what),
            text: ownText(content),
        });
    }
    return found;
}
/** The text nodes directly inside an element of fast-xml-parser's ordered output, joined and trimmed. */
function ownText(nodes) {
    if (!Array.isArray(nodes))
        return '';
    return nodes
        .map((node) => node['#text'])
        .filter((text) => typeof text === 'string')
        .join('')
        .trim();
}
/** The one root element; refused when there is none, several, or it is not `name` in one of `namespaces`. */
function rootElement(xml, what, name, namespaces) {
    let document;
    try {
        document = parser().parse(xml);
    }
    catch (error) {
        throw new Error(`${what} is not well-formed XML: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
        });
    }
    const roots = manifest_elements(document, new Map(), what);
    const [root] = roots;
    const kind = name === 'Bundle' ? 'AppxBundleManifest.xml' : 'AppxManifest.xml';
    if (!root)
        throw new Error(`${what} has no ${name} root element (is it an ${kind}?)`);
    if (roots.length > 1) {
        throw new Error(`${what} has more than one root element (${roots.map((one) => `<${one.written}>`).join(', ')}); an XML document has one`);
    }
    if (root.name !== name)
        throw new Error(`${what} has no ${name} root element (its root is <${root.written}>)`);
    if (!namespaces.includes(root.namespace)) {
        throw new Error(`${what}: its root element ${name} is in the namespace '${root.namespace}', not ${namespaces.join(' or ')}; it is not an ${kind}`);
    }
    return root;
}
function children(parent, name, namespace) {
    return parent.children.filter((child) => child.name === name &&
        (typeof namespace === 'string' ? child.namespace === namespace : namespace.test(child.namespace)));
}
function identityOf(root, what) {
    const identities = children(root, 'Identity', root.namespace);
    const [identity] = identities;
    if (!identity)
        throw new Error(`${what} has no Identity element in the namespace ${root.namespace}`);
    if (identities.length > 1)
        throw new Error(`${what} has ${identities.length} Identity elements; a manifest has one`);
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
function deviceFamilies(parent, namespace) {
    const found = [];
    for (const dependencies of children(parent, 'Dependencies', namespace)) {
        for (const family of children(dependencies, 'TargetDeviceFamily', dependencies.namespace)) {
            const name = family.attributes.get('Name');
            if (!name)
                continue;
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
function parsePackageManifest(xml, what) {
    const root = rootElement(xml, what, 'Package', PACKAGE_NAMESPACES);
    const { name, publisher, version, identity } = identityOf(root, what);
    const properties = children(root, 'Properties', root.namespace).flatMap((element) => element.children);
    // xs:boolean: `true` or `1`.
    const isTrue = (property) => properties.some((element) => element.name === property &&
        PROPERTY_NAMESPACES.includes(element.namespace) &&
        (element.text === 'true' || element.text === '1'));
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
function parseBundleManifest(xml, what) {
    const root = rootElement(xml, what, 'Bundle', [BUNDLE_NAMESPACE, FLAT_BUNDLE_NAMESPACE]);
    if (root.namespace === FLAT_BUNDLE_NAMESPACE) {
        // docs/store-api.md#bundles-and-their-payloads: the Store takes flat bundles only by arrangement.
        throw new Error(`${what}: the bundle is a flat bundle: its packages are files beside it, not in it (root namespace ${FLAT_BUNDLE_NAMESPACE}). ` +
            'The Store takes a flat bundle only from publishers Windows developer support approved, and an upload holds the ' +
            'bundle file alone. Build a bundle that holds its packages (MakeAppx bundle without /fb, or Visual Studio: Create App Packages)');
    }
    const { name, publisher, version } = identityOf(root, what);
    const packages = [];
    for (const list of children(root, 'Packages', BUNDLE_NAMESPACE)) {
        const unknown = list.children.find((child) => child.namespace === BUNDLE_NAMESPACE && child.name !== 'Package');
        if (unknown) {
            throw new Error(`${what} holds <${unknown.written}> under Packages, which the bundle schema does not define (only <Package>)`);
        }
        for (const element of children(list, 'Package', BUNDLE_NAMESPACE)) {
            const fileName = element.attributes.get('FileName');
            if (!fileName)
                continue;
            if (BUNDLE_FILE.test(fileName)) {
                throw new Error(`${what} names ${fileName}, a bundle inside a bundle; a bundle holds packages (.msix, .appx) only. Bundle the packages themselves`);
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
    if (packages.length === 0)
        throw new Error(`${what} lists no packages`);
    return { name, publisher, version, packages };
}
/** A `Package` element's `Offset` or `Size` (an unsignedLong of the schema); undefined when absent. */
function byteCount(element, attribute, what) {
    const text = element.attributes.get(attribute);
    if (text === undefined)
        return undefined;
    const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value)) {
        throw new Error(`${what}: the Package ${element.attributes.get('FileName') ?? ''} has ${attribute}="${text}", not a byte count`);
    }
    return value;
}

// EXTERNAL MODULE: ./src/packages/names.ts
var names = __webpack_require__(24493);
;// CONCATENATED MODULE: ./src/packages/byte-sources.ts


/** Bytes of inflated data kept per window when a deflated inner package is read. */
const WINDOW_BYTES = 4 * 1024 * 1024;
/** How many times a deflated entry may be inflated from its start (see the module comment). */
const MAX_INFLATE_PASSES = 2;
/** A zip entry whose data disagrees with the size its directory entry declares; the message names it. */
class EntrySizeError extends Error {
    name = 'EntrySizeError';
}
/**
 * The refusal of a zip entry whose stream gives more bytes than the entry declares (`what` names the
 * package and the entry): a damaged or altered file, which Windows refuses too.
 */
function inflatedPastDeclared(what, declared) {
    return new EntrySizeError(`${what} inflates to more than the ${declared} bytes its zip entry declares; the file is damaged or was altered. Build the package again`);
}
/**
 * The refusal of a zip entry whose stream ends before the size the entry declares (`what` names the
 * package and the entry): a truncated or damaged file, which Windows refuses too.
 */
function inflatedShortOfDeclared(what, produced, declared) {
    return new EntrySizeError(`${what} inflates to ${produced} bytes, fewer than the ${declared} its zip entry declares; the file is damaged or was altered. Build the package again`);
}
/** `error` of reading `what`'s stream, named: a size refusal as it is, anything else with `what`. */
function entryStreamError(error, what) {
    if (error instanceof EntrySizeError)
        return error;
    return new Error(`${what} cannot be inflated: ${(0,errors/* errorMessage */.gJ)(error)}`, { cause: error });
}
class FileSource {
    handle;
    size;
    stats;
    constructor(handle, size, stats) {
        this.handle = handle;
        this.size = size;
        this.stats = stats;
    }
    async read(start, end) {
        const buffer = Buffer.alloc(end - start);
        let filled = 0;
        while (filled < buffer.length) {
            const { bytesRead } = await this.handle.read(buffer, filled, buffer.length - filled, start + filled);
            if (bytesRead === 0)
                throw new Error(`the file ended at byte ${start + filled} (it is ${this.size} bytes long)`);
            filled += bytesRead;
        }
        this.stats.fileBytes += filled;
        return buffer;
    }
}
/** A stored entry: a range of its parent. */
class SliceSource {
    parent;
    base;
    size;
    constructor(parent, base, size) {
        this.parent = parent;
        this.base = base;
        this.size = size;
    }
    read(start, end) {
        return this.parent.read(this.base + start, this.base + end);
    }
}
/** A deflated entry, inflated as a forward stream; see the module comment. */
class InflatedSource {
    openStream;
    size;
    context;
    what;
    windows = [];
    /** The stream being read; its iterator never ends before `size` bytes (see the constructor), and none is read past them. */
    cursor;
    queue = Promise.resolve();
    passes = 0;
    /**
     * `what` names the entry in messages (`App.msixupload > App.msixbundle`); `size` is the size it
     * declares. Each stream `openStream` gives must yield exactly `size` bytes or fail (openEntryStream's
     * do), so a read, never past `size`, meets no early end.
     */
    constructor(openStream, size, context, what) {
        this.openStream = openStream;
        this.size = size;
        this.context = context;
        this.what = what;
    }
    read(start, end) {
        // yauzl reads one range at a time, but serialise anyway: the stream has one position.
        const result = this.queue.then(() => this.readNow(start, end));
        this.queue = result.catch(() => undefined);
        return result;
    }
    async close() {
        await this.queue;
        this.cursor?.stream.destroy();
        this.cursor = undefined;
        this.windows = [];
        this.account();
    }
    async readNow(start, end) {
        if (start < 0 || end > this.size || end < start)
            throw new Error(`read of bytes ${start}-${end} outside an entry of ${this.size} bytes`);
        const hit = this.windows.find((window) => window.start <= start && end <= window.start + window.bytes.length);
        if (hit)
            return Buffer.from(hit.bytes.subarray(start - hit.start, end - hit.start));
        // Keep a window around the range: reaching back from its end (zip readers walk backwards from
        // the end record to the directory), or forward from its start; never back past the stream's
        // position when the range lies ahead of it, which would cost a pass.
        const ahead = this.cursor && this.cursor.position <= start ? this.cursor.position : 0;
        const windowStart = Math.max(ahead, Math.min(start, end - WINDOW_BYTES));
        const windowEnd = Math.min(this.size, Math.max(end, windowStart + WINDOW_BYTES));
        const bytes = Buffer.alloc(windowEnd - windowStart);
        await this.fill(bytes, windowStart);
        this.windows.push({ start: windowStart, bytes });
        if (this.windows.length > 2)
            this.windows.splice(0, this.windows.length - 2);
        this.account();
        return Buffer.from(bytes.subarray(start - windowStart, end - windowStart));
    }
    /** Copies inflated bytes [from, from + into.length) into `into`, streaming forward. */
    async fill(into, from) {
        if (!this.cursor || this.cursor.position > from) {
            this.cursor?.stream.destroy();
            this.cursor = undefined;
            if (this.passes === MAX_INFLATE_PASSES) {
                throw new Error(`${this.what} is deflated, and its parts lie in an order that needs more than ${MAX_INFLATE_PASSES} passes through it; ` +
                    'store it (no compression) in the upload file, as Visual Studio does');
            }
            this.passes++;
            const stream = await this.openStream();
            this.cursor = {
                iterator: stream[Symbol.asyncIterator](),
                stream,
                position: 0,
                pending: undefined,
            };
        }
        const cursor = this.cursor;
        const to = from + into.length;
        while (cursor.position < to) {
            let chunk = cursor.pending;
            cursor.pending = undefined;
            if (!chunk) {
                (0,stop/* throwIfStopped */.$J)(this.context.signal);
                const next = await cursor.iterator.next().catch((error) => {
                    throw entryStreamError(error, this.what);
                });
                chunk = next.value;
                this.context.stats.inflatedBytes += chunk.length;
            }
            const chunkStart = cursor.position;
            const chunkEnd = chunkStart + chunk.length;
            const copyFrom = Math.max(chunkStart, from);
            const copyTo = Math.min(chunkEnd, to);
            if (copyFrom < copyTo)
                chunk.copy(into, copyFrom - from, copyFrom - chunkStart, copyTo - chunkStart);
            if (chunkEnd > to) {
                // Keep the rest for the next forward read instead of inflating it again.
                cursor.pending = chunk.subarray(to - chunkStart);
                cursor.position = to;
            }
            else {
                cursor.position = chunkEnd;
            }
        }
    }
    /** Bytes this source holds now: its windows and the unread rest of the last inflated chunk. */
    held = 0;
    /** Updates the read's count of inflated bytes held (all sources together) and its peak. */
    account() {
        const held = this.windows.reduce((sum, window) => sum + window.bytes.length, 0) + (this.cursor?.pending?.length ?? 0);
        this.context.buffered += held - this.held;
        this.held = held;
        this.context.stats.peakBufferedBytes = Math.max(this.context.stats.peakBufferedBytes, this.context.buffered);
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
var external_node_zlib_default = /*#__PURE__*/__webpack_require__.n(external_node_zlib_);
// EXTERNAL MODULE: ./node_modules/yauzl/index.js
var yauzl = __webpack_require__(20663);
;// CONCATENATED MODULE: ./src/packages/xml-encoding.ts
/**
 * The text of a manifest's bytes, with its encoding found as an XML processor finds it (XML 1.0,
 * appendix F): a byte order mark, else the pattern of the first bytes (`<` in UTF-16 or UTF-32),
 * else the encoding declaration, else UTF-8. Only UTF-8 and UTF-16 are read, the two encodings
 * every XML processor must read and the ones Windows' packaging tools write
 * (docs/store-api.md#package-identity); any other is refused by name, never guessed.
 */
const ENCODING_DECLARATION = /^<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/;
/**
 * Decodes a manifest (bytes as stored in the package). `what` names it in messages.
 * Throws Error naming `what` and the encoding when it is UTF-32 or EBCDIC, declares an encoding
 * other than UTF-8 or UTF-16, declares one its bytes are not in, or is not valid UTF-8.
 */
function decodeXml(bytes, what) {
    const { encoding, start } = detect(bytes, what);
    const body = bytes.subarray(start);
    // The declaration is ASCII: read it before the rest is decoded, so an encoding it names is what a refusal says.
    const head = encoding === 'UTF-8' ? body.subarray(0, 512).toString('latin1') : utf16(body.subarray(0, 1024), encoding);
    const declared = ENCODING_DECLARATION.exec(head)?.[2];
    checkDeclared(declared, encoding, what);
    return encoding === 'UTF-8' ? utf8(body, what) : utf16(body, encoding);
}
/** Refuses a declared encoding other than UTF-8 and UTF-16, or one the bytes are not in. */
function checkDeclared(declared, encoding, what) {
    if (declared === undefined)
        return;
    const name = declared.toLowerCase();
    if (name !== 'utf-8' && !name.startsWith('utf-16')) {
        throw new Error(`${what} declares the encoding '${declared}'; Windows reads package manifests in UTF-8 or UTF-16 only. ` +
            'Save the manifest as UTF-8 (with encoding="utf-8"), as Visual Studio and MakeAppx write it, and build the package again');
    }
    const matches = encoding === 'UTF-8' ? name === 'utf-8' : name === 'utf-16' || name === encoding.toLowerCase();
    if (!matches) {
        throw new Error(`${what} is in ${encoding} but declares the encoding '${declared}'. Save it as UTF-8 with encoding="utf-8" and build the package again`);
    }
}
/** The encoding from the byte order mark or the first bytes, and where the text starts. */
function detect(bytes, what) {
    const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
    const refuse = (encoding) => {
        throw new Error(`${what} is in ${encoding}; Windows reads package manifests in UTF-8 or UTF-16 only. Save it as UTF-8 and build the package again`);
    };
    if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf)
        return { encoding: 'UTF-8', start: 3 };
    if ((b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) || (b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x3c))
        return refuse('UTF-32 (big-endian)');
    if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0x3c && b1 === 0 && b2 === 0 && b3 === 0))
        return refuse('UTF-32 (little-endian)');
    if (b0 === 0xff && b1 === 0xfe)
        return { encoding: 'UTF-16LE', start: 2 };
    if (b0 === 0xfe && b1 === 0xff)
        return { encoding: 'UTF-16BE', start: 2 };
    // No byte order mark: a manifest starts with '<' (of '<?xml' or its root), one byte of it zero in UTF-16.
    if (b0 === 0x3c && b1 === 0)
        return { encoding: 'UTF-16LE', start: 0 };
    if (b0 === 0 && b1 === 0x3c)
        return { encoding: 'UTF-16BE', start: 0 };
    if (b0 === 0x4c && b1 === 0x6f && b2 === 0xa7 && b3 === 0x94)
        return refuse('EBCDIC');
    return { encoding: 'UTF-8', start: 0 };
}
function utf8(bytes, what) {
    try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    }
    catch {
        // The valid prefix encodes back to the same bytes: the first difference is the first bad byte.
        const again = Buffer.from(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
        let at = 0;
        while (at < bytes.length && bytes[at] === again[at])
            at++;
        throw new Error(`${what} is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at}); ` +
            'Windows reads a manifest without a byte order mark or an encoding declaration as UTF-8. Save it as UTF-8 and build the package again');
    }
}
function utf16(bytes, encoding) {
    const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
    return (encoding === 'UTF-16LE' ? even : Buffer.from(even).swap16()).toString('utf16le');
}

;// CONCATENATED MODULE: ./src/packages/zip-reader.ts
/**
 * Zips over byte sources (./byte-sources.ts) with yauzl through its RandomAccessReader, so only the
 * central directory, an entry's local header and the entries asked for are read. A zip entry that
 * is itself a zip (a package in an upload file or a bundle) opens as a source of its own: stored,
 * in place; deflated, inflated as a stream.
 *
 * The structure is checked as Windows checks it (docs/store-api.md#what-windows-opens-in-a-package-zip):
 * the end records must agree with the central directory they point to, and the local header of
 * every entry read with its directory entry; a deflated entry is read to the size its directory
 * entry declares, never to another, whether or not its stream ends with a final block.
 */







/** A manifest larger than this is refused (real ones are a few KiB to a few hundred KiB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest read handed to a stream at once. */
const CHUNK_BYTES = 1024 * 1024;
/** Bytes read at once for yauzl's small reads: a directory of many entries costs a few reads, not two per entry. */
const READ_AHEAD_BYTES = 16 * 1024;
/**
 * The zip of an entry of `zip` (whose bytes come from `parent`): in place when stored, inflated when
 * deflated (never past its declared size). `what` names the entry in messages.
 */
async function innerSource(zip, entry, parent, context, what) {
    refuseUnreadable(entry, what);
    if (entry.compressionMethod === 0) {
        return new SliceSource(parent, await checkedDataStart(zip, entry, what), entry.uncompressedSize);
    }
    const source = new InflatedSource(() => openEntryStream(zip, entry, what), entry.uncompressedSize, context, what);
    context.inflated.push(source);
    return source;
}
/**
 * yauzl's reader over a ByteSource; streams are served in chunks so no large range is held, and
 * small reads (directory entries, local headers) from one block read ahead.
 */
class SourceReader extends yauzl.RandomAccessReader {
    source;
    block;
    constructor(source) {
        super();
        this.source = source;
    }
    _readStreamForRange(start, end) {
        const source = this.source;
        async function* chunks() {
            for (let at = start; at < end; at += CHUNK_BYTES)
                yield await source.read(at, Math.min(end, at + CHUNK_BYTES));
        }
        return external_node_stream_.Readable.from(chunks(), { objectMode: false });
    }
    read(buffer, offset, length, position, callback) {
        this.blockHolding(position, length).then((block) => {
            block.bytes.copy(buffer, offset, position - block.start, position - block.start + length);
            callback(null);
        }, (error) => callback(error instanceof Error ? error : new Error(String(error))));
    }
    /** The kept block when it holds [position, position + length), else a new one from `position`. */
    async blockHolding(position, length) {
        const kept = this.block;
        if (kept && position >= kept.start && position + length <= kept.start + kept.bytes.length)
            return kept;
        const end = Math.max(position + length, Math.min(this.source.size, position + READ_AHEAD_BYTES));
        this.block = { start: position, bytes: await this.source.read(position, end) };
        return this.block;
    }
    close(callback) {
        setImmediate(() => callback(null));
    }
}
/** Opens the zip held by `source`, runs `use`, and closes it (and any inner inflated sources). */
async function withZip(source, label, context, use) {
    const depth = context.inflated.length;
    // The end records first: yauzl would follow a bogus Zip64 locator and say only that it is no zip.
    const end = await readEndRecord(source, label);
    let zip;
    try {
        zip = await new Promise((resolve, reject) => {
            yauzl.fromRandomAccessReader(new SourceReader(source), source.size, { lazyEntries: true, autoClose: false }, (error, opened) => (error ? reject(error) : resolve(opened)));
        });
    }
    catch (error) {
        throw new Error(`${label} is not a zip file (${(0,errors/* errorMessage */.gJ)(error)})`, { cause: error });
    }
    try {
        directoryChecks.set(zip, (walked) => checkDirectory(end, walked, label));
        return await use(zip);
    }
    finally {
        // Sources opened on entries of this zip stream through it: end them first.
        for (const inflated of context.inflated.splice(depth).reverse())
            await inflated.close();
        zip.close();
    }
}
/**
 * The entries whose lower-cased name (forward slashes) passes `wanted`, by that name, from the
 * central directory only: a look-up costs nothing whatever the entry count. Zip part names are
 * compared without regard to case, so several entries under one key are one name given twice.
 * Rejects when the directory walked disagrees with the zip's end records (see checkDirectory), and
 * with the run's stop reason when it stops during the walk.
 */
function entriesByName(zip, wanted, context) {
    return new Promise((resolve, reject) => {
        const found = new Map();
        const walked = { bytes: 0, entries: 0 };
        const onEntry = (entry) => {
            if (context.signal?.aborted) {
                done(context.signal.reason);
                return;
            }
            walked.bytes += CENTRAL_HEADER_BYTES + entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength;
            walked.entries++;
            const name = entry.fileName.toLowerCase();
            if (wanted(name))
                found.set(name, [...(found.get(name) ?? []), entry]);
            zip.readEntry();
        };
        const done = (error) => {
            zip.off('entry', onEntry);
            zip.off('end', onEnd);
            zip.off('error', onError);
            if (error)
                reject(error);
            else
                resolve(found);
        };
        const onEnd = () => {
            try {
                directoryChecks.get(zip)?.(walked);
                done();
            }
            catch (error) {
                done(error);
            }
        };
        const onError = (error) => done(error);
        zip.on('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        (0,stop/* throwIfStopped */.$J)(context.signal);
        zip.readEntry();
    });
}
/** General purpose flag bit 3: the sizes and CRC follow the data (a data descriptor). */
const DATA_DESCRIPTOR_FLAG = 0x08;
/**
 * Where `entry`'s data starts, after checking its local header against its directory entry: the
 * same name bytes, compression method and data-descriptor flag. Throws naming `what` otherwise, or
 * when no local header starts where the directory entry points.
 */
async function checkedDataStart(zip, entry, what) {
    const header = await new Promise((resolve, reject) => {
        zip.readLocalFileHeader(entry, { minimal: false }, (error, found) => error ? reject(error) : resolve(found));
    }).catch((error) => {
        // An inner package inflated short or long is refused as such; anything else is a header that is not there.
        if (error instanceof EntrySizeError)
            throw error;
        throw new Error(`${what} is damaged: its central directory entry points to byte ${entry.relativeOffsetOfLocalHeader}, where no ` +
            `local header starts (${(0,errors/* errorMessage */.gJ)(error)}). Windows refuses such a package; build the package again`, { cause: error });
    });
    const directoryName = entry.fileNameRaw;
    let disagreement;
    if (!header.fileName.equals(directoryName)) {
        disagreement = `its local header names '${header.fileName.toString()}', the central directory '${directoryName.toString()}'`;
    }
    else if (header.compressionMethod !== entry.compressionMethod) {
        disagreement = `its local header gives compression method ${header.compressionMethod}, the central directory ${entry.compressionMethod}`;
    }
    else if ((header.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG) !==
        (entry.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG)) {
        disagreement = 'its local header and the central directory disagree on whether a data descriptor follows the data';
    }
    if (disagreement) {
        throw new Error(`${what} is damaged: ${disagreement}. Windows refuses a package whose local headers disagree with its directory; build the package again`);
    }
    return header.fileDataStart;
}
/** Refuses an entry no package has: encrypted, or compressed by a method other than deflate. */
function refuseUnreadable(entry, what) {
    if (entry.isEncrypted())
        throw new Error(`${what} is encrypted; a package's entries never are`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
        throw new Error(`${what} uses compression method ${entry.compressionMethod}; only stored and deflated entries can be read`);
    }
}
/**
 * The bytes of `entry` as a stream, after its local header is checked (checkedDataStart): stored
 * as they are; deflated, inflated to exactly the size its directory entry declares. A deflate
 * stream may end without a final block, which Windows reads (it inflates up to the declared size),
 * so the stream is flushed rather than required to finish; a stream giving more or fewer bytes
 * than declared fails with EntrySizeError naming `what`. Throws as refuseUnreadable does.
 */
async function openEntryStream(zip, entry, what) {
    refuseUnreadable(entry, what);
    await checkedDataStart(zip, entry, what);
    const compressed = await new Promise((resolve, reject) => {
        const raw = { decompress: entry.compressionMethod === 8 ? false : null, decrypt: null, start: null, end: null };
        zip.openReadStream(entry, raw, (error, stream) => (error ? reject(error) : resolve(stream)));
    });
    if (entry.compressionMethod === 0)
        return compressed;
    return external_node_stream_.Readable.from(inflateToDeclared(compressed, entry.uncompressedSize, what), { objectMode: false });
}
async function* inflateToDeclared(compressed, declared, what) {
    const inflater = external_node_zlib_default().createInflateRaw({ finishFlush: (external_node_zlib_default()).constants.Z_SYNC_FLUSH });
    compressed.on('error', (error) => inflater.destroy(error));
    compressed.pipe(inflater);
    let produced = 0;
    try {
        for await (const chunk of inflater) {
            produced += chunk.length;
            // Ending here ends the stream: nothing past the declared size is inflated.
            if (produced > declared)
                throw inflatedPastDeclared(what, declared);
            yield chunk;
        }
    }
    finally {
        compressed.destroy();
        inflater.destroy();
    }
    if (produced < declared)
        throw inflatedShortOfDeclared(what, produced, declared);
}
/**
 * The text of a manifest entry, decoded as XML says (./xml-encoding.ts). `what` names the package
 * and the entry. Throws when it is larger than any real manifest, its local header disagrees with
 * its directory entry, it inflates to another size than it declares, or is in an encoding Windows
 * does not read.
 */
async function readText(zip, entry, what) {
    if (entry.uncompressedSize > MAX_MANIFEST_BYTES || entry.compressedSize > MAX_MANIFEST_BYTES) {
        throw new Error(`${what} is ${entry.uncompressedSize} bytes, larger than any real manifest (${MAX_MANIFEST_BYTES} bytes at most)`);
    }
    const stream = await openEntryStream(zip, entry, what);
    const chunks = [];
    try {
        for await (const chunk of stream)
            chunks.push(chunk);
    }
    catch (error) {
        throw entryStreamError(error, what);
    }
    return decodeXml(Buffer.concat(chunks), what);
}
/** Bytes of a central directory header before its name, extra field and comment. */
const CENTRAL_HEADER_BYTES = 46;
const END_RECORD_BYTES = 22;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_END_RECORD_BYTES = 56;
const END_RECORD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_RECORD_SIGNATURE = 0x06064b50;
/** A 16-bit or 32-bit field of the end record that says "see the Zip64 end record". */
const ZIP64_MARK_16 = 0xffff;
const ZIP64_MARK_32 = 0xffffffff;
/** For each open zip, the check of its walked directory against its end records (set by withZip). */
const directoryChecks = new WeakMap();
function damaged(label, problem) {
    return new Error(`${label} is a damaged zip: ${problem}. Windows refuses such a file (OPC_E_ZIP_CORRUPTED_ARCHIVE); build the package again`);
}
/**
 * The end records of the zip in `source`, read before yauzl opens it.
 * Throws naming `label` when there is no end-of-central-directory record (not a zip), the Zip64
 * locator points past the end or where no Zip64 end record starts, a record counts entries on this
 * disk other than in all, or the end-of-central-directory record gives a value other than the
 * Zip64 record's (or its "see Zip64" mark).
 */
async function readEndRecord(source, label) {
    // A package has no zip comment, so its record is the last 22 bytes; else it is looked for as yauzl does.
    const near = Math.min(source.size, END_RECORD_BYTES + ZIP64_LOCATOR_BYTES);
    let tail = await source.read(source.size - near, source.size);
    let at = tail.length - END_RECORD_BYTES;
    if (at < 0 || tail.readUInt32LE(at) !== END_RECORD_SIGNATURE || tail.readUInt16LE(at + 20) !== 0) {
        const far = Math.min(source.size, END_RECORD_BYTES + ZIP64_MARK_16 + ZIP64_LOCATOR_BYTES);
        tail = await source.read(source.size - far, source.size);
        at = tail.length - END_RECORD_BYTES;
        while (at >= 0 && tail.readUInt32LE(at) !== END_RECORD_SIGNATURE)
            at--;
        if (at < 0)
            throw new Error(`${label} is not a zip file (it has no end-of-central-directory record)`);
    }
    const tailStart = source.size - tail.length;
    const plain = {
        diskEntries: tail.readUInt16LE(at + 8),
        entries: tail.readUInt16LE(at + 10),
        size: tail.readUInt32LE(at + 12),
        offset: tail.readUInt32LE(at + 16),
    };
    const locator = at - ZIP64_LOCATOR_BYTES;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) {
        if (plain.diskEntries !== plain.entries) {
            throw damaged(label, `its end-of-central-directory record counts ${plain.diskEntries} entries on this disk but ${plain.entries} in all`);
        }
        return { record: 'end-of-central-directory', ...plain, start: tailStart + at };
    }
    const pointedTo = tail.readBigUInt64LE(locator + 8);
    if (pointedTo + BigInt(ZIP64_END_RECORD_BYTES) > BigInt(source.size)) {
        throw damaged(label, `its Zip64 end-of-central-directory locator points to byte ${pointedTo}, past the end of the file (${source.size} bytes)`);
    }
    const recordAt = Number(pointedTo);
    const record = await source.read(recordAt, recordAt + ZIP64_END_RECORD_BYTES);
    if (record.readUInt32LE(0) !== ZIP64_END_RECORD_SIGNATURE) {
        throw damaged(label, `its Zip64 end-of-central-directory locator points to byte ${recordAt}, where no Zip64 end-of-central-directory record starts`);
    }
    const zip64 = {
        diskEntries: Number(record.readBigUInt64LE(24)),
        entries: Number(record.readBigUInt64LE(32)),
        size: Number(record.readBigUInt64LE(40)),
        offset: Number(record.readBigUInt64LE(48)),
    };
    if (zip64.diskEntries !== zip64.entries) {
        throw damaged(label, `its Zip64 end-of-central-directory record counts ${zip64.diskEntries} entries on this disk but ${zip64.entries} in all`);
    }
    const fields = [
        ['entries on this disk', plain.diskEntries, zip64.diskEntries, ZIP64_MARK_16],
        ['entries', plain.entries, zip64.entries, ZIP64_MARK_16],
        ['directory size', plain.size, zip64.size, ZIP64_MARK_32],
        ['directory offset', plain.offset, zip64.offset, ZIP64_MARK_32],
    ];
    for (const [field, value, zip64Value, mark] of fields) {
        if (value !== mark && value !== zip64Value) {
            throw damaged(label, `its end-of-central-directory record gives the ${field} as ${value}, its Zip64 end record as ${zip64Value}`);
        }
    }
    return { record: 'Zip64 end-of-central-directory', ...zip64, start: recordAt };
}
/**
 * Throws naming `label` when the central directory walked (its bytes and entries, from `end.offset`)
 * is not the size `end` gives, or does not end where the end records start (bytes hidden between,
 * or a directory running into them).
 */
function checkDirectory(end, walked, label) {
    if (walked.bytes !== end.size) {
        throw damaged(label, `its ${end.record} record says the central directory is ${end.size} bytes, but the directory it points to is ` +
            `${walked.bytes} bytes (${walked.entries} entries)`);
    }
    if (end.offset + walked.bytes !== end.start) {
        throw damaged(label, `its central directory ends at byte ${end.offset + walked.bytes}, but its ${end.record} record starts at byte ${end.start}`);
    }
}

;// CONCATENATED MODULE: ./src/packages/read.ts
/**
 * Reads the identity of a package file without loading it: `.msix`/`.appx` (AppxManifest.xml),
 * `.msixbundle`/`.appxbundle` (AppxMetadata/AppxBundleManifest.xml, every payload checked against it
 * by ./bundle-payloads.ts), and the `.msixupload`/`.appxupload` zips that wrap exactly one of those
 * (plus symbol files); docs/store-api.md "Package identity" and "Bundles and their payloads". Only
 * the zip directories and the manifests are read (./zip-reader.ts, ./byte-sources.ts), each inner
 * package once, so a read costs what the file's size bounds; the run's stop ends it.
 *
 * Heavy (yauzl, fast-xml-parser): import this module with `await import()` when a package is read.
 */










const PACKAGE_MANIFEST = 'appxmanifest.xml';
const BUNDLE_MANIFEST = 'appxmetadata/appxbundlemanifest.xml';
const INNER_PACKAGE = /\.(msix|appx|msixbundle|appxbundle)$/i;
/** The symbol files an upload file may hold beside its package (in any folder). */
const SYMBOLS = /\.(appxsym|msixsym)$/i;
/** Entry names an error lists at most; more are counted. */
const LISTED_NAMES = 10;
/** A package file could not be read as a package; the message names the file and says why. */
class PackageReadError extends Error {
    file;
    problem;
    constructor(file, problem) {
        super(`${file} is not a readable package: ${problem}`);
        this.file = file;
        this.problem = problem;
        this.name = 'PackageReadError';
    }
}
/**
 * Reads the identity of one package file (see the module comment for how bytes are read).
 * `file` is used as given for opening and in messages.
 *
 * Throws PackageReadError naming the file (and the entry, inside it) when it cannot be opened, is
 * not a zip, lacks the manifest its kind needs or holds it twice, has a manifest without a complete
 * Identity or in an encoding Windows does not read, has an entry that inflates past its declared
 * size, is a flat bundle or a bundle whose manifest and payloads disagree (./bundle-payloads.ts:
 * the payload, the field and both values named), or is an upload file wrapping no package, more
 * than one, or any entry but the one package at its root and symbol files. Throws the signal's reason when the run stops.
 */
async function readPackage(file, options = {}) {
    const format = (0,names/* packageFormat */.Ku)(file);
    if (!format || !(0,names/* isReadablePackageName */.O8)(file)) {
        throw new PackageReadError(file, `the file name does not end with ${names/* READABLE_EXTENSIONS */.ik.join(', ')}`);
    }
    const stats = { fileBytes: 0, inflatedBytes: 0, peakBufferedBytes: 0 };
    const context = { stats, buffered: 0, inflated: [], signal: options.signal };
    let handle;
    try {
        handle = await (0,promises_.open)(file, 'r');
    }
    catch (error) {
        throw new PackageReadError(file, `it cannot be opened (${(0,errors/* errorMessage */.gJ)(error)})`);
    }
    try {
        const size = (await handle.stat()).size;
        const source = new FileSource(handle, size, stats);
        const label = external_node_path_default().basename(file);
        const found = format.endsWith('upload')
            ? await readUpload(source, label, context)
            : await readContainer(source, label, context);
        return { file, format, ...found, read: stats };
    }
    catch (error) {
        (0,stop/* throwIfStopped */.$J)(options.signal);
        if (error instanceof PackageReadError)
            throw error;
        throw new PackageReadError(file, (0,errors/* errorMessage */.gJ)(error));
    }
    finally {
        await handle.close();
    }
}
/**
 * Reads several package files one after another (one open file at a time). Never throws for a
 * bad package: each failure is returned with its message, so every bad file can be reported.
 * Throws the signal's reason when the run stops (before a file, or during its read).
 */
async function readPackages(files, options = {}) {
    const readings = [];
    for (const file of files) {
        (0,stop/* throwIfStopped */.$J)(options.signal);
        options.onRead?.(file);
        try {
            readings.push({ file, info: await readPackage(file, options) });
        }
        catch (error) {
            (0,stop/* throwIfStopped */.$J)(options.signal);
            readings.push({ file, error: (0,errors/* errorMessage */.gJ)(error) });
        }
    }
    return readings;
}
/** Entry keys that name a package or bundle inside a zip (lower case). */
const isPackageOrManifest = (name) => name === PACKAGE_MANIFEST || name === BUNDLE_MANIFEST || INNER_PACKAGE.test(name);
/** The one entry under each key of `entries`; refused when a name is given twice (names compare without case). */
function single(entries, label) {
    const singles = new Map();
    for (const [key, all] of entries) {
        const [first] = all;
        if (!first)
            continue;
        if (all.length > 1) {
            throw new Error(`${label} holds ${first.fileName} more than once (${all.map((entry) => entry.fileName).join(', ')}); ` +
                'part names in a package differ by more than case. Build the package again');
        }
        singles.set(key, first);
    }
    return singles;
}
/** A package or bundle: whichever manifest it has decides; a zip holding both is refused, as Windows refuses it. */
async function readContainer(source, label, context) {
    return withZip(source, label, context, async (zip) => {
        // One walk of the directory: the manifests, and the package-named entries a bundle's manifest is checked against.
        const entries = single(await entriesByName(zip, isPackageOrManifest, context), label);
        const bundleEntry = entries.get(BUNDLE_MANIFEST);
        const packageEntry = entries.get(PACKAGE_MANIFEST);
        if (bundleEntry && packageEntry) {
            throw new Error(`${label} holds both AppxManifest.xml and AppxMetadata/AppxBundleManifest.xml; a package has one, a bundle the other`);
        }
        if (bundleEntry)
            return readBundle(zip, bundleEntry, entries, source, label, context);
        if (!packageEntry) {
            throw new Error(`${label} has neither AppxManifest.xml nor AppxMetadata/AppxBundleManifest.xml at its root`);
        }
        const what = `${label} > AppxManifest.xml`;
        const manifest = parsePackageManifest(await readText(zip, packageEntry, what), what);
        return summarise('package', manifest, [
            {
                type: 'application',
                architecture: manifest.architecture.toLowerCase(),
                version: manifest.version,
                targetDeviceFamilies: manifest.targetDeviceFamilies,
            },
        ]);
    });
}
/**
 * A bundle: its manifest's packages, each checked against the payload that holds it
 * (./bundle-payloads.ts). Every payload's AppxManifest.xml is read, once, in the order the payloads
 * lie in the zip (a bundle inside a deflated upload file is then inflated front to back); device
 * families come from the bundle manifest, or else from the payload's own manifest.
 */
async function readBundle(zip, manifestEntry, entries, source, label, context) {
    const what = `${label} > AppxMetadata/AppxBundleManifest.xml`;
    const bundle = parseBundleManifest(await readText(zip, manifestEntry, what), what);
    const payloads = declaredPayloads(bundle, byPartName(entries, label), label);
    const manifests = new Map();
    const inOrder = [...payloads].sort((a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader);
    for (const { declared, entry } of inOrder) {
        const payload = `${label} > ${declared.fileName}`;
        checkPayloadOffset(declared, await checkedDataStart(zip, entry, payload), label);
        const manifest = await payloadManifest(zip, entry, source, payload, context);
        checkPayloadIdentity(bundle, declared, manifest, label);
        manifests.set(entry, manifest);
    }
    const parts = payloads.map(({ declared, entry }) => ({
        type: declared.type,
        architecture: declared.architecture.toLowerCase(),
        version: declared.version,
        fileName: declared.fileName,
        // Older bundle manifests carry no device families: the payload's own manifest has them.
        targetDeviceFamilies: declared.targetDeviceFamilies.length > 0
            ? declared.targetDeviceFamilies
            : (manifests.get(entry)?.targetDeviceFamilies ?? []),
    }));
    checkNeutralApplications(parts.filter((part) => part.type === 'application'), label);
    return summarise('bundle', bundle, parts);
}
/** A bundle's entries keyed by their decoded part names (partKey); two entries of one part name are refused. */
function byPartName(entries, label) {
    const byName = new Map();
    for (const entry of entries.values()) {
        const key = partKey(entry.fileName);
        const other = byName.get(key);
        if (other) {
            throw new Error(`${label} holds one part name twice (${other.fileName}, ${entry.fileName}); part names are percent-encoded ` +
                'and compared without regard to case. Build the bundle again');
        }
        byName.set(key, entry);
    }
    return byName;
}
/** The AppxManifest.xml of a package inside a bundle; a payload without one, or a bundle there, is refused. */
async function payloadManifest(bundle, entry, source, label, context) {
    (0,stop/* throwIfStopped */.$J)(context.signal);
    const inner = await innerSource(bundle, entry, source, context, label);
    return withZip(inner, label, context, async (zip) => {
        const entries = single(await entriesByName(zip, (name) => name === PACKAGE_MANIFEST || name === BUNDLE_MANIFEST, context), label);
        if (entries.has(BUNDLE_MANIFEST)) {
            throw new Error(`${label} is a bundle (it holds AppxMetadata/AppxBundleManifest.xml): a bundle inside a bundle. Bundle the packages themselves`);
        }
        const manifestEntry = entries.get(PACKAGE_MANIFEST);
        if (!manifestEntry)
            throw new Error(`${label} has no AppxManifest.xml at its root: it is not a package`);
        const what = `${label} > AppxManifest.xml`;
        return parsePackageManifest(await readText(zip, manifestEntry, what), what);
    });
}
/**
 * An upload file: exactly one package or bundle at its root, read as such, beside its symbol files
 * (docs/store-api.md#what-an-upload-file-holds). Any other entry (a package in a folder, a text
 * file, a zip; folder entries aside), two packages, a package and a bundle, or none are refused
 * before any is read: the Store would drop such a file in processing.
 */
async function readUpload(source, label, context) {
    return withZip(source, label, context, async (zip) => {
        const held = [...single(await entriesByName(zip, (name) => !name.endsWith('/'), context), label).values()];
        const isPackage = (entry) => INNER_PACKAGE.test(entry.fileName) && !entry.fileName.includes('/');
        const others = held.filter((entry) => !isPackage(entry) && !SYMBOLS.test(entry.fileName));
        if (others.length > 0) {
            throw new Error(`${label} holds ${listed(others.map((one) => one.fileName))}, which an upload file does not hold: it holds ` +
                `exactly one package or one bundle, at its root, plus its symbol files (.appxsym, .msixsym). ${UPLOAD_FIX}`);
        }
        const packages = held.filter(isPackage);
        const [entry, ...more] = packages;
        if (!entry) {
            const symbols = held.map((one) => one.fileName);
            throw new Error(`${label} wraps no .msix, .appx, .msixbundle or .appxbundle file` +
                (symbols.length > 0 ? ` (it holds ${listed(symbols)})` : '') +
                `. ${UPLOAD_FIX}`);
        }
        if (more.length > 0) {
            throw new Error(`${label} wraps ${packages.length} packages (${listed(packages.map((one) => one.fileName))}); an upload ` +
                'file holds exactly one package or one bundle, plus its symbol files (.appxsym, .msixsym), and the Store ' +
                `drops any other upload file in processing. ${UPLOAD_FIX}`);
        }
        (0,stop/* throwIfStopped */.$J)(context.signal);
        const what = `${label} > ${entry.fileName}`;
        const found = await readContainer(await innerSource(zip, entry, source, context, what), what, context);
        const parts = found.kind === 'bundle' ? found.parts : found.parts.map((part) => ({ ...part, fileName: entry.fileName }));
        return { ...found, parts, wrapped: [entry.fileName] };
    });
}
/** How to build an upload file, for the refusals of readUpload. */
const UPLOAD_FIX = 'Build the upload file with Visual Studio (Publish > Create App Packages, for the Microsoft Store), or bundle the ' +
    'packages with makeappx bundle and zip that one bundle with its symbol files; or give the .msix/.msixbundle itself';
/** Entry names for a message: the first LISTED_NAMES, and how many more. */
function listed(names) {
    const shown = names.slice(0, LISTED_NAMES).join(', ');
    return names.length > LISTED_NAMES ? `${shown} and ${names.length - LISTED_NAMES} more` : shown;
}
function summarise(kind, identity, parts) {
    const application = parts.filter((part) => part.type === 'application');
    const architectures = [...new Set(application.map((part) => part.architecture))];
    const families = new Map();
    for (const part of application) {
        for (const family of part.targetDeviceFamilies) {
            if (!families.has(family.name.toLowerCase()))
                families.set(family.name.toLowerCase(), family.name);
        }
    }
    return {
        kind,
        name: identity.name,
        publisher: identity.publisher,
        version: identity.version,
        publisherHash: (0,packages_identity/* publisherHash */.hj)(identity.publisher),
        architectures,
        deviceFamilies: [...families.values()],
        parts,
    };
}


/***/ })

};

//# sourceMappingURL=47.index.js.map