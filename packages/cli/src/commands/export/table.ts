import { Args, Flags } from '../../oclif.js';
import { MixtapeError } from '@mixtape/core';
import { exportExportify, exportTable, TABLE_FORMATS, withStore, type TableExportResult, type TableFormat } from '@mixtape/pipeline';
import { MixtapeCommand } from '../../base-command.js';

export default class ExportTable extends MixtapeCommand<typeof ExportTable> {
  static override summary = 'Write any table to a Parquet, CSV, JSON or Arrow file; or playlists as Exportify CSVs';
  static override examples = [
    '<%= config.bin %> export table plays --format parquet --out plays.parquet',
    '<%= config.bin %> export table library --format csv --out library.csv',
    '<%= config.bin %> export table playlists --exportify --out ./exportify',
    '<%= config.bin %> export table playlists --exportify --playlist "Road trip" --out road-trip.csv',
  ];
  static override args = { name: Args.string({ required: true, description: 'table name (see `mixtape status`)' }) };
  static override flags = {
    format: Flags.string({ options: [...TABLE_FORMATS], default: 'parquet', description: 'file format' }),
    out: Flags.string({ required: true, description: 'file to write (a folder with --exportify and no --playlist)' }),
    exportify: Flags.boolean({ default: false, description: "playlists as CSVs with Exportify's columns" }),
    playlist: Flags.string({ description: 'with --exportify: only this playlist (id, URI or name)' }),
  };

  async run(): Promise<TableExportResult | { files: { playlist: string; file: string; rows: number }[] }> {
    const { exportify, playlist, out } = this.flags;
    if (exportify && !/^playlist/.test(this.args.name)) {
      throw new MixtapeError('invalid_flags', '--exportify writes playlists only', { suggestion: 'run `mixtape export table playlists --exportify --out DIR`' });
    }
    const onProgress = this.progress();
    type Out = TableExportResult | { files: { playlist: string; file: string; rows: number }[] };
    const result = await withStore<Out>(this.storeOptions(), (store) =>
      exportify ? exportExportify(store, { out, playlist, onProgress }) : exportTable(store, { name: this.args.name, format: this.flags.format as TableFormat, out, onProgress }),
    );
    if (!this.jsonEnabled()) {
      if ('files' in result) this.log(`${result.files.length} playlist CSV file(s) written${result.files[0] ? `, e.g. ${result.files[0].file}` : ''}`);
      else this.log(`${result.rows} rows of ${result.table} written to ${result.out} (${result.format})`);
    }
    return result;
  }
}
