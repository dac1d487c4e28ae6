export { musicbrainzClient, musicbrainzBodyVerdict, musicbrainzUserAgent, recordingsByIsrc, MUSICBRAINZ_API_URL, type MbRecording } from './client.js';
