import type { Store } from '../store/store.js';

/** Columns of the candidate relation `imp_plays` that every play import provides before merging. */
export const PLAY_COLUMNS =
  'played_at, track_id, kind, ms_played, source, precision_s, skipped, reason_start, reason_end, shuffle, offline, offline_at, incognito, platform, conn_country';

export interface MergeCounts {
  inserted: number;
  duplicates: number;
  /** Minute-precision plays that a second-precision copy of the same listen replaced. */
  upgraded: number;
}

const NOT_STORED = `NOT EXISTS (SELECT 1 FROM plays p WHERE p.played_at = c.played_at AND p.track_id = c.track_id AND p.ms_played IS NOT DISTINCT FROM c.ms_played)`;

/**
 * Merges the candidates `imp_plays` (a table or view: PLAY_COLUMNS + ord) into `plays`.
 *
 * One row per (played_at, track_id, ms_played): two listens of one track ending in the same second
 * differ in how long they ran. A minute-precision play (account-data history) and a second-precision
 * play (extended history) of the same track, same ms_played, within the same minute are one listen:
 * the finer one is kept, whichever was imported first.
 */
export async function mergePlays(store: Store, importId: string): Promise<MergeCounts> {
  const c = (await store.one<{ total: number; coarse: number }>(
    `SELECT count(*) AS total, count(*) FILTER (precision_s > 1) AS coarse FROM imp_plays`,
  ))!;
  const stored = (await store.one<{ n: number; coarse: number }>(`SELECT count(*) AS n, count(*) FILTER (precision_s > 1) AS coarse FROM plays`))!;
  const before = stored.n;
  // Repeats inside one import: keep the finest, then the first, of each key.
  await store.run(`
CREATE OR REPLACE TEMP TABLE _dupe AS
SELECT played_at, track_id, ms_played, arg_min(ord, precision_s * 1000000000000000 + ord) AS keep
FROM imp_plays GROUP BY ALL HAVING count(*) > 1`);
  const fresh = `${before > 0 ? `${NOT_STORED} AND ` : ''}NOT EXISTS (SELECT 1 FROM _dupe d WHERE d.played_at = c.played_at AND d.track_id = c.track_id AND d.ms_played IS NOT DISTINCT FROM c.ms_played AND d.keep <> c.ord)`;

  // Nothing at minute precision on either side: stream the candidates straight into plays.
  if (c.coarse === 0 && stored.coarse === 0) {
    await store.run(`INSERT INTO plays (${PLAY_COLUMNS}, import_id) SELECT ${PLAY_COLUMNS}, $1 FROM imp_plays c WHERE ${fresh}`, [importId]);
    const inserted = Number(await store.scalar('SELECT count(*) FROM plays')) - before;
    return { inserted, duplicates: c.total - inserted, upgraded: 0 };
  }

  await store.run(`CREATE OR REPLACE TEMP TABLE _mp AS SELECT * FROM imp_plays c WHERE ${fresh}`);
  let upgraded = 0;
  // name_key joins the two histories: the account-data one has no URIs.
  await store.run(`
CREATE OR REPLACE TEMP TABLE _fine AS
SELECT date_trunc('minute', f.played_at) AS minute, f.ms_played, t.name_key FROM (
  SELECT played_at, track_id, ms_played FROM _mp WHERE precision_s = 1
  UNION ALL SELECT played_at, track_id, ms_played FROM plays WHERE precision_s = 1 AND source LIKE 'spotify%'
) f JOIN tracks t USING (track_id);
DELETE FROM _mp WHERE precision_s > 1 AND EXISTS (
  SELECT 1 FROM _fine f JOIN tracks t ON t.name_key = f.name_key
  WHERE t.track_id = _mp.track_id AND f.ms_played = _mp.ms_played
    AND _mp.played_at BETWEEN f.minute - INTERVAL 1 MINUTE AND f.minute + INTERVAL 1 MINUTE);`);
  if (stored.coarse > 0) {
    await store.run(`
DELETE FROM plays WHERE precision_s > 1 AND EXISTS (
  SELECT 1 FROM _mp n JOIN tracks tn ON tn.track_id = n.track_id JOIN tracks tp ON tp.name_key = tn.name_key
  WHERE n.precision_s = 1 AND tp.track_id = plays.track_id AND n.ms_played = plays.ms_played
    AND plays.played_at BETWEEN date_trunc('minute', n.played_at) - INTERVAL 1 MINUTE AND date_trunc('minute', n.played_at) + INTERVAL 1 MINUTE);`);
    upgraded = before - Number(await store.scalar('SELECT count(*) FROM plays'));
  }
  const inserted = Number(await store.scalar('SELECT count(*) FROM _mp'));
  await store.run(`INSERT INTO plays (${PLAY_COLUMNS}, import_id) SELECT ${PLAY_COLUMNS}, $1 FROM _mp`, [importId]);
  return { inserted, duplicates: c.total - inserted, upgraded };
}
