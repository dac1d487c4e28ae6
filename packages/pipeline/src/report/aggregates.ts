import type { Store } from '../store/store.js';

/** A list of rows as the page's tables and charts take them. */
export type Rows = Array<Record<string, string | number | null>>;

export interface TopLists { byPlays: Rows; byHours: Rows }

/** Everything the report shows: aggregates only, never a single play. */
export interface ListeningAggregates {
  year: number | null;
  totals: {
    plays: number;
    hours: number;
    /** The part of `hours` estimated from track lengths, for listens that record no listening time (scrobbles). */
    estimatedHours: number;
    /** Listens that record no listening time and whose track's length is unknown: they add no hours. */
    untimedPlays: number;
    tracks: number;
    artists: number;
    first: string | null;
    last: string | null;
    days: number;
  };
  perWeek: Rows;
  perMonth: Rows;
  top: { artists: TopLists; tracks: TopLists; albums: TopLists };
  topByYear: Rows;
  heatmap: Rows;
  discovery: Rows;
  skips: Rows;
  tags: Rows;
  sessions: Rows;
  sources: Rows;
  sourcesByMonth: Rows;
  imports: Rows;
}

/**
 * The plays in scope ($1: a year, or NULL for the whole history), with their track's names.
 * Every query binds $1, so `--year` narrows all sections alike. A scrobbled listen has no ms_played:
 * it is not a short play, and its listening time is its track's length where that is known (a
 * scrobble is sent once most of a track has played), else nothing; `ms_estimated` marks the first.
 */
export const SCOPE = `scoped AS (
  SELECT p.played_at, coalesce(p.ms_played, CASE WHEN coalesce(p.skipped, false) THEN 0 ELSE t.duration_ms END, 0) AS ms_played,
    p.ms_played IS NULL AS ms_unknown, p.ms_played IS NULL AND NOT coalesce(p.skipped, false) AND t.duration_ms IS NOT NULL AS ms_estimated,
    p.kind, p.source, p.skipped, p.reason_end, p.incognito, p.track_id,
    coalesce(t.title, p.track_id) AS title, coalesce(t.artist_name, '(unknown artist)') AS artist, t.album_name AS album, t.artist_id
  FROM plays p LEFT JOIN tracks t USING (track_id)
  WHERE ($1::INTEGER IS NULL OR year(p.played_at) = $1::INTEGER)
), music AS (SELECT * FROM scoped WHERE kind = 'track')`;

const HOURS = 'round(sum(ms_played) / 3600000.0, 2)::DOUBLE';
const TOP_N = 10;

function q(store: Store, year: number | null, body: string): Promise<Rows> {
  return store.all(`WITH ${SCOPE} ${body}`, [year]);
}

async function topLists(store: Store, year: number | null, key: string, label: string): Promise<TopLists> {
  const base = `SELECT ${label}, count(*)::BIGINT AS plays, ${HOURS} AS hours FROM music WHERE ${key} IS NOT NULL GROUP BY ${key}`;
  return {
    byPlays: await q(store, year, `${base} ORDER BY plays DESC, hours DESC, 1 LIMIT ${TOP_N}`),
    byHours: await q(store, year, `${base} ORDER BY hours DESC, plays DESC, 1 LIMIT ${TOP_N}`),
  };
}

/** Computes every section's aggregates in DuckDB over the store's plays (music unless a section says otherwise). */
export async function listeningAggregates(store: Store, year: number | null = null): Promise<ListeningAggregates> {
  const totals = (await store.one<ListeningAggregates['totals']>(`WITH ${SCOPE}
SELECT count(*)::BIGINT AS plays, coalesce(${HOURS}, 0) AS hours,
  coalesce(round(sum(ms_played) FILTER (ms_estimated) / 3600000.0, 2), 0)::DOUBLE AS "estimatedHours",
  count(*) FILTER (ms_unknown AND NOT ms_estimated AND NOT coalesce(skipped, false))::BIGINT AS "untimedPlays", count(DISTINCT track_id)::BIGINT AS tracks, count(DISTINCT artist)::BIGINT AS artists,
  strftime(min(played_at), '%Y-%m-%d') AS first, strftime(max(played_at), '%Y-%m-%d') AS last, count(DISTINCT played_at::DATE)::BIGINT AS days FROM music`, [year]))!;
  return {
    year,
    totals,
    perWeek: await q(store, year, `SELECT strftime(date_trunc('week', played_at), '%Y-%m-%d') AS week, count(*)::BIGINT AS plays, ${HOURS} AS hours FROM music GROUP BY 1 ORDER BY 1`),
    perMonth: await q(store, year, `SELECT strftime(date_trunc('month', played_at), '%Y-%m') AS month, count(*)::BIGINT AS plays, ${HOURS} AS hours FROM music GROUP BY 1 ORDER BY 1`),
    top: {
      artists: await topLists(store, year, 'artist', 'artist'),
      tracks: await topLists(store, year, 'track_id', 'any_value(title) AS track, any_value(artist) AS artist'),
      albums: await topLists(store, year, 'album', 'album, any_value(artist) AS artist'),
    },
    // The top five artists of each year, by plays: the "per year" view of the all-time lists.
    topByYear: await q(store, year, `SELECT year, artist, plays, hours FROM (
  SELECT *, row_number() OVER (PARTITION BY year ORDER BY plays DESC, hours DESC, artist) AS rank FROM (
    SELECT year(played_at)::INTEGER AS year, artist, count(*)::BIGINT AS plays, ${HOURS} AS hours FROM music GROUP BY 1, 2)) WHERE rank <= 5 ORDER BY year, rank`),
    heatmap: await q(store, year, `SELECT isodow(played_at)::INTEGER AS weekday, hour(played_at)::INTEGER AS hour, count(*)::BIGINT AS plays FROM music GROUP BY 1, 2 ORDER BY 1, 2`),
    // An artist is new in the month of their first play ever (not just within the year in scope).
    discovery: await q(store, year, `, firsts AS (SELECT coalesce(t.artist_name, '(unknown artist)') AS artist, min(p.played_at) AS first FROM plays p LEFT JOIN tracks t USING (track_id) WHERE p.kind = 'track' GROUP BY 1),
monthly AS (SELECT strftime(date_trunc('month', m.played_at), '%Y-%m') AS month, sum(m.ms_played) AS ms,
  sum(m.ms_played) FILTER (date_trunc('month', m.played_at) = date_trunc('month', f.first)) AS new_ms FROM music m JOIN firsts f USING (artist) GROUP BY 1),
news AS (SELECT strftime(date_trunc('month', first), '%Y-%m') AS month, count(*) AS new_artists FROM firsts GROUP BY 1)
SELECT m.month, coalesce(n.new_artists, 0)::BIGINT AS new_artists, round(100.0 * coalesce(m.new_ms, 0) / nullif(m.ms, 0), 1)::DOUBLE AS new_share_pct
FROM monthly m LEFT JOIN news n USING (month) ORDER BY 1`),
    skips: await q(store, year, `SELECT * FROM (
  SELECT 'skipped' AS reason, count(*) FILTER (kind = 'track' AND skipped)::BIGINT AS plays FROM scoped
  UNION ALL SELECT 'ended early, not skipped', count(*) FILTER (kind = 'track' AND NOT coalesce(skipped, false) AND reason_end IS NOT NULL AND reason_end <> 'trackdone')::BIGINT FROM scoped
  UNION ALL SELECT 'short play (under 30 s)', count(*) FILTER (kind = 'track' AND ms_played < 30000 AND NOT ms_unknown)::BIGINT FROM scoped
  UNION ALL SELECT 'incognito', count(*) FILTER (incognito)::BIGINT FROM scoped
  UNION ALL SELECT 'podcast episodes', count(*) FILTER (kind <> 'track')::BIGINT FROM scoped) ORDER BY plays DESC, reason`),
    // Tags weighted by listening time: a play's hours count once for each of its artist's and track's tags.
    tags: await q(store, year, `, tagged AS (
  SELECT m.played_at, m.ms_played, ta.tag FROM music m JOIN artist_tags ta ON ta.artist_id = m.artist_id
  UNION ALL SELECT m.played_at, m.ms_played, tt.tag FROM music m JOIN track_tags tt USING (track_id)),
top AS (SELECT tag FROM tagged GROUP BY tag ORDER BY sum(ms_played) DESC, tag LIMIT 8)
SELECT strftime(date_trunc('month', played_at), '%Y-%m') AS month, tag, ${HOURS} AS hours FROM tagged SEMI JOIN top USING (tag) GROUP BY 1, 2 ORDER BY 1, 2`),
    // A session ends after 30 minutes without a play.
    sessions: await q(store, year, `, gaps AS (SELECT played_at, ms_played, CASE WHEN played_at - lag(played_at) OVER (ORDER BY played_at) > INTERVAL 30 MINUTE THEN 1 ELSE 0 END AS brk FROM music),
numbered AS (SELECT *, sum(brk) OVER (ORDER BY played_at ROWS UNBOUNDED PRECEDING) AS session FROM gaps)
SELECT strftime(min(played_at), '%Y-%m-%d %H:%M') AS started, count(*)::BIGINT AS plays, round(sum(ms_played) / 60000.0)::BIGINT AS minutes
FROM numbered GROUP BY session ORDER BY minutes DESC, started LIMIT 10`),
    sources: await q(store, year, `SELECT source, kind, count(*)::BIGINT AS plays, strftime(min(played_at), '%Y-%m-%d') AS first, strftime(max(played_at), '%Y-%m-%d') AS last FROM scoped GROUP BY 1, 2 ORDER BY plays DESC, 1, 2`),
    sourcesByMonth: await q(store, year, `SELECT strftime(date_trunc('month', played_at), '%Y-%m') AS month, source, count(*)::BIGINT AS plays FROM scoped GROUP BY 1, 2 ORDER BY 1, 2`),
    imports: await store.all(`SELECT kind, strftime(imported_at, '%Y-%m-%d %H:%M') AS imported,
  coalesce(json_extract(summary, '$.inserted')::BIGINT, 0) AS new_plays, coalesce(json_extract(summary, '$.duplicates')::BIGINT, 0) AS already_stored,
  coalesce(json_extract(summary, '$.folded')::BIGINT, 0) + coalesce(json_extract(summary, '$.upgraded')::BIGINT, 0) AS merged FROM imports ORDER BY imported_at`),
  };
}
