export { exportSpotify, SPOTIFY_STREAMS, type SpotifyExportOptions, type SpotifyExportSummary, type SpotifyStreamName, type PlaylistReport } from './spotify.js';
export { SOURCE as SPOTIFY_API_SOURCE, playlistKey } from './spotify-write.js';
export { spotifyTokenPath, spotifyTokenSource, loginSpotify, spotifyAuthStatus, logoutSpotify, type LoginResult, type AuthStatus } from './spotify-auth.js';
export { exportSpotifyToStore } from './spotify-command.js';
