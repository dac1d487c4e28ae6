export { classifyExportFile, openExport, sniffExportFile, type ExportEntry, type ExportFileKind, type ExportSource } from './export-files.js';
export { hasLongWhitespace, WHITESPACE_RUN_LIMIT } from './json-whitespace.js';
export { openZipArchive, badZip, type ZipArchive, type ZipArchiveEntry } from './zip-archive.js';
export { detectScrobbleFormat, parseScrobbles, parseTextDate, SCROBBLE_FORMATS, type Scrobble, type ScrobbleFile, type ScrobbleFormat, type Rejected } from './scrobbles.js';
export { parseJsonFile, parseLibrary, parseLocalUri, parsePlaylists, type ExportPlaylist, type LibraryItem, type PlaylistEntry } from './spotify-json.js';
export { implausiblePlay, PLAY_BOUNDS, type ImplausibleReason } from './play-bounds.js';
