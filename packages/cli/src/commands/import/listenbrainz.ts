import { Flags } from '../../oclif.js';
import { importListenBrainzZip, LISTENBRAINZ_OVERLAP_DAYS, syncListenBrainz, withStore, type ListenBrainzSyncSummary, type ListenBrainzZipSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { rejectedText } from '../../render.js';

export default class ImportListenBrainz extends MixtapeCommand<typeof ImportListenBrainz> {
  static override summary = "Import a ListenBrainz user's listens, loves and hates through the API, or from their user-data export zip";
  static override description = [
    'With --user: the first run reads every listen, newest first; later runs read forwards from the newest stored listen minus --overlap days,',
    'because listens from offline players and imports arrive with old times. Re-read listens add nothing; an interrupted run resumes.',
    'Loves and hates are read too, newest first down to the newest one already read.',
    'LISTENBRAINZ_TOKEN is optional (it raises the rate limit); MIXTAPE_LISTENBRAINZ_API_URL points at another server.',
    'With --zip: the export from https://listenbrainz.org/settings/export/ (listens/YYYY/M.jsonl, feedback.jsonl) in one transaction;',
    'either way, loves become likes and hates bans, as `mixtape feedback` records them.',
    'Either way, a listen already imported from Spotify, Last.fm or a scrobble file is kept once.',
  ].join(' ');
  static override examples = [
    '<%= config.bin %> import listenbrainz --user rob',
    '<%= config.bin %> import listenbrainz --user rob --overlap 30',
    '<%= config.bin %> import listenbrainz --zip ~/Downloads/listenbrainz_rob.zip',
  ];
  static override flags = {
    user: Flags.string({ description: 'ListenBrainz user name: sync listens through the API', exactlyOne: ['user', 'zip'] }),
    zip: Flags.string({ description: 'the user-data export zip', exactlyOne: ['user', 'zip'] }),
    overlap: Flags.integer({ description: 'days re-read before the newest stored listen (with --user)', default: LISTENBRAINZ_OVERLAP_DAYS, min: 0 }),
  };

  async run(): Promise<ListenBrainzSyncSummary | ListenBrainzZipSummary> {
    const { user, zip, overlap } = this.flags;
    if (zip !== undefined) {
      const s = await withStore(this.storeOptions(), (store) => importListenBrainzZip(store, zip, { onProgress: this.progress() }));
      if (!this.jsonEnabled()) {
        this.log(`${s.listens} listens in ${s.files.length} files: ${s.inserted} new plays, ${s.duplicates} already there, ${s.alreadyElsewhere} already imported from another source${rejectedText(s.rejected)}`);
        this.log(`feedback: ${s.feedback.likes} likes, ${s.feedback.bans} bans, ${s.feedback.duplicates} already recorded, ${s.feedback.unresolved} for recordings with no listen here`);
      }
      return s;
    }
    const s = await withStore(this.storeOptions(), (store) => syncListenBrainz(store, { user: user!, overlapDays: overlap, onProgress: this.progress() }));
    if (!this.jsonEnabled()) {
      const since = s.from ? ` since ${s.from}` : '';
      this.log(`${s.listens} listens read ${s.direction}${since} (${s.pages} pages, ${s.requests} requests${s.resumed ? ', resumed' : ''}): ${s.added} new plays, ${s.duplicates} already there, ${s.alreadyElsewhere} already imported from another source${rejectedText(s.rejected)}`);
      const f = s.feedbackDetail;
      this.log(`feedback: ${f.read} read, ${f.likes} likes, ${f.bans} bans, ${f.duplicates} already recorded, ${f.unresolved} for recordings with no listen here`);
      for (const x of s.incomplete) this.log(`warning: ${x.at} holds more listens than the API shows (${x.read} read): import the export zip (--zip) for the rest`);
    }
    return s;
  }
}
