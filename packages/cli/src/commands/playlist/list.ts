import type { PlaylistInfo } from '@mixtape/pipeline/store';
import { MixtapeCommand } from '../../base-command.js';
import { LIGHT_STORE_THREADS } from '../../early-store.js';
import { renderTable } from '../../render.js';

export default class PlaylistList extends MixtapeCommand<typeof PlaylistList> {
  static override summary = 'List stored playlists (imported, exported from Spotify, recommendations)';
  static override examples = ['<%= config.bin %> playlist list', '<%= config.bin %> playlist list --json'];

  async run(): Promise<{ playlists: PlaylistInfo[] }> {
    const { listPlaylists, withStore } = await import('@mixtape/pipeline/store');
    const playlists = await withStore(this.storeOptions({ threads: LIGHT_STORE_THREADS }), (store) => listPlaylists(store));
    if (!this.jsonEnabled()) {
      this.log(playlists.length > 0 ? renderTable(playlists, ['playlist_id', 'source', 'name', 'owner', 'items']) : 'No playlists stored yet: import a Spotify export (`mixtape import spotify-export`) or export from Spotify (`mixtape export spotify`).');
    }
    return { playlists };
  }
}
