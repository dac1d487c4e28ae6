export { DeezerPlaylistWriter, deezerTokenFromEnv, deezerVerdict, DEEZER_API_URL, DEEZER_PLAYLIST_CAP, DEEZER_ITEMS_PER_REQUEST } from './client.js';
