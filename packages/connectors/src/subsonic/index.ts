export { SubsonicClient, subsonicConfigFromEnv, subsonicToken, readAnswer, type SubsonicConfig } from './client.js';
export { loadLibrary, loadLibraryByAlbum, librarySongs, libraryAlbums, searchSongs, songCandidate, type SubsonicSong } from './library.js';
export { SubsonicPlaylists } from './playlists.js';
export { parseSubsonicXml } from './xml.js';
