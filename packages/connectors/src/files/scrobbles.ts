import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { MixtapeError } from '@mixtape/core';
import { implausiblePlay } from './play-bounds.js';

/** Scrobble file layouts Mixtape reads. */
export const SCROBBLE_FORMATS = ['lastfm-csv', 'lastfm-to-csv', 'librefm-csv', 'scrobbler-log'] as const;
export type ScrobbleFormat = (typeof SCROBBLE_FORMATS)[number];

/** One listen from a scrobble file. Times are UTC milliseconds since the epoch. */
export interface Scrobble {
  line: number;
  playedAt: number;
  artist: string;
  title: string;
  album?: string;
  artistMbid?: string;
  albumMbid?: string;
  trackMbid?: string;
  durationMs?: number;
  /** Rockbox logs mark a track as skipped with rating S. */
  skipped?: boolean;
}

export interface Rejected {
  line: number;
  reason: string;
}

export interface ScrobbleFile {
  format: ScrobbleFormat;
  rows: Scrobble[];
  rejected: Rejected[];
}

/** What each layout's rows must carry, for the wrong-format message. */
const EXPECTED: Record<ScrobbleFormat, string> = {
  'lastfm-csv': 'a header with uts (or utc_time), artist and track',
  'librefm-csv': 'a header with artist, track and time',
  'lastfm-to-csv': 'four columns: artist, album, track, date (31 Jan 2021 18:04)',
  'scrobbler-log': 'tab-separated artist, album, title, track number, length, rating, unix time',
};

/** Header columns a layout reads by name; one of each inner list must be present. */
const HEADER_COLUMNS: Partial<Record<ScrobbleFormat, string[][]>> = {
  'lastfm-csv': [['uts', 'utc_time'], ['artist'], ['track']],
  'librefm-csv': [['artist'], ['track'], ['time']],
};

/**
 * The longest record Mixtape reads from a scrobble file: a scrobble line is a few hundred
 * characters, and one far past this is not a scrobble (left to DuckDB it fails on memory).
 */
export const MAX_RECORD_CHARS = 1 << 20;

function fieldTooLarge(name: string, line: number): MixtapeError {
  return new MixtapeError('field_too_large', `${name}, line ${line}: a field is longer than ${MAX_RECORD_CHARS / (1 << 20)} MiB, which no scrobble has`, {
    suggestion: 'check that line of the file (a missing closing quote joins the lines after it into one field); nothing was imported',
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
/** `31 Jan 2021 18:04` or `11 Jul 2024, 09:07` (both UTC). */
const TEXT_DATE = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?$/;

function mbid(v: string | undefined): string | undefined {
  const s = v?.trim();
  return s && UUID.test(s) ? s.toLowerCase() : undefined;
}

function text(v: string | undefined): string | undefined {
  const s = v?.trim();
  return s ? s : undefined;
}

/** Parses the text dates of Last.fm exports as UTC; undefined when not a date. */
export function parseTextDate(s: string): number | undefined {
  const m = TEXT_DATE.exec(s.trim());
  if (!m) return undefined;
  const month = MONTHS[m[2]!.slice(0, 3).toLowerCase()];
  if (month === undefined) return undefined;
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}

function unixSeconds(s: string | undefined): number | undefined {
  if (!s || !/^\d{9,11}$/.test(s.trim())) return undefined;
  return Number(s.trim()) * 1000;
}

/** A comment line: `#…`, or `#` written in UTF-7 as Libre.fm does (`+ACM-`). */
function isComment(line: string): boolean {
  return line.startsWith('#') || line.startsWith('+ACM-');
}

function csvRows(body: string): string[][] {
  return parse(body, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true }) as string[][];
}

/** Detects the layout of a scrobble file from its first lines. */
export function detectScrobbleFormat(content: string): ScrobbleFormat | undefined {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.startsWith('#AUDIOSCROBBLER')) return 'scrobbler-log';
  const data = lines.filter((l) => !isComment(l));
  if (data.length === 0) return undefined;
  const first = csvRows(data[0]!)[0]?.map((c) => c.trim().toLowerCase()) ?? [];
  if (first.includes('uts') && first.includes('artist') && first.includes('track')) return 'lastfm-csv';
  if (first.includes('artist') && first.includes('track') && first.includes('time')) return 'librefm-csv';
  const raw = csvRows(data[0]!)[0] ?? [];
  if (raw.length === 4 && parseTextDate(raw[3] ?? '') !== undefined) return 'lastfm-to-csv';
  return undefined;
}

/**
 * Parses a scrobble file; throws a MixtapeError for an empty file, an unknown layout, or a file whose
 * rows do not have the layout's shape (`wrong_format`). Listens outside PLAY_BOUNDS (relative to
 * `nowMs`) are rejected with their reason.
 */
export function parseScrobbles(content: string, fileName: string, force?: ScrobbleFormat, nowMs: number = Date.now()): ScrobbleFile {
  const name = basename(fileName);
  if (content.trim() === '') throw new MixtapeError('empty_file', `${name} is empty`, { suggestion: 'export your scrobbles again' });
  const format = force ?? detectScrobbleFormat(content);
  if (!format) {
    throw new MixtapeError('unknown_csv_layout', `${name}: unknown scrobble file layout (first line: ${JSON.stringify(content.split(/\r?\n/)[0]?.slice(0, 80))})`, {
      suggestion: `expected a Last.fm CSV (ghan.nl, with header uts,utc_time,artist,…), lastfm-to-csv (artist,album,track,date), a Libre.fm CSV (Artist,Track,Album,Time) or a Rockbox .scrobbler.log; force one with --format (${SCROBBLE_FORMATS.join(', ')})`,
    });
  }
  const file = format === 'scrobbler-log' ? parseScrobblerLog(content, name) : parseCsv(content, format, name, force !== undefined);
  // Headerless layouts have no column names to check: a file where no row has the shape is another layout.
  if (!HEADER_COLUMNS[format] && file.rows.length === 0 && file.rejected.length > 0) throw wrongFormat(name, format, force !== undefined);
  return dropImplausible(file, nowMs);
}

function wrongFormat(name: string, format: ScrobbleFormat, forced: boolean): MixtapeError {
  return new MixtapeError('wrong_format', `${name} is not a ${format} file: no row has ${EXPECTED[format]} (nothing was imported)`, {
    suggestion: forced ? 'check the file, or leave out --format to detect its layout' : 'check the file is a complete scrobble export',
  });
}

/** Moves listens that cannot have happened (1969, 2099) from rows to rejected, in line order. */
function dropImplausible(file: ScrobbleFile, nowMs: number): ScrobbleFile {
  const rows: Scrobble[] = [];
  const rejected = [...file.rejected];
  for (const row of file.rows) {
    const reason = implausiblePlay(row.playedAt, undefined, nowMs);
    if (reason) rejected.push({ line: row.line, reason });
    else rows.push(row);
  }
  rejected.sort((a, b) => a.line - b.line);
  return { format: file.format, rows, rejected };
}

function parseScrobblerLog(content: string, name: string): ScrobbleFile {
  const rows: Scrobble[] = [];
  const rejected: Rejected[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.length > MAX_RECORD_CHARS) throw fieldTooLarge(name, i + 1);
    if (line.trim() === '' || line.startsWith('#')) return;
    const f = line.split('\t');
    const [artist, album, title, , length, rating, ts, trackMbid] = f;
    const playedAt = unixSeconds(ts);
    if (f.length < 7) return void rejected.push({ line: i + 1, reason: 'too_few_fields' });
    if (playedAt === undefined) return void rejected.push({ line: i + 1, reason: 'bad_timestamp' });
    if (!text(title)) return void rejected.push({ line: i + 1, reason: 'no_title' });
    const row: Scrobble = { line: i + 1, playedAt, artist: text(artist) ?? '', title: text(title)! };
    const alb = text(album);
    if (alb) row.album = alb;
    const m = mbid(trackMbid);
    if (m) row.trackMbid = m;
    if (length && /^\d+$/.test(length)) row.durationMs = Number(length) * 1000;
    if (rating === 'S') row.skipped = true;
    else if (rating === 'L') row.skipped = false;
    rows.push(row);
  });
  return { format: 'scrobbler-log', rows, rejected };
}

function parseCsv(content: string, format: Exclude<ScrobbleFormat, 'scrobbler-log'>, name: string, forced: boolean): ScrobbleFile {
  // Keep line numbers: blank out comment lines instead of dropping them.
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => (isComment(l) ? '' : l));
  let records: string[][];
  try {
    records = parse(lines.join('\n'), { relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: false, max_record_size: MAX_RECORD_CHARS }) as string[][];
  } catch (cause) {
    const err = cause as { code?: string; lines?: number };
    if (err.code === 'CSV_MAX_RECORD_SIZE') throw fieldTooLarge(name, err.lines ?? 0);
    throw new MixtapeError('malformed_csv', `${name}: ${(cause as Error).message}`, { suggestion: 'check the file is a complete CSV export', cause });
  }
  const rows: Scrobble[] = [];
  const rejected: Rejected[] = [];
  let header: string[] | undefined;
  records.forEach((rec, i) => {
    const line = i + 1;
    if (rec.length === 1 && rec[0]!.trim() === '') return;
    if (format !== 'lastfm-to-csv' && !header) {
      header = rec.map((c) => c.trim().toLowerCase());
      return;
    }
    const get = (col: string) => (header ? rec[header.indexOf(col)] : undefined);
    let row: Scrobble | undefined;
    let reason = 'bad_timestamp';
    if (format === 'lastfm-to-csv') {
      const [artist, album, title, date] = rec;
      const playedAt = parseTextDate(date ?? '');
      if (playedAt !== undefined && text(title)) row = withAlbum({ line, playedAt, artist: text(artist) ?? '', title: text(title)! }, album);
      else if (playedAt !== undefined) reason = 'no_title';
    } else if (format === 'lastfm-csv') {
      const playedAt = unixSeconds(get('uts')) ?? parseTextDate(get('utc_time') ?? '');
      const title = text(get('track'));
      if (playedAt !== undefined && title) {
        row = withAlbum({ line, playedAt, artist: text(get('artist')) ?? '', title }, get('album'));
        const am = mbid(get('artist_mbid'));
        const bm = mbid(get('album_mbid'));
        const tm = mbid(get('track_mbid'));
        if (am) row.artistMbid = am;
        if (bm) row.albumMbid = bm;
        if (tm) row.trackMbid = tm;
      } else if (playedAt !== undefined) reason = 'no_title';
    } else {
      const playedAt = unixSeconds(get('time'));
      const title = text(get('track'));
      if (playedAt !== undefined && title) row = withAlbum({ line, playedAt, artist: text(get('artist')) ?? '', title }, get('album'));
      else if (playedAt !== undefined) reason = 'no_title';
    }
    if (row) rows.push(row);
    else rejected.push({ line, reason });
  });
  if (!header && format !== 'lastfm-to-csv') {
    throw new MixtapeError('unknown_csv_layout', `${name}: no header row found`, { suggestion: 'check the file is a complete scrobble export' });
  }
  const needed = HEADER_COLUMNS[format];
  if (header && needed && !needed.every((any) => any.some((col) => header!.includes(col)))) throw wrongFormat(name, format, forced);
  return { format, rows, rejected };
}

function withAlbum(row: Scrobble, album: string | undefined): Scrobble {
  const a = text(album);
  if (a) row.album = a;
  return row;
}
