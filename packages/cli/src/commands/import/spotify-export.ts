import { Args } from '../../oclif.js';
import { importSpotifyExport, withStore, type ImportSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { printImportSummary } from '../../render.js';

export default class ImportSpotifyExport extends MixtapeCommand<typeof ImportSpotifyExport> {
  static override summary = 'Import a Spotify personal-data export (zip, folder or one file)';
  static override description =
    'Reads the account-data history (StreamingHistory*.json), the extended history (Streaming_History_Audio_*.json, Streaming_History_Video_*.json, endsong_*.json), YourLibrary.json and PlaylistN.json. The zip is read directly. Importing the same export twice adds nothing; a listen seen in both histories is kept once. On any error nothing is written.';
  static override examples = [
    '<%= config.bin %> import spotify-export ~/Downloads/my_spotify_data.zip',
    '<%= config.bin %> import spotify-export "~/Downloads/Spotify Extended Streaming History" --json',
  ];
  static override args = {
    path: Args.string({ required: true, description: 'the export zip, the folder it unpacks to, or one of its JSON files' }),
  };

  async run(): Promise<ImportSummary> {
    const summary = await withStore(this.storeOptions(), (store) =>
      importSpotifyExport(store, this.args.path, { onProgress: this.progress() }),
    );
    if (!this.jsonEnabled()) printImportSummary(this, summary);
    return summary;
  }
}
