import { Flags } from '../../oclif.js';
import { exportSpotifyToStore, SPOTIFY_STREAMS, type SpotifyExportSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { renderTable } from '../../render.js';

export default class ExportSpotify extends MixtapeCommand<typeof ExportSpotify> {
  static override summary = 'Export your Spotify library through the Web API: saved items, playlists, follows, tops, recent plays';
  static override description =
    'Resumable: run the same command again after any interruption. Later runs are incremental. Playlists you only follow are listed with their metadata; Spotify refuses their items (403), which the summary reports per playlist.';
  static override examples = ['<%= config.bin %> export spotify', '<%= config.bin %> export spotify --streams saved_tracks,playlists --json'];
  static override flags = {
    streams: Flags.string({ description: `comma-separated subset of: ${SPOTIFY_STREAMS.join(', ')}` }),
    full: Flags.boolean({ default: false, description: 'read every stream whole and drop what Spotify no longer has: saved items, followed artists, playlists (later runs otherwise stop at the last saved item seen)' }),
  };

  async run(): Promise<SpotifyExportSummary> {
    const s = await exportSpotifyToStore({ dataDir: this.flags['data-dir'], streams: this.flags.streams, full: this.flags.full, onProgress: this.progress() });
    if (!this.jsonEnabled()) {
      this.log(renderTable(Object.entries(s.streams).filter(([k]) => !k.startsWith('playlist_items:')).map(([stream, v]) => ({ stream, ...v }))));
      this.log(`playlists: ${s.playlists.total} (${s.playlists.fetched} fetched, ${s.playlists.unchanged} unchanged, ${s.playlists.forbidden} not readable)`);
      for (const p of s.playlists.details.filter((d) => d.status === 'forbidden')) this.log(`  not readable (Spotify allows items only for playlists you own or collaborate on): ${p.name}`);
      if (s.removed > 0) this.log(`${s.removed} saved items no longer saved on Spotify were removed`);
      this.log(`${s.requests} requests, ${s.retries} retries, ${s.rateLimited} rate limited, ${(s.waitedMs / 1000).toFixed(1)} s waited, ${s.seconds.toFixed(1)} s`);
    }
    return s;
  }
}
