import { Flags } from '../../oclif.js';
import { importLastfmUser, type LastfmSyncSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { rejectedText } from '../../render.js';

export default class ImportLastfm extends MixtapeCommand<typeof ImportLastfm> {
  static override summary = "Sync a Last.fm user's scrobbles and loved tracks through the API (LASTFM_API_KEY)";
  static override description = 'Incremental: a later run fetches only scrobbles newer than the newest one stored. Resumable after any interruption. A scrobble of a listen already imported from Spotify is not counted twice.';
  static override examples = ['LASTFM_API_KEY=... <%= config.bin %> import lastfm --user rj'];
  static override flags = { user: Flags.string({ required: true, description: 'Last.fm user name' }) };

  async run(): Promise<LastfmSyncSummary> {
    const s = await importLastfmUser({ dataDir: this.flags['data-dir'], user: this.flags.user, onProgress: this.progress() });
    if (!this.jsonEnabled()) {
      this.log(`${s.scrobbles} scrobbles read (${s.pages} pages${s.from ? ` since ${s.from}` : ''}): ${s.inserted} new plays, ${s.duplicates} already there, ${s.alreadyFromSpotify} already imported from Spotify${rejectedText(s.rejected)}`);
      this.log(`${s.loved} loved tracks; ${s.requests} requests`);
    }
    return s;
  }
}
