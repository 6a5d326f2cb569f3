export const id = 177;
export const ids = [177];
export const modules = {

/***/ 16177:
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
// EXTERNAL MODULE: ./src/packages/identity.ts
var packages_identity = __webpack_require__(3583);
// EXTERNAL MODULE: ./node_modules/fast-xml-parser/src/xmlparser/XMLParser.js + 23 modules
var XMLParser = __webpack_require__(41143);
;// CONCATENATED MODULE: ./src/packages/manifest.ts
/**
 * Reads the identity out of an `AppxManifest.xml` (packages) or `AppxBundleManifest.xml`
 * (bundles) with fast-xml-parser. Namespace prefixes are dropped (`b4:Dependencies` is read as
 * `Dependencies`), so the several schema versions of both manifests read alike.
 *
 * Follows docs/store-api.md "Package identity" and the MSIX manifest schema reference (`Identity`,
 * `TargetDeviceFamily`, bundle `Package` elements). Loaded only when a package is read.
 */

/** Elements that may repeat; fast-xml-parser gives them as arrays even when there is one. */
const REPEATED = new Set(['Package', 'TargetDeviceFamily']);
function parser() {
    return new XMLParser/* default */.A({
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
function isNode(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function nodes(value) {
    if (Array.isArray(value))
        return value.filter(isNode);
    return isNode(value) ? [value] : [];
}
function attribute(node, name) {
    const value = node[`@${name}`];
    return typeof value === 'string' ? value.trim() : undefined;
}
function parseXml(xml, what) {
    let document;
    try {
        document = parser().parse(xml);
    }
    catch (error) {
        throw new Error(`${what} is not well-formed XML: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
        });
    }
    if (!isNode(document))
        throw new Error(`${what} is not an XML document`);
    return document;
}
function identityOf(root, what) {
    const identity = nodes(root.Identity)[0];
    if (!identity)
        throw new Error(`${what} has no Identity element`);
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
function deviceFamilies(dependencies) {
    const found = [];
    for (const dependency of nodes(dependencies)) {
        for (const family of nodes(dependency.TargetDeviceFamily)) {
            const name = attribute(family, 'Name');
            if (!name)
                continue;
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
function parsePackageManifest(xml, what) {
    const root = nodes(parseXml(xml, what).Package)[0];
    if (!root)
        throw new Error(`${what} has no Package root element (is it an AppxManifest.xml?)`);
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
function parseBundleManifest(xml, what) {
    const root = nodes(parseXml(xml, what).Bundle)[0];
    if (!root)
        throw new Error(`${what} has no Bundle root element (is it an AppxBundleManifest.xml?)`);
    const { name, publisher, version } = identityOf(root, what);
    const packages = [];
    for (const list of nodes(root.Packages)) {
        for (const element of nodes(list.Package)) {
            const fileName = attribute(element, 'FileName');
            if (!fileName)
                continue;
            packages.push({
                type: attribute(element, 'Type') === 'resource' ? 'resource' : 'application',
                architecture: attribute(element, 'Architecture') || 'neutral',
                version: attribute(element, 'Version') || version,
                fileName,
                targetDeviceFamilies: deviceFamilies(element.Dependencies),
            });
        }
    }
    if (packages.length === 0)
        throw new Error(`${what} lists no packages`);
    return { name, publisher, version, packages };
}

// EXTERNAL MODULE: ./src/packages/names.ts
var names = __webpack_require__(24493);
;// CONCATENATED MODULE: ./src/packages/byte-sources.ts
/** Bytes of inflated data kept per window when a deflated inner package is read. */
const WINDOW_BYTES = 4 * 1024 * 1024;
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
    windows = [];
    cursor;
    queue = Promise.resolve();
    constructor(openStream, size, context) {
        this.openStream = openStream;
        this.size = size;
        this.context = context;
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
        // the end record to the directory), or forward from its start.
        const windowStart = Math.max(0, Math.min(start, end - WINDOW_BYTES));
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
                const next = await cursor.iterator.next();
                if (next.done)
                    throw new Error(`the inner package ended after ${cursor.position} of ${this.size} bytes`);
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
// EXTERNAL MODULE: ./node_modules/yauzl/index.js
var yauzl = __webpack_require__(20663);
;// CONCATENATED MODULE: ./src/packages/zip-reader.ts
/**
 * Zips over byte sources (./byte-sources.ts) with yauzl through its RandomAccessReader, so only the
 * central directory, an entry's local header and the entries asked for are read. A zip entry that
 * is itself a zip (a package in an upload file or a bundle) opens as a source of its own: stored,
 * in place; deflated, inflated as a stream.
 */




/** A manifest larger than this is refused (real ones are a few KiB to a few hundred KiB). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest read handed to a stream at once. */
const CHUNK_BYTES = 1024 * 1024;
/** The zip of an entry of `zip` (whose bytes come from `parent`): in place when stored, inflated when deflated. */
async function innerSource(zip, entry, parent, context) {
    if (entry.isEncrypted())
        throw new Error(`${entry.fileName} is encrypted`);
    if (entry.compressionMethod === 0) {
        const header = await readLocalFileHeader(zip, entry);
        return new SliceSource(parent, header.fileDataStart, entry.uncompressedSize);
    }
    if (entry.compressionMethod !== 8) {
        throw new Error(`${entry.fileName} uses compression method ${entry.compressionMethod}; only stored and deflated entries can be read`);
    }
    const source = new InflatedSource(() => openReadStream(zip, entry), entry.uncompressedSize, context);
    context.inflated.push(source);
    return source;
}
/** yauzl's reader over a ByteSource; streams are served in chunks so no large range is held. */
class SourceReader extends yauzl.RandomAccessReader {
    source;
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
        this.source.read(position, position + length).then((bytes) => {
            bytes.copy(buffer, offset);
            callback(null);
        }, (error) => callback(error instanceof Error ? error : new Error(String(error))));
    }
    close(callback) {
        setImmediate(() => callback(null));
    }
}
/** Opens the zip held by `source`, runs `use`, and closes it (and any inner inflated sources). */
async function withZip(source, label, context, use) {
    const depth = context.inflated.length;
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
        return await use(zip);
    }
    finally {
        // Sources opened on entries of this zip stream through it: end them first.
        for (const inflated of context.inflated.splice(depth).reverse())
            await inflated.close();
        zip.close();
    }
}
/** Entries whose lower-cased name (forward slashes) passes `wanted`, from the central directory only. */
function findEntries(zip, wanted) {
    return new Promise((resolve, reject) => {
        const found = [];
        const onEntry = (entry) => {
            if (wanted(entry.fileName.toLowerCase()))
                found.push(entry);
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
        const onEnd = () => done();
        const onError = (error) => done(error);
        zip.on('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
    });
}
function readLocalFileHeader(zip, entry) {
    return new Promise((resolve, reject) => {
        zip.readLocalFileHeader(entry, { minimal: true }, (error, header) => error ? reject(error) : resolve(header));
    });
}
function openReadStream(zip, entry) {
    return new Promise((resolve, reject) => {
        zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
    });
}
/** The text of a manifest entry: UTF-8, or UTF-16 when it starts with a UTF-16 byte order mark. */
async function readText(zip, entry, what) {
    if (entry.uncompressedSize > MAX_MANIFEST_BYTES || entry.compressedSize > MAX_MANIFEST_BYTES) {
        throw new Error(`${what} is ${entry.uncompressedSize} bytes, larger than any real manifest (${MAX_MANIFEST_BYTES} bytes at most)`);
    }
    const stream = await openReadStream(zip, entry);
    const chunks = [];
    for await (const chunk of stream)
        chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
        return bytes.subarray(2).toString('utf16le');
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
        return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
    return new TextDecoder('utf-8').decode(bytes);
}

;// CONCATENATED MODULE: ./src/packages/read.ts
/**
 * Reads the identity of a package file without loading it: `.msix`/`.appx` (AppxManifest.xml),
 * `.msixbundle`/`.appxbundle` (AppxMetadata/AppxBundleManifest.xml), and the
 * `.msixupload`/`.appxupload` zips that wrap one of those (plus symbol files); docs/store-api.md
 * "Package identity". Only the zip directories and the manifests are read (./zip-reader.ts, ./byte-sources.ts).
 *
 * Heavy (yauzl, fast-xml-parser): import this module with `await import()` when a package is read.
 */








const PACKAGE_MANIFEST = 'appxmanifest.xml';
const BUNDLE_MANIFEST = 'appxmetadata/appxbundlemanifest.xml';
const INNER_PACKAGE = /\.(msix|appx|msixbundle|appxbundle)$/i;
/** An upload file with more wrapped packages than this is refused rather than read. */
const MAX_WRAPPED_PACKAGES = 32;
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
 * Throws PackageReadError naming the file when it cannot be opened, is not a zip, lacks the
 * manifest its kind needs, has a manifest without a complete Identity, or wraps no package (or
 * packages of different identities) in an upload file.
 */
async function readPackage(file) {
    const format = (0,names/* packageFormat */.Ku)(file);
    if (!format || !(0,names/* isReadablePackageName */.O8)(file)) {
        throw new PackageReadError(file, `the file name does not end with ${names/* READABLE_EXTENSIONS */.ik.join(', ')}`);
    }
    const stats = { fileBytes: 0, inflatedBytes: 0, peakBufferedBytes: 0 };
    const context = { stats, buffered: 0, inflated: [] };
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
 */
async function readPackages(files) {
    const readings = [];
    for (const file of files) {
        try {
            readings.push({ file, info: await readPackage(file) });
        }
        catch (error) {
            readings.push({ file, error: (0,errors/* errorMessage */.gJ)(error) });
        }
    }
    return readings;
}
/** A package or bundle: whichever manifest it has decides (a bundle manifest wins). */
async function readContainer(source, label, context) {
    return withZip(source, label, context, async (zip) => {
        // One walk of the directory: the manifests, and the packages a bundle holds (for innerDeviceFamilies).
        const entries = await findEntries(zip, (name) => name === PACKAGE_MANIFEST || name === BUNDLE_MANIFEST || INNER_PACKAGE.test(name));
        const manifests = entries.filter((entry) => !INNER_PACKAGE.test(entry.fileName));
        const bundleEntry = manifests.find((entry) => entry.fileName.toLowerCase() === BUNDLE_MANIFEST);
        if (bundleEntry) {
            const what = `${label} > AppxMetadata/AppxBundleManifest.xml`;
            const bundle = parseBundleManifest(await readText(zip, bundleEntry, what), what);
            const parts = [];
            for (const inner of bundle.packages) {
                const part = {
                    type: inner.type,
                    architecture: inner.architecture.toLowerCase(),
                    version: inner.version,
                    fileName: inner.fileName,
                    targetDeviceFamilies: inner.targetDeviceFamilies,
                };
                // Older bundle manifests carry no device families: the application package's own manifest has them.
                if (part.type === 'application' && part.targetDeviceFamilies.length === 0) {
                    const innerEntry = entries.find((entry) => entry.fileName.toLowerCase() === inner.fileName.toLowerCase().replaceAll('\\', '/'));
                    if (innerEntry) {
                        part.targetDeviceFamilies = await innerDeviceFamilies(zip, innerEntry, source, `${label} > ${inner.fileName}`, context);
                    }
                }
                parts.push(part);
            }
            return summarise('bundle', bundle, parts);
        }
        const packageEntry = manifests.find((entry) => entry.fileName.toLowerCase() === PACKAGE_MANIFEST);
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
/** The device families of a package inside a bundle, read from its own AppxManifest.xml. */
async function innerDeviceFamilies(bundle, entry, source, label, context) {
    const inner = await innerSource(bundle, entry, source, context);
    return withZip(inner, label, context, async (zip) => {
        const [manifestEntry] = await findEntries(zip, (name) => name === PACKAGE_MANIFEST);
        if (!manifestEntry)
            return [];
        const what = `${label} > AppxManifest.xml`;
        return parsePackageManifest(await readText(zip, manifestEntry, what), what).targetDeviceFamilies;
    });
}
/** An upload file: every wrapped package is read; they must share one identity. */
async function readUpload(source, label, context) {
    return withZip(source, label, context, async (zip) => {
        const entries = await findEntries(zip, (name) => INNER_PACKAGE.test(name));
        if (entries.length === 0) {
            throw new Error(`${label} wraps no .msix, .appx, .msixbundle or .appxbundle file`);
        }
        if (entries.length > MAX_WRAPPED_PACKAGES) {
            throw new Error(`${label} wraps ${entries.length} packages; more than ${MAX_WRAPPED_PACKAGES} is not a Store upload file`);
        }
        const found = [];
        for (const entry of entries) {
            const inner = await innerSource(zip, entry, source, context);
            found.push(await readContainer(inner, `${label} > ${entry.fileName}`, context));
        }
        const first = found[0];
        if (!first)
            throw new Error(`${label} wraps no package`);
        for (const [index, other] of found.entries()) {
            if (other.name !== first.name || other.publisher !== first.publisher || other.version !== first.version) {
                throw new Error(`${label} wraps packages of different identities: ${entries[0]?.fileName} is ${describe(first)}, ` +
                    `${entries[index]?.fileName} is ${describe(other)}`);
            }
        }
        const parts = found.flatMap((one, index) => one.kind === 'bundle'
            ? one.parts
            : one.parts.map((part) => ({ ...part, fileName: entries[index]?.fileName ?? '' })));
        return {
            ...summarise(found.some((one) => one.kind === 'bundle') ? 'bundle' : 'package', first, parts),
            wrapped: entries.map((entry) => entry.fileName),
        };
    });
}
function describe(found) {
    return `${found.name} ${found.version} (${found.publisher})`;
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

//# sourceMappingURL=177.index.js.map