import { Args, Flags } from '../../oclif.js';
import { playlistUnmatched, REMOTE_TARGETS, withStore, type UnmatchedReport } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { renderTable } from '../../render.js';

export default class PlaylistUnmatched extends MixtapeCommand<typeof PlaylistUnmatched> {
  static override summary = 'List the tracks of a playlist that a server or a music folder does not have, and why';
  static override description = `Tracks are matched in tiers: your overrides file, the MusicBrainz recording id, the ISRC, the same
artist and title (feat. credits, "Remastered", accents and brackets set aside) within ±10 s, then a close
spelling of both. Each track not found gets a reason: no song by that artist, no such title, only
another version (live, remix), a duration too far off, or two equally good candidates.
Fix a wrong or missing match in $MIXTAPE_CONFIG_DIR/match-overrides.json, a JSON list such as
[{"artist": "Queen", "title": "Bohemian Rhapsody", "to": "Queen/A Night at the Opera/11.flac"},
 {"track": "spotify:track:4u7EnebtmKWzUH433cf5Qv", "to": "none", "target": "subsonic"}]
("to" is a server song id, a path in the music folder, or "none" to never match).`;
  static override examples = [
    '<%= config.bin %> playlist unmatched "Road trip" --music-dir ~/Music',
    '<%= config.bin %> playlist unmatched --to subsonic',
    '<%= config.bin %> playlist unmatched spotify:playlist:abc --to jellyfin --json',
  ];
  static override args = { playlist: Args.string({ required: false, default: 'mixtape-recommendations', description: 'playlist id or name (see `mixtape playlist list`); default: the latest recommendations' }) };
  static override flags = {
    to: Flags.string({ options: [...REMOTE_TARGETS], description: "match against this service's library (settings as for `playlist push`)", exclusive: ['music-dir'] }),
    'music-dir': Flags.string({ description: 'match against the audio files of this folder, by their tags (cached between runs)', exclusive: ['to'] }),
  };

  async run(): Promise<UnmatchedReport> {
    const f = this.flags;
    const r = await withStore(this.storeOptions(), (store) =>
      playlistUnmatched(store, { playlist: this.args.playlist, to: f.to, musicDir: f['music-dir'], onProgress: this.progress() }),
    );
    if (!this.jsonEnabled()) {
      const tiers = r.match_tiers ? ` (${Object.entries(r.match_tiers).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')})` : '';
      this.log(`"${r.name}" on ${r.target}: ${r.matched} of ${r.items} tracks found${tiers}, ${r.unmatched.length} not found`);
      if (r.music_dir) this.log(`${r.music_dir.files} music files: ${r.music_dir.from_tags} named by tags, ${r.music_dir.from_file_names} by file name (no tags), ${r.music_dir.cached} from the cache`);
      if (r.unmatched.length > 0) this.log(renderTable(r.unmatched, ['position', 'artist', 'title', 'reason', 'detail']));
    }
    return r;
  }
}
