export { Store, withStore, plain, type Row, type OpenOptions } from './store/store.js';
export { dataDir, configDir, cacheDir } from './store/paths.js';
export { migrations } from './store/migrations/index.js';
export { importSpotifyExport, type ImportSummary, type ImportOptions } from './import/spotify-export.js';
export { resolveTracks } from './identity/resolve.js';
export { appendTempTable, sqlString } from './store/bulk.js';
