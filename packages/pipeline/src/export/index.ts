export { exportSpotify, SPOTIFY_STREAMS, type SpotifyExportOptions, type SpotifyExportSummary, type SpotifyStreamName, type PlaylistReport } from './spotify.js';
export { SOURCE as SPOTIFY_API_SOURCE, playlistKey } from './spotify-write.js';
export { spotifyTokenPath, spotifyTokenSource, loginSpotify, spotifyAuthStatus, logoutSpotify, type LoginResult, type AuthStatus } from './spotify-auth.js';
export { authStatus, type EnvCredentials, type ServiceName, type ServicesStatus } from './auth-status.js';
export { exportSpotifyToStore } from './spotify-command.js';
export { exportTable, exportExportify, checkTable, TABLE_FORMATS, EXPORTIFY_COLUMNS, type TableFormat, type TableExportResult } from './table.js';
