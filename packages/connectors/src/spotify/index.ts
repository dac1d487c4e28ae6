export { createPkce, s256, authorizeUrl, SPOTIFY_SCOPES, type Pkce } from './pkce.js';
export { loginWithPkce, refreshTokens, SpotifyTokens, staticToken, type LoginOptions } from './auth.js';
export { readTokenFile, writeTokenFile, deleteTokenFile, type StoredTokens } from './token-file.js';
export { spotifyClient, spotifyUrls, spotifyBodyVerdict, SPOTIFY_API_URL, SPOTIFY_ACCOUNTS_URL, type SpotifyClientOptions } from './client.js';
export { savedItems, playlists, playlistItems, followedArtists, topItems, recentlyPlayed, profile, type SavedKind, type OffsetCheckpoint, type CursorCheckpoint, type PlaylistItemsMode } from './streams.js';
export { itemFields, playlistRowObject, type SpotifyItemFields } from './records.js';
