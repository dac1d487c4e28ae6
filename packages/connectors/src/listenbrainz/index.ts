export { ListenBrainzPlaylists, listenBrainzTokenFromEnv, LISTENBRAINZ_API_URL, LISTENBRAINZ_ITEMS_PER_REQUEST } from './client.js';
