// `@mixtape/core/base`: errors, redaction and progress, what every command needs, without the HTTP
// client, the name normalizers or the RNG. The store and the CLI's base command import this, so
// that light commands load 4 of core's 14 modules (bench/startup.ts). The barrel re-exports it.
export { ERROR_CATALOGUE, isErrorCode, suggestionFor, type ErrorCode } from './error-codes.js';
export { errorReport, MixtapeError, isMixtapeError, storageError } from './errors.js';
export { noProgress, type ProgressEvent, type ProgressFn } from './progress.js';
export { redact, redactValues } from './redact.js';
