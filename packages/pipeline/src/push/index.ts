export { pushPlaylist, PUSH_TARGETS, type PushOptions, type PushSummary, type PushTargetName } from './push.js';
export { pushRemote, type RemoteTarget, type RemotePushSummary, type RemotePushOptions, type PartReport } from './remote.js';
export { pushToFile, FILE_FORMATS, type FileFormat, type FilePushSummary } from './files.js';
export { listPlaylists, findPlaylist, loadTracks, loadCatalogue, playlistFromFile, type PlaylistInfo } from './load.js';
export { showPlaylist, type PlaylistView } from './show.js';
export { spotifyTarget, deezerTarget, listenBrainzTarget, subsonicTarget, jellyfinTarget, REMOTE_TARGETS } from './targets.js';
export { remoteTarget } from './push.js';
export { readStates, pushesOf, type PushState } from './state.js';
export { syntheticTrack, seedSyntheticPlaylist } from './testing.js';
