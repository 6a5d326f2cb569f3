/**
 * Lists a ready-made zip (the `zip-path` input) from its central directory with `yauzl`, without
 * reading the entries: names and uncompressed sizes, Zip64 included. Names are returned as stored
 * (not validated by yauzl), so the caller can judge them by the same rules as the zips it builds.
 */
import yauzl from 'yauzl';

/** UTF-8 flag of a zip entry's general purpose bits (APPNOTE 4.4.4, bit 11). */
const UTF8_NAME = 0x0800;

/**
 * The entries of the zip at `path`, in central-directory order: `{ name, size }` with `size` in
 * bytes. Throws when the file is not a zip or its central directory is damaged.
 */
export async function listZipEntries(path: string): Promise<{ name: string; size: number }[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: false }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    ),
  );
  try {
    return await new Promise((resolve, reject) => {
      const entries: { name: string; size: number }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer;
        const name = raw.toString((entry.generalPurposeBitFlag & UTF8_NAME) !== 0 ? 'utf8' : 'latin1');
        entries.push({ name, size: entry.uncompressedSize });
        zip.readEntry();
      });
      zip.once('end', () => resolve(entries));
      zip.once('error', reject);
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
