export { Store, withStore, plain, type Row, type OpenOptions } from './store/store.js';
export { dataDir, configDir, cacheDir } from './store/paths.js';
export { migrations } from './store/migrations/index.js';
