export const id = 130;
export const ids = [130];
export const modules = {

/***/ 81130:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   listZipEntries: () => (/* binding */ listZipEntries)
/* harmony export */ });
/* harmony import */ var yauzl__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(20663);
/**
 * Lists a ready-made zip (the `zip-path` input) from its central directory with `yauzl`, without
 * reading the entries: names and uncompressed sizes, Zip64 included. Names are returned as stored
 * (not validated by yauzl), so the caller can judge them by the same rules as the zips it builds.
 */

/** UTF-8 flag of a zip entry's general purpose bits (APPNOTE 4.4.4, bit 11). */
const UTF8_NAME = 0x0800;
/**
 * The entries of the zip at `path`, in central-directory order: `{ name, size }` with `size` in
 * bytes. Throws when the file is not a zip or its central directory is damaged.
 */
async function listZipEntries(path) {
    const zip = await new Promise((resolve, reject) => yauzl__WEBPACK_IMPORTED_MODULE_0__.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false }, (error, opened) => error ? reject(error) : resolve(opened)));
    try {
        return await new Promise((resolve, reject) => {
            const entries = [];
            zip.on('entry', (entry) => {
                const raw = entry.fileName;
                const name = raw.toString((entry.generalPurposeBitFlag & UTF8_NAME) !== 0 ? 'utf8' : 'latin1');
                entries.push({ name, size: entry.uncompressedSize });
                zip.readEntry();
            });
            zip.once('end', () => resolve(entries));
            zip.once('error', reject);
            zip.readEntry();
        });
    }
    finally {
        zip.close();
    }
}


/***/ })

};

//# sourceMappingURL=130.index.js.map