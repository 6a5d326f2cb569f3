/** The upload path: zip on the fly and stage blocks on the Store's `fileUploadUrl`. */
export {
  uploadEntries,
  uploadZipFile,
  uploadSettings,
  tuningLimits,
  DEFAULT_MEMORY_BYTES,
  DEFAULT_PROGRESS_INTERVAL_MS,
  type UploadSettings,
  type ZipEntrySource,
  type UploadProgress,
  type UploadResult,
  type UploadOptions,
} from './upload.js';
export { encodeUploadUrl, sasExpiryProblem, DEFAULT_SAS_MARGIN_MS, UploadError } from './sas.js';
export { zipSize, entryNameProblem } from './zip.js';
export { listZipEntries } from './zipinfo.js';
export type { BlockRetryPolicy, StagerStats } from './blocks.js';
export { blockBlobTarget, BlobRequestError, type BlockTarget } from './blob.js';
export { initialTuning, nextTuning, blockSizeFor, type TuningLimits, type TuningState } from './tuning.js';
