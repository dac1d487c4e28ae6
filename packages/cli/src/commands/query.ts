import { Args, Flags } from '../oclif.js';
import type { Row } from '@mixtape/pipeline/store';
import { MixtapeCommand } from '../base-command.js';
import { renderTable } from '../render.js';

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export default class Query extends MixtapeCommand<typeof Query> {
  static override summary = 'Run read-only SQL over your Mixtape database';
  static override description = 'Tables: plays, tracks, artists, library, playlists, playlist_items, track_tags, artist_tags, "similar", runs, … (see `mixtape status`). Output is a table, or JSON (array of row objects) with --json, or CSV with --csv.';
  static override examples = [
    `<%= config.bin %> query "SELECT artist_name, count(*) AS plays FROM plays JOIN tracks USING (track_id) GROUP BY 1 ORDER BY 2 DESC LIMIT 10"`,
    `<%= config.bin %> query "SELECT * FROM playlists" --csv > playlists.csv`,
  ];
  static override args = { sql: Args.string({ required: true, description: 'one SELECT (or WITH, SHOW, DESCRIBE…) statement' }) };
  static override flags = { csv: Flags.boolean({ description: 'print CSV instead of a table', exclusive: ['json'] }) };

  async run(): Promise<Row[]> {
    const { runQuery } = await import('@mixtape/pipeline/store');
    const { columns, rows } = await runQuery(this.args.sql, this.storeOptions());
    if (this.flags.csv) {
      this.log(columns.map(csvCell).join(','));
      for (const r of rows) this.log(columns.map((c) => csvCell(r[c])).join(','));
    } else if (!this.jsonEnabled()) {
      this.log(renderTable(rows, columns));
      this.log(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
    }
    return rows;
  }
}
