export { DeezerPlaylistWriter, deezerTokenFromEnv, DEEZER_PLAYLIST_CAP, DEEZER_ITEMS_PER_REQUEST } from './client.js';
