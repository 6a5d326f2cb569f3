export { buildSubmission, type SubmissionChanges } from './build.js';
export { diffSubmissions, type SubmissionDiff } from './diff.js';
export { pendingUploads, toZipName, zipNameProblems, type PendingFile } from './files.js';
export { mergeSubmission, READ_ONLY_FIELDS } from './merge.js';
