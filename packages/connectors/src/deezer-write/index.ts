export { DeezerPlaylistWriter, deezerTokenFromEnv, deezerAuthError, DEEZER_PLAYLIST_CAP, DEEZER_ITEMS_PER_REQUEST } from './client.js';
