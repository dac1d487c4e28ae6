export * from './files/index.js';
export * from './http/index.js';
export * as spotify from './spotify/index.js';
export * as playlistFiles from './playlist-files/index.js';
export * as subsonic from './subsonic/index.js';
export * as listenbrainz from './listenbrainz/index.js';
export * as deezerWrite from './deezer-write/index.js';
export { SpotifyPlaylistWriter, SPOTIFY_PLAYLIST_CAP, SPOTIFY_ITEMS_PER_REQUEST } from './spotify/playlist-write.js';
export { requestJson, WRITE_UNCERTAIN, type JsonRequest } from './spotify/json-request.js';
