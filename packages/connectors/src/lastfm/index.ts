export { lastfmClient, lastfmBodyVerdict, LASTFM_API_URL } from './client.js';
export { recentTracks, lovedTracks, parseScrobble, trackTopTags, artistTopTags, similarTracks, similarArtists, asArray, num, type Scrobble, type RecentPage, type WeightedName } from './api.js';
export { recentTracksStream, lovedTracksStream } from './streams.js';
