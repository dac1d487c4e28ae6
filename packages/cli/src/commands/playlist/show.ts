import { Args, Flags } from '../../oclif.js';
import type { PlaylistView } from '@mixtape/pipeline/store';
import { MixtapeCommand } from '../../base-command.js';
import { LIGHT_STORE_THREADS } from '../../early-store.js';
import { renderTable } from '../../render.js';

export default class PlaylistShow extends MixtapeCommand<typeof PlaylistShow> {
  static override summary = "Show a playlist's items in order and where it was pushed";
  static override examples = ['<%= config.bin %> playlist show "Road trip"', '<%= config.bin %> playlist show spotify:playlist:37i9dQZF1DXcBWIGoYBM5M --limit 20 --json'];
  static override args = { playlist: Args.string({ required: true, description: 'playlist id or name (see `mixtape playlist list`)' }) };
  static override flags = { limit: Flags.integer({ description: 'show at most this many items', min: 1 }) };

  async run(): Promise<PlaylistView> {
    const { showPlaylist, withStore } = await import('@mixtape/pipeline/store');
    const view = await withStore(this.storeOptions({ threads: LIGHT_STORE_THREADS }), (store) => showPlaylist(store, this.args.playlist, this.flags.limit ?? Infinity));
    if (!this.jsonEnabled()) {
      this.log(`${view.name ?? view.playlist_id} · ${view.source} · ${view.items} items${view.owner ? ` · by ${view.owner}` : ''}`);
      this.log(renderTable(view.tracks.map((t) => ({ ...t, duration: t.duration_ms ? `${Math.floor(t.duration_ms / 60000)}:${String(Math.round((t.duration_ms % 60000) / 1000)).padStart(2, '0')}` : '' })), ['position', 'artist', 'title', 'album', 'duration']));
      if (view.pushes.length > 0) this.log(`\nPushed to:\n${renderTable(view.pushes, ['target', 'part', 'name', 'remote_id', 'written', 'total', 'status'])}`);
    }
    return view;
  }
}
