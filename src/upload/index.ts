/** The upload path: zip on the fly and stage blocks on the Store's `fileUploadUrl`. */
export {
  uploadEntries,
  uploadZipFile,
  uploadSettings,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_CONCURRENCY,
  DEFAULT_PROGRESS_INTERVAL_MS,
  type ZipEntrySource,
  type UploadProgress,
  type UploadResult,
  type UploadOptions,
} from './upload.js';
export { encodeUploadUrl, sasExpiryProblem, DEFAULT_SAS_MARGIN_MS, UploadError } from './sas.js';
export { zipSize, entryNameProblem } from './zip.js';
export { listZipEntries } from './zipinfo.js';
export type { BlockRetryPolicy } from './blocks.js';
