export { JellyfinClient, jellyfinConfigFromEnv, type JellyfinConfig } from './client.js';
export { jellyfinSongs, loadJellyfinLibrary, toSong, type JellyfinSong, type LibraryCandidate, type SongFilter } from './library.js';
export { JellyfinPlaylists, type JellyfinPlaylistInfo } from './playlists.js';
