export type { PlaylistTrack, PlaylistDoc } from './types.js';
export { writeM3u8, parseM3u8, trackLabel, type M3uEntry } from './m3u8.js';
export { writeXspf, xmlEscape } from './xspf.js';
export { toJspf, jspfTrack, validateJspf, JSPF_PLAYLIST_EXT, JSPF_TRACK_EXT, RECORDING_URL, type Jspf, type JspfTrack } from './jspf.js';
export { scanMusicDir, readTags, guessFromPath, type MusicDirScan, type LocalSong, type FileTags } from './music-dir.js';
