import type pg from 'pg';
import { payloadFloats } from '../codec.js';
import { inTransaction } from './pg-tx.js';

/**
 * Partial sums of a round's contributions on PostgreSQL. A hub folds accepted contributions into
 * one partial sum (float64) as they arrive and keeps only each contribution's node id and nonce
 * (for duplicates and replays), so a round holds about `foldEvery` payloads at a time instead of
 * one per listener: 100,000 listeners × 768 KB would otherwise be 75 GB a round.
 */
export const PARTIALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS mixtape_fed_partials (
  round INT PRIMARY KEY REFERENCES mixtape_fed_rounds(round),
  contributors INT NOT NULL,
  sum BYTEA NOT NULL
);
ALTER TABLE mixtape_fed_contributions ALTER COLUMN payload DROP NOT NULL;
`;

// Advisory lock namespace for "folding round N": one folder at a time per round, across hubs.
const FOLD_SPACE = 0x6d7a;
// Rows read back per query while folding or aggregating (bounded memory whatever the round's size).
const PAGE = 64;

/**
 * Folds the round's unfolded contributions (at most `max`) into the round's partial sum, in one
 * transaction: the sum is written and the folded payloads are cleared together, so a crash leaves
 * either both or neither. Nothing is folded once the round is closed (its aggregation reads
 * what is there) or while another folder holds the round. Returns how many were folded.
 */
export async function foldRound(pool: pg.Pool, round: number, max: number): Promise<number> {
  const folded = await inTransaction(pool, async (c) => {
    const ids: string[] = [];
    // FOR SHARE: closing the round (an UPDATE of this row) waits until the fold has committed.
    const open = await c.query('SELECT 1 FROM mixtape_fed_rounds WHERE round = $1 AND NOT closed FOR SHARE', [round]);
    const mine = (await c.query('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [FOLD_SPACE, round])).rows[0].ok as boolean;
    if (open.rowCount !== 1 || !mine) return ids;
    // One partial sum per round: the fold adds to it, so the stored sums do not grow with the round either.
    const prev = (await c.query('SELECT contributors, sum FROM mixtape_fed_partials WHERE round = $1', [round])).rows[0] as { contributors: number; sum: Buffer } | undefined;
    let sum = prev ? float64s(prev.sum) : undefined;
    let after = '';
    while (ids.length < max) {
      const r = await c.query(
        'SELECT node_id, payload FROM mixtape_fed_contributions WHERE round = $1 AND payload IS NOT NULL AND node_id > $2 ORDER BY node_id LIMIT $3',
        [round, after, Math.min(PAGE, max - ids.length)],
      );
      for (const row of r.rows as Array<{ node_id: string; payload: Buffer }>) {
        const u = payloadFloats(row.payload);
        sum ??= new Float64Array(u.length);
        for (let i = 0; i < u.length; i++) sum[i]! += u[i]!;
        ids.push(row.node_id);
      }
      if (r.rows.length === 0) break;
      after = ids[ids.length - 1]!;
    }
    if (!sum || ids.length === 0) return ids;
    const bytes = Buffer.from(sum.buffer, sum.byteOffset, sum.byteLength);
    if (prev) await c.query('UPDATE mixtape_fed_partials SET contributors = contributors + $2, sum = $3 WHERE round = $1', [round, ids.length, bytes]);
    else await c.query('INSERT INTO mixtape_fed_partials (round, contributors, sum) VALUES ($1, $2, $3)', [round, ids.length, bytes]);
    await c.query('UPDATE mixtape_fed_contributions SET payload = NULL WHERE round = $1 AND node_id = ANY($2::text[])', [round, ids]);
    return ids;
  });
  if (folded.length === 0) return 0;
  // The cleared payloads' space (their TOAST chunks) is reusable only after a vacuum; autovacuum
  // would come round about once a minute, long after many more payloads were written. Plain VACUUM
  // does not block inserts; without the right to run it, autovacuum still gets there.
  await pool.query('VACUUM mixtape_fed_contributions, mixtape_fed_partials').catch(() => undefined);
  return folded.length;
}

/** Visits the round's partial sum (if any), then its unfolded contributions in node id order (pages of 64). */
export async function forEachPartOfRound(pool: pg.Pool, round: number, visit: (id: string, payload: Float32Array | Float64Array) => void): Promise<void> {
  const partial = (await pool.query('SELECT sum FROM mixtape_fed_partials WHERE round = $1', [round])).rows[0] as { sum: Buffer } | undefined;
  if (partial) visit('partial', float64s(partial.sum));
  let after = '';
  for (;;) {
    const r = await pool.query('SELECT node_id, payload FROM mixtape_fed_contributions WHERE round = $1 AND payload IS NOT NULL AND node_id > $2 ORDER BY node_id LIMIT $3', [round, after, PAGE]);
    for (const row of r.rows as Array<{ node_id: string; payload: Buffer }>) visit(row.node_id, payloadFloats(row.payload));
    if (r.rows.length < PAGE) return;
    after = (r.rows[r.rows.length - 1] as { node_id: string }).node_id;
  }
}

/** A float64 copy of bytes (the driver's buffer need not be 8-byte aligned). */
function float64s(b: Buffer): Float64Array {
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
