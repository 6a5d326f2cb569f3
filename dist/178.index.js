export const id = 178;
export const ids = [178];
export const modules = {

/***/ 28178:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BlobRequestError: () => (/* binding */ BlobRequestError),
/* harmony export */   STORAGE_VERSION: () => (/* binding */ STORAGE_VERSION),
/* harmony export */   blockBlobTarget: () => (/* binding */ blockBlobTarget)
/* harmony export */ });
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46752);
/**
 * The two Azure Blob REST calls an upload needs, Put Block and Put Block List, on a SAS URL, over
 * undici (the library the Store API calls use too; this module is loaded with the first upload). Requests go through HTTP_PROXY / HTTPS_PROXY unless NO_PROXY exempts the host, as
 * the runner sets them. Error messages carry the status, the storage error code and the service's
 * message, never the URL's query.
 */


/** Storage service version sent with every request (blocks up to 4000 MiB need 2019-12-12 or later). */
const STORAGE_VERSION = '2021-12-02';
/** An error answer of the blob service. */
class BlobRequestError extends Error {
    statusCode;
    code;
    constructor(message, 
    /** HTTP status of the answer. */
    statusCode, 
    /** `x-ms-error-code` (or the XML body's `<Code>`), e.g. `AuthenticationFailed`, `Md5Mismatch`. */
    code) {
        super(message);
        this.statusCode = statusCode;
        this.code = code;
        this.name = 'BlobRequestError';
    }
}
/** `url` with `extra` appended to its query. */
function withQuery(url, extra) {
    const hash = url.indexOf('#');
    const base = hash === -1 ? url : url.slice(0, hash);
    return `${base}${base.includes('?') ? '&' : '?'}${extra}`;
}
function header(headers, name) {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
}
/** Reads an answer; resolves on `expected`, else throws a BlobRequestError with the status, the error code and the service's message. */
async function expectStatus(answer, expected, what) {
    if (answer.statusCode === expected) {
        await answer.body.dump();
        return;
    }
    let text = '';
    try {
        text = (await answer.body.text()).slice(0, 4000);
    }
    catch {
        // The status alone is enough to report.
    }
    const code = header(answer.headers, 'x-ms-error-code') ?? /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]?.split('\n')[0]?.trim();
    throw new BlobRequestError(message || `${what} answered HTTP ${answer.statusCode}`, answer.statusCode, code);
}
/**
 * A BlockTarget on the block blob at `encodedUrl` (a SAS URL whose `+` are already `%2B`, see
 * `encodeUploadUrl`). `dispatcher` defaults to an undici EnvHttpProxyAgent of its own, closed by
 * `close()`.
 */
function blockBlobTarget(encodedUrl, dispatcher) {
    const own = dispatcher === undefined;
    const agent = dispatcher ?? new undici__WEBPACK_IMPORTED_MODULE_1__.EnvHttpProxyAgent({ keepAliveTimeout: 10_000 });
    const common = { 'x-ms-version': STORAGE_VERSION, 'user-agent': 'store-submit' };
    return {
        async stageBlock(blockId, parts, length, md5, signal) {
            const url = withQuery(encodedUrl, `comp=block&blockid=${encodeURIComponent(blockId)}`);
            const answer = await (0,undici__WEBPACK_IMPORTED_MODULE_1__.request)(url, {
                method: 'PUT',
                dispatcher: agent,
                signal,
                headers: { ...common, 'content-length': String(length), 'content-md5': md5.toString('base64') },
                body: parts.length === 1 ? parts[0] : node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.from(parts, { objectMode: false }),
            });
            await expectStatus(answer, 201, 'Put Block');
        },
        async commitBlockList(blockIds, contentType, signal) {
            const xml = `<?xml version="1.0" encoding="utf-8"?><BlockList>${blockIds.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
            const body = Buffer.from(xml, 'utf8');
            const answer = await (0,undici__WEBPACK_IMPORTED_MODULE_1__.request)(withQuery(encodedUrl, 'comp=blocklist'), {
                method: 'PUT',
                dispatcher: agent,
                signal,
                headers: {
                    ...common,
                    'content-type': 'application/xml; charset=utf-8',
                    'content-length': String(body.length),
                    'x-ms-blob-content-type': contentType,
                },
                body,
            });
            await expectStatus(answer, 201, 'Put Block List');
        },
        async close() {
            if (own)
                await agent.close();
        },
    };
}


/***/ })

};

//# sourceMappingURL=178.index.js.map