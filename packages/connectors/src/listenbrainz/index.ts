export { ListenBrainzPlaylists, listenBrainzClient, listenBrainzTokenFromEnv, LISTENBRAINZ_API_URL, LISTENBRAINZ_ITEMS_PER_REQUEST } from './client.js';
export { feedbackRecord, listenRecord, parseJsonLine, spotifyTrackUri, type FeedbackRecord, type ListenRecord } from './listens.js';
export { listensStream, LISTENS_PER_PAGE, type IncompleteSecond, type ListensWindow } from './listens-stream.js';
export { feedbackStream, FEEDBACK_PER_PAGE } from './feedback-stream.js';
export { openListenBrainzExport, type ListenBrainzExport } from './export-zip.js';
