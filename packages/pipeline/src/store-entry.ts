// `@mixtape/pipeline/store`: the store and the read-only views of it (status, playlists, query),
// without the rest of the pipeline. Light commands import this, so that they load DuckDB and none of
// TensorFlow.js, the connectors, the federation or Arrow (packages/cli/src/runtime-graph.test.ts).
export { Store, withStore, plain, type Row, type OpenOptions } from './store/store.js';
export { dataDir, configDir, cacheDir } from './store/paths.js';
export { storeStatus, type StoreStatus } from './query/status.js';
export { runQuery, type QueryResult } from './query/query.js';
export { listPlaylists, type PlaylistInfo } from './push/load.js';
export { showPlaylist, type PlaylistView } from './push/show.js';
