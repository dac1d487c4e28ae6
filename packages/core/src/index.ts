export * from './base.js';
export { artistKeys, foldName, nameSql, normalizeArtist, normalizeName, normalizeTitle, titleParts } from './names.js';
export { MIXTAPE_VERSION, PROJECT_URL, userAgent } from './user-agent.js';
export { Rng, seededRandom } from './rng.js';
export * from './http/index.js';
export { startModuleWorker } from './worker.js';
