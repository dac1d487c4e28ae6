import { Args, Flags } from '../../oclif.js';
import { importScrobbles, SCROBBLE_FORMATS, withStore, type ScrobbleImportSummary } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';
import { printImportSummary } from '../../render.js';

export default class ImportScrobbles extends MixtapeCommand<typeof ImportScrobbles> {
  static override summary = 'Import a scrobble file: Last.fm CSV, lastfm-to-csv, Libre.fm CSV or Rockbox .scrobbler.log';
  static override description = 'The layout is detected from the file; --format forces one. Re-importing, or importing an overlapping export, adds nothing twice.';
  static override examples = [
    '<%= config.bin %> import scrobbles ~/Downloads/lastfm-export.csv',
    '<%= config.bin %> import scrobbles /media/ipod/.scrobbler.log --format scrobbler-log',
  ];
  static override args = { file: Args.string({ required: true, description: 'the scrobble file' }) };
  static override flags = {
    format: Flags.string({ options: [...SCROBBLE_FORMATS], description: 'force a layout instead of detecting it' }),
  };

  async run(): Promise<ScrobbleImportSummary> {
    const format = this.flags.format as (typeof SCROBBLE_FORMATS)[number] | undefined;
    const summary = await withStore(this.storeOptions(), (store) =>
      importScrobbles(store, this.args.file, { ...(format ? { format } : {}), onProgress: this.progress() }),
    );
    if (!this.jsonEnabled()) printImportSummary(this, summary);
    return summary;
  }
}
