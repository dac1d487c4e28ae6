/** Plain-text rendering shared by commands: tables and summaries for people (JSON is oclif's). */
export interface Logger {
  log(message?: string): void;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A table with a header, columns padded to width, long cells cut. */
export function renderTable(rows: ReadonlyArray<object>, columns?: string[], maxWidth = 60): string {
  const cols = columns ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (cols.length === 0) return '(no rows)';
  const text = rows.map((r) => cols.map((c) => {
    const s = cell((r as Record<string, unknown>)[c]);
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  }));
  const width = cols.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(width[i]!)).join('  ').trimEnd();
  return [line(cols), line(width.map((w) => '─'.repeat(w))), ...text.map(line)].join('\n');
}

interface AnySummary {
  rowsRead: number;
  inserted: number;
  duplicates: number;
  folded?: number;
  rejected: Record<string, number>;
  newTracks: number;
  durationMs: number;
  upgraded?: number;
  files?: Array<{ name: string; kind: string; rows: number }>;
  library?: { read: number; inserted: number };
  playlists?: { playlists: number; items: number };
  format?: string;
}

/** `, rejected 2 played_in_future, 1 bad_timestamp`: the reasons rows were refused, or nothing when none were. */
export function rejectedText(rejected: Record<string, number>): string {
  const r = Object.entries(rejected);
  return r.length ? `, rejected ${r.map(([k, v]) => `${v} ${k}`).join(', ')}` : '';
}

/** The summary of an import, for people. */
export function printImportSummary(out: Logger, s: AnySummary): void {
  if (s.files) out.log(renderTable(s.files.map((f) => ({ file: f.name, kind: f.kind, rows: f.rows })), undefined, 80));
  if (s.format) out.log(`format: ${s.format}`);
  out.log(
    `read ${s.rowsRead} rows: ${s.inserted} new plays, ${s.duplicates} already stored` +
      (s.folded ? `, ${s.folded} repeated a play's time and track (added into it)` : '') +
      (s.upgraded ? `, ${s.upgraded} minute-precision plays upgraded` : '') +
      (rejectedText(s.rejected) || ', none rejected'),
  );
  if (s.library && s.library.read > 0) out.log(`library: ${s.library.read} items, ${s.library.inserted} new`);
  if (s.playlists && s.playlists.playlists > 0) out.log(`playlists: ${s.playlists.playlists} with ${s.playlists.items} items`);
  out.log(`${s.newTracks} new tracks · ${(s.durationMs / 1000).toFixed(1)} s`);
}
