import type { Store } from '../store/store.js';

/** Columns of the candidate relation `imp_plays` that every play import provides before merging. */
export const PLAY_COLUMNS =
  'played_at, track_id, kind, ms_played, source, precision_s, skipped, reason_start, reason_end, shuffle, offline, offline_at, incognito, platform, conn_country';

export interface MergeCounts {
  inserted: number;
  /** Rows already stored (a re-import, an overlapping export). */
  duplicates: number;
  /** Rows folded into another row of the same import with the same key (their ms_played added up). */
  folded: number;
  /** Stored plays that a richer copy of the same listen replaced (minute precision, or a scrobble). */
  upgraded: number;
}

/** Sources whose time is when the listen started (a scrobble), not when it ended. */
const SCROBBLE_SOURCES = `('lastfm', 'librefm', 'scrobbler-log', 'listenbrainz')`;

/**
 * Seconds between two scrobbles of one listen from two services (Last.fm and ListenBrainz): each
 * player stamps the start itself, a few seconds apart at most; the same track again is a song later.
 */
export const SCROBBLE_TOLERANCE_S = 60;

/**
 * A Spotify play `sp` and a scrobble `sc` are the same listen: the same track (or name), and the
 * scrobble's start within 90 s of the Spotify play's end minus how long it ran. ListenBrainz's own
 * Spotify reader stamps a listen with Spotify's played_at, the end: within 90 s of that also counts.
 */
const SAME_LISTEN = (sp: string, sc: string) => `EXISTS (SELECT 1 FROM tracks a, tracks b WHERE a.track_id = ${sp}.track_id AND b.track_id = ${sc}.track_id
  AND (a.track_id = b.track_id OR a.name_key = b.name_key)
  AND (abs(epoch(${sp}.played_at - to_milliseconds(coalesce(${sp}.ms_played, 0))) - epoch(${sc}.played_at)) <= 90
    OR (${sc}.source = 'listenbrainz' AND abs(epoch(${sp}.played_at) - epoch(${sc}.played_at)) <= 90)))`;

/**
 * Drops from `imp_plays` the scrobbles of listens already stored from another scrobbling service
 * (a player scrobbling to Last.fm and ListenBrainz gives each listen twice): same track or name,
 * times within SCROBBLE_TOLERANCE_S. From the same service, only the same second counts (a
 * re-read listen whose mapping changed its track). Returns how many were dropped, by kind.
 */
export async function dropScrobbledElsewhere(store: Store): Promise<{ sameSource: number; otherSource: number }> {
  if (Number(await store.scalar('SELECT count(*) FROM imp_plays')) === 0) return { sameSource: 0, otherSource: 0 };
  await store.run(`
CREATE OR REPLACE TEMP TABLE _elsewhere AS
SELECT c.ord, bool_or(p.source <> c.source) AS other FROM imp_plays c
JOIN tracks tc ON tc.track_id = c.track_id
JOIN plays p ON p.source IN ${SCROBBLE_SOURCES}
  AND p.played_at BETWEEN c.played_at - INTERVAL ${SCROBBLE_TOLERANCE_S} SECOND AND c.played_at + INTERVAL ${SCROBBLE_TOLERANCE_S} SECOND
JOIN tracks tp ON tp.track_id = p.track_id
WHERE c.source IN ${SCROBBLE_SOURCES} AND (p.source <> c.source OR p.played_at = c.played_at)
  AND (tp.track_id = tc.track_id OR tp.name_key = tc.name_key)
GROUP BY c.ord;
DELETE FROM imp_plays WHERE ord IN (SELECT ord FROM _elsewhere);`);
  const n = await store.one<{ same: number; other: number }>('SELECT count(*) FILTER (NOT other) AS same, count(*) FILTER (other) AS other FROM _elsewhere');
  return { sameSource: Number(n?.same ?? 0), otherSource: Number(n?.other ?? 0) };
}

/**
 * Drops from the candidate table `imp_plays` the scrobbles of listens already stored from Spotify
 * (Spotify scrobbling to Last.fm gives each listen twice). Returns how many were dropped.
 */
export async function dropScrobblesHeardOnSpotify(store: Store): Promise<number> {
  const before = Number(await store.scalar('SELECT count(*) FROM imp_plays'));
  if (before === 0) return 0;
  // SAME_LISTEN as equi-joins (the same track, or a track of the same name, then its Spotify plays):
  // as one correlated EXISTS it paired every scrobble with every Spotify play, and 1,000 scrobbles
  // against 100k plays ran out of memory.
  await store.run(`
CREATE OR REPLACE TEMP TABLE _heard AS
WITH named AS (
  SELECT c.ord, c.played_at, c.source, c.track_id AS tid FROM imp_plays c
  UNION
  SELECT c.ord, c.played_at, c.source, a.track_id FROM imp_plays c JOIN tracks b ON b.track_id = c.track_id JOIN tracks a ON a.name_key = b.name_key
)
SELECT DISTINCT x.ord FROM named x JOIN plays s ON s.track_id = x.tid AND s.source LIKE 'spotify%'
WHERE abs(epoch(s.played_at - to_milliseconds(coalesce(s.ms_played, 0))) - epoch(x.played_at)) <= 90
   OR (x.source = 'listenbrainz' AND abs(epoch(s.played_at) - epoch(x.played_at)) <= 90);
DELETE FROM imp_plays WHERE ord IN (SELECT ord FROM _heard);`);
  return before - Number(await store.scalar('SELECT count(*) FROM imp_plays'));
}

/** Removes stored scrobbles of listens that the incoming Spotify rows now hold (richer: skips, reasons). */
async function replaceScrobbles(store: Store, candidates: string): Promise<number> {
  const stored = Number(await store.scalar(`SELECT count(*) FROM plays WHERE source IN ${SCROBBLE_SOURCES}`));
  if (stored === 0) return 0;
  await store.run(`CREATE OR REPLACE TEMP TABLE _sp AS SELECT played_at, track_id, ms_played FROM (${candidates}) WHERE source LIKE 'spotify%'`);
  await store.run(`DELETE FROM plays WHERE source IN ${SCROBBLE_SOURCES} AND EXISTS (SELECT 1 FROM _sp WHERE ${SAME_LISTEN('_sp', 'plays')})`);
  return stored - Number(await store.scalar(`SELECT count(*) FROM plays WHERE source IN ${SCROBBLE_SOURCES}`));
}

const NOT_STORED = `NOT EXISTS (SELECT 1 FROM plays p WHERE p.played_at = c.played_at AND p.track_id = c.track_id)`;

/** The candidate columns, with a repeated key's rows folded into one play that carries their summed ms_played. */
const CANDIDATE = PLAY_COLUMNS.split(', ').map((col) => (col === 'ms_played' ? 'coalesce(d.ms, c.ms_played) AS ms_played' : `c.${col}`)).join(', ');

/** Second-precision plays as (minute, ms_played, name): each one, and each minute's sum per name. */
const fineByMinute = (source: string) => `
WITH f AS (SELECT date_trunc('minute', x.played_at) AS minute, x.ms_played, t.name_key FROM (${source}) x JOIN tracks t USING (track_id))
SELECT minute, ms_played, name_key FROM f
UNION ALL SELECT minute, sum(ms_played), name_key FROM f GROUP BY minute, name_key HAVING count(*) > 1`;

/**
 * Merges the candidates `imp_plays` (a table or view: PLAY_COLUMNS + ord) into `plays`.
 *
 * A play is identified by when it ended and what was played: one row per (played_at, track_id).
 * Rows of one import that share a key (two quick restarts ending in the same second, or in the same
 * minute in the account-data history) become one play whose ms_played is their sum, so no listening
 * time is lost. A minute-precision play (account-data history) and second-precision plays (extended
 * history) of the same track within the same minute, with the same ms_played (or the same total),
 * are the same listening: the finer rows are kept, whichever was imported first.
 */
export async function mergePlays(store: Store, importId: string): Promise<MergeCounts> {
  const c = (await store.one<{ total: number; coarse: number }>(
    `SELECT count(*) AS total, count(*) FILTER (precision_s > 1) AS coarse FROM imp_plays`,
  ))!;
  const stored = (await store.one<{ n: number; coarse: number }>(`SELECT count(*) AS n, count(*) FILTER (precision_s > 1) AS coarse FROM plays`))!;
  const before = stored.n;
  // Keys repeated inside this import: keep the finest, then the first, row; sum the ms_played of that precision.
  await store.run(`
CREATE OR REPLACE TEMP TABLE _dupe AS
WITH k AS (SELECT played_at, track_id, min(precision_s) AS p FROM imp_plays GROUP BY played_at, track_id HAVING count(*) > 1)
SELECT k.played_at, k.track_id, min(c.ord) FILTER (c.precision_s = k.p) AS keep, sum(c.ms_played) FILTER (c.precision_s = k.p) AS ms
FROM k JOIN imp_plays c USING (played_at, track_id) GROUP BY k.played_at, k.track_id`);
  const folded = Number(await store.scalar(`SELECT count(*) FROM imp_plays c JOIN _dupe d USING (played_at, track_id) WHERE d.keep <> c.ord`));
  const fresh = `${before > 0 ? `${NOT_STORED} AND ` : ''}(d.keep IS NULL OR d.keep = c.ord)`;
  const candidates = `SELECT ${CANDIDATE} FROM imp_plays c LEFT JOIN _dupe d USING (played_at, track_id) WHERE ${fresh}`;

  const scrobblesReplaced = await replaceScrobbles(store, candidates);
  const base = before - scrobblesReplaced;

  // Nothing at minute precision on either side: stream the candidates straight into plays.
  if (c.coarse === 0 && stored.coarse === 0) {
    await store.run(`INSERT INTO plays (${PLAY_COLUMNS}, import_id) SELECT *, $1 FROM (${candidates})`, [importId]);
    const inserted = Number(await store.scalar('SELECT count(*) FROM plays')) - base;
    return { inserted, duplicates: c.total - folded - inserted, folded, upgraded: scrobblesReplaced };
  }

  await store.run(`CREATE OR REPLACE TEMP TABLE _mp AS ${candidates}`);
  let upgraded = 0;
  // name_key joins the two histories: the account-data one has no URIs.
  await store.run(`
CREATE OR REPLACE TEMP TABLE _fine AS ${fineByMinute(`
  SELECT played_at, track_id, ms_played FROM _mp WHERE precision_s = 1
  UNION ALL SELECT played_at, track_id, ms_played FROM plays WHERE precision_s = 1 AND source LIKE 'spotify%'`)};
DELETE FROM _mp WHERE precision_s > 1 AND EXISTS (
  SELECT 1 FROM _fine f JOIN tracks t ON t.name_key = f.name_key
  WHERE t.track_id = _mp.track_id AND f.ms_played = _mp.ms_played
    AND _mp.played_at BETWEEN f.minute - INTERVAL 1 MINUTE AND f.minute + INTERVAL 1 MINUTE);`);
  if (stored.coarse > 0) {
    await store.run(`
CREATE OR REPLACE TEMP TABLE _finenew AS ${fineByMinute('SELECT played_at, track_id, ms_played FROM _mp WHERE precision_s = 1')};
DELETE FROM plays WHERE precision_s > 1 AND EXISTS (
  SELECT 1 FROM _finenew f JOIN tracks t ON t.name_key = f.name_key
  WHERE t.track_id = plays.track_id AND f.ms_played = plays.ms_played
    AND plays.played_at BETWEEN f.minute - INTERVAL 1 MINUTE AND f.minute + INTERVAL 1 MINUTE);`);
    upgraded = base - Number(await store.scalar('SELECT count(*) FROM plays'));
  }
  upgraded += scrobblesReplaced;
  const inserted = Number(await store.scalar('SELECT count(*) FROM _mp'));
  await store.run(`INSERT INTO plays (${PLAY_COLUMNS}, import_id) SELECT ${PLAY_COLUMNS}, $1 FROM _mp`, [importId]);
  return { inserted, duplicates: c.total - folded - inserted, folded, upgraded };
}
