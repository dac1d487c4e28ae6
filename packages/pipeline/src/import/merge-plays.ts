import type { Store } from '../store/store.js';

/** Columns of the candidate table `imp_plays` that every play import fills before merging. */
export const PLAY_COLUMNS =
  'played_at, track_id, kind, ms_played, source, precision_s, skipped, reason_start, reason_end, shuffle, offline, offline_at, incognito, platform, conn_country';

export interface MergeCounts {
  inserted: number;
  duplicates: number;
  /** Minute-precision plays that a second-precision copy of the same listen replaced. */
  upgraded: number;
}

/**
 * Merges `imp_plays` (PLAY_COLUMNS + ord) into `plays`. One row per (played_at, track_id,
 * ms_played): two listens of one track ending in the same second differ in how long they ran. A
 * minute-precision play (account-data history) and a second-precision play (extended history) of
 * the same track, same ms_played, within the same minute are one listen: the finer one is kept.
 */
export async function mergePlays(store: Store, importId: string): Promise<MergeCounts> {
  const total = Number(await store.scalar('SELECT count(*) FROM imp_plays'));
  await store.run(`
CREATE OR REPLACE TEMP TABLE _mp AS
SELECT * FROM imp_plays QUALIFY row_number() OVER (PARTITION BY played_at, track_id, ms_played ORDER BY precision_s, ord) = 1;
DELETE FROM _mp WHERE EXISTS (SELECT 1 FROM plays p WHERE p.played_at = _mp.played_at AND p.track_id = _mp.track_id AND p.ms_played IS NOT DISTINCT FROM _mp.ms_played);`);

  const coarseNew = Number(await store.scalar('SELECT count(*) FROM _mp WHERE precision_s > 1'));
  const coarseOld = Number(await store.scalar('SELECT count(*) FROM plays WHERE precision_s > 1'));
  let upgraded = 0;
  if (coarseNew > 0 || coarseOld > 0) {
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
    if (coarseOld > 0) {
      const before = Number(await store.scalar('SELECT count(*) FROM plays'));
      await store.run(`
DELETE FROM plays WHERE precision_s > 1 AND EXISTS (
  SELECT 1 FROM _mp n JOIN tracks tn ON tn.track_id = n.track_id JOIN tracks tp ON tp.name_key = tn.name_key
  WHERE n.precision_s = 1 AND tp.track_id = plays.track_id AND n.ms_played = plays.ms_played
    AND plays.played_at BETWEEN date_trunc('minute', n.played_at) - INTERVAL 1 MINUTE AND date_trunc('minute', n.played_at) + INTERVAL 1 MINUTE);`);
      upgraded = before - Number(await store.scalar('SELECT count(*) FROM plays'));
    }
  }
  const inserted = Number(await store.scalar('SELECT count(*) FROM _mp'));
  await store.run(`INSERT INTO plays (${PLAY_COLUMNS}, import_id) SELECT ${PLAY_COLUMNS}, $1 FROM _mp`, [importId]);
  return { inserted, duplicates: total - inserted, upgraded };
}
