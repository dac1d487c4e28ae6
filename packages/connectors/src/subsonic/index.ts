export { SubsonicClient, subsonicConfigFromEnv, subsonicToken, subsonicPasswordParam, readAnswer, type SubsonicConfig, type SubsonicAuth } from './client.js';
export { loadLibrary, loadLibraryByAlbum, librarySongs, libraryAlbums, searchSongs, starredSongs, songCandidate, type SubsonicSong } from './library.js';
export { SubsonicPlaylists, type SubsonicPlaylistInfo } from './playlists.js';
export { NavidromeApi, m3uSyncedError, type NavidromePlaylist } from './navidrome.js';
export { parseSubsonicXml } from './xml.js';
