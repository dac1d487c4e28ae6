export { ERROR_CATALOGUE, isErrorCode, suggestionFor, type ErrorCode } from './error-codes.js';
export { errorReport, MixtapeError, isMixtapeError, storageError } from './errors.js';
export { noProgress, type ProgressEvent, type ProgressFn } from './progress.js';
export { redact, redactValues } from './redact.js';
export { artistKeys, foldName, nameSql, normalizeArtist, normalizeName, normalizeTitle, titleParts } from './names.js';
export { MIXTAPE_VERSION, PROJECT_URL, userAgent } from './user-agent.js';
export { Rng, seededRandom } from './rng.js';
export * from './http/index.js';
