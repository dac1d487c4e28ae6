export { syncSubsonic, syncJellyfin, subsonicServerKey, jellyfinServerKey, type ServerSyncOptions, type JellyfinSyncOptions } from './sync.js';
export { recordServerSongs, type ServerSongState, type ServerSyncCounts } from './record.js';
