export { MixtapeError, isMixtapeError, storageError } from './errors.js';
export { noProgress, type ProgressEvent, type ProgressFn } from './progress.js';
export { redact, redactValues } from './redact.js';
export { MIXTAPE_VERSION, PROJECT_URL, userAgent } from './user-agent.js';
export * from './http/index.js';
