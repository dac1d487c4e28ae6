import { Args, Flags } from '../../oclif.js';
import { PUSH_TARGETS, pushPlaylist, withStore, type PushSummary, type PushTargetName } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { renderTable } from '../../render.js';

export default class PlaylistPush extends MixtapeCommand<typeof PlaylistPush> {
  static override summary = 'Push a playlist to a file (M3U8, XSPF, JSPF, CSV) or a service (Subsonic, Jellyfin, ListenBrainz, Spotify, Deezer)';
  static override description = `Pushing again updates the same remote playlist; an interrupted push resumes where it stopped; a remote
playlist deleted on the service is created anew (action "created", recreated), and one created just before
a crash is found by its name and adopted, never made twice. A Navidrome playlist synced from an M3U file
is refused: the next scan would overwrite it.
Spotify and Deezer playlists past 10,000 items become numbered parts "Name (1/3)" that keep the order.
Services read their settings from the environment: SUBSONIC_URL, SUBSONIC_USER, SUBSONIC_PASSWORD
(SUBSONIC_AUTH=password for servers without token auth; chosen by itself on error 41);
JELLYFIN_URL, JELLYFIN_TOKEN (an API key), JELLYFIN_USER (user name or id);
LISTENBRAINZ_TOKEN (MIXTAPE_LISTENBRAINZ_API_URL); Spotify from \`mixtape auth spotify\` or SPOTIFY_ACCESS_TOKEN;
DEEZER_ACCESS_TOKEN.`;
  static override examples = [
    '<%= config.bin %> playlist push "Road trip" --to m3u8 --music-dir ~/Music --out road-trip.m3u8',
    '<%= config.bin %> playlist push "Road trip" --to subsonic',
    'JELLYFIN_URL=http://localhost:8096 JELLYFIN_TOKEN=… JELLYFIN_USER=me <%= config.bin %> playlist push "Road trip" --to jellyfin',
    '<%= config.bin %> playlist push spotify:playlist:abc --to listenbrainz --json',
    '<%= config.bin %> playlist push --from-file picks.json --name "Picks" --to xspf',
  ];
  static override args = { playlist: Args.string({ required: false, description: 'playlist id or name (see `mixtape playlist list`)' }) };
  static override flags = {
    to: Flags.string({ required: true, options: [...PUSH_TARGETS], description: 'where to push' }),
    out: Flags.string({ description: 'file to write (file formats; default: the playlist name in this folder)' }),
    'music-dir': Flags.string({ description: 'M3U8/XSPF/JSPF: point tracks found in this folder at their local files' }),
    'from-file': Flags.string({ description: 'push a JSON list of track ids instead of a stored playlist (stored as a playlist first)' }),
    name: Flags.string({ description: 'with --from-file: the playlist name' }),
  };

  async run(): Promise<PushSummary> {
    const f = this.flags;
    const s = await withStore(this.storeOptions(), (store) =>
      pushPlaylist(store, { playlist: this.args.playlist, to: f.to as PushTargetName, out: f.out, musicDir: f['music-dir'], fromFile: f['from-file'], name: f.name, onProgress: this.progress() }),
    );
    if (!this.jsonEnabled()) {
      if ('out' in s) {
        this.log(`${s.items} tracks of "${s.name}" written to ${s.out}${s.local_files !== undefined ? ` (${s.local_files} with local files, ${s.unmatched} without)` : ''}`);
      } else {
        this.log(`"${s.name}" → ${s.target}: ${s.matched} matched, ${s.unmatched} unmatched, ${s.parts.length} part(s), ${s.requests} requests (${s.write_requests} writes; fewest possible ${s.minimum_write_requests})`);
        this.log(renderTable(s.parts, ['part', 'name', 'remote_id', 'items', 'action']));
        if (s.unmatched > 0) this.log(`\nUnmatched (first ${s.unmatched_tracks.length}):\n${renderTable(s.unmatched_tracks.slice(0, 20), ['position', 'artist', 'title', 'track_id'])}`);
      }
    }
    return s;
  }
}
