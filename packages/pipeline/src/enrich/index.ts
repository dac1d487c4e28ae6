export { enrichTracks, ENRICH_SOURCES, type EnrichOptions, type EnrichSummary, type SourceSummary, type EnrichSourceName } from './enrich.js';
export { DEEZER_MATCH_THRESHOLD } from './deezer.js';
export { syncLastfm, type LastfmSyncSummary } from './lastfm-sync.js';
export { enrichStore, enrichStoreArtists, importLastfmUser } from './commands.js';
export { writeHubFeatures, type HubFeaturesSummary } from './hub-features.js';
export { enrichArtists, type ArtistEnrichSummary } from './artists.js';
