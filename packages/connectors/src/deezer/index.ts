export { deezerClient, deezerBodyVerdict, DEEZER_API_URL } from './client.js';
export { trackByIsrc, trackById, searchTrack, albumGenres, relatedArtists, type DeezerTrack, type DeezerArtist } from './api.js';
export { matchScore, bestMatch, nameSimilarity, type MatchQuery, type Candidate } from './match.js';
