import type pg from 'pg';
import { payloadFloats } from '../codec.js';
import { bytesVector } from '../secagg/wire.js';
import { inTransaction } from './pg-tx.js';
import { addMasked } from './store.js';

/**
 * Partial sums on PostgreSQL. A hub folds what nodes sent into one partial sum per group as it
 * arrives and keeps only each row's node id (and nonce or time, for duplicates and replays), so what
 * a group holds stops growing with the number of listeners (a few `foldEvery` bodies: those that
 * arrive while a fold runs, and the last fold's until the next VACUUM can reuse their space) instead
 * of one body per listener: 100,000 listeners × 768 KB would otherwise be 75 GB a round. Two kinds of group are folded: a round's plain
 * contributions (float64 sums of their float payloads) and a securely aggregated attempt's masked
 * inputs (uint32 sums modulo 2^32, which is all the unmasking needs of them).
 */
export const PARTIALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS mixtape_fed_partials (
  round INT PRIMARY KEY REFERENCES mixtape_fed_rounds(round),
  contributors INT NOT NULL,
  sum BYTEA NOT NULL
);
ALTER TABLE mixtape_fed_contributions ALTER COLUMN payload DROP NOT NULL;
CREATE TABLE IF NOT EXISTS mixtape_fed_secagg_partials (
  round INT NOT NULL, attempt INT NOT NULL, step INT NOT NULL,
  contributors INT NOT NULL,
  sum BYTEA NOT NULL,
  PRIMARY KEY (round, attempt, step)
);
ALTER TABLE mixtape_fed_secagg_messages ALTER COLUMN body DROP NOT NULL;
`;

// Rows read back per query while folding or summing (bounded memory whatever the group's size).
const PAGE = 64;

/**
 * One group of rows folded into one partial: the table holding the rows (a `node_id` column and a
 * nullable body column), the table holding the group's partial (the same key columns, then
 * `contributors` and `sum`), the key that names the group in both, and how bodies add up.
 */
export interface FoldGroup<S> {
  rows: string;
  body: string;
  partials: string;
  key: Record<string, number>;
  /** Adds one stored body to the running sum (a new sum when there is none yet). */
  add(sum: S | undefined, body: Buffer): S;
  decode(stored: Buffer): S;
  encode(sum: S): Buffer;
  /** The tables a VACUUM after a fold covers (the cleared bodies' space is reusable only after one). */
  vacuum: string;
}

/** A round's plain contributions: float64 sums of their float32 or float64 payloads. */
export function roundGroup(round: number): FoldGroup<Float64Array> {
  return {
    rows: 'mixtape_fed_contributions',
    body: 'payload',
    partials: 'mixtape_fed_partials',
    key: { round },
    add(sum, body) {
      const u = payloadFloats(body);
      sum ??= new Float64Array(u.length);
      for (let i = 0; i < u.length; i++) sum[i]! += u[i]!;
      return sum;
    },
    decode: float64s,
    encode: (sum) => Buffer.from(sum.buffer, sum.byteOffset, sum.byteLength),
    vacuum: 'mixtape_fed_contributions, mixtape_fed_partials',
  };
}

/** One step's messages of a securely aggregated attempt (the masked inputs): uint32 sums modulo 2^32. */
export function maskedGroup(k: { round: number; attempt: number; step: number }): FoldGroup<Uint32Array> {
  return {
    rows: 'mixtape_fed_secagg_messages',
    body: 'body',
    partials: 'mixtape_fed_secagg_partials',
    key: { round: k.round, attempt: k.attempt, step: k.step },
    add(sum, body) {
      if (!sum) return bytesVector(body);
      addMasked(sum, body);
      return sum;
    },
    decode: bytesVector,
    encode: (sum) => Buffer.from(sum.buffer, sum.byteOffset, sum.byteLength),
    vacuum: 'mixtape_fed_secagg_messages, mixtape_fed_secagg_partials',
  };
}

/** `col1 = $1 AND col2 = $2 …` for the group's key, and its values in that order. */
function keyWhere(g: FoldGroup<unknown>): { where: string; values: number[] } {
  const cols = Object.keys(g.key);
  return { where: cols.map((c, i) => `${c} = $${i + 1}`).join(' AND '), values: cols.map((c) => g.key[c]!) };
}

/**
 * Folds the group's unfolded rows (at most `max`) into its partial sum, in one transaction: the sum
 * is written and the folded bodies are cleared together, so a crash leaves either both or neither.
 * `claim` runs first in that transaction: it takes the locks that keep the group from closing
 * during the fold and from a second folder (on any hub), and says whether folding may go on.
 * Returns how many rows were folded.
 */
export async function foldGroup<S>(pool: pg.Pool, g: FoldGroup<S>, max: number, claim: (c: pg.PoolClient) => Promise<boolean>): Promise<number> {
  const { where, values } = keyWhere(g);
  const n = values.length;
  const folded = await inTransaction(pool, async (c) => {
    const ids: string[] = [];
    if (!(await claim(c))) return ids;
    // One partial sum per group: the fold adds to it, so the stored sums do not grow with the group either.
    const prev = (await c.query(`SELECT sum FROM ${g.partials} WHERE ${where}`, values)).rows[0] as { sum: Buffer } | undefined;
    let sum = prev ? g.decode(prev.sum) : undefined;
    let after = '';
    while (ids.length < max) {
      const r = await c.query(`SELECT node_id, ${g.body} AS body FROM ${g.rows} WHERE ${where} AND ${g.body} IS NOT NULL AND node_id > $${n + 1} ORDER BY node_id LIMIT $${n + 2}`, [
        ...values,
        after,
        Math.min(PAGE, max - ids.length),
      ]);
      for (const row of r.rows as Array<{ node_id: string; body: Buffer }>) {
        sum = g.add(sum, row.body);
        ids.push(row.node_id);
      }
      if (r.rows.length === 0) break;
      after = ids[ids.length - 1]!;
    }
    if (sum === undefined || ids.length === 0) return ids;
    const bytes = g.encode(sum);
    if (prev) await c.query(`UPDATE ${g.partials} SET contributors = contributors + $${n + 1}, sum = $${n + 2} WHERE ${where}`, [...values, ids.length, bytes]);
    else await c.query(`INSERT INTO ${g.partials} (${Object.keys(g.key).join(', ')}, contributors, sum) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}, $${n + 1}, $${n + 2})`, [...values, ids.length, bytes]);
    await c.query(`UPDATE ${g.rows} SET ${g.body} = NULL WHERE ${where} AND node_id = ANY($${n + 1}::text[])`, [...values, ids]);
    return ids;
  });
  if (folded.length === 0) return 0;
  // The cleared bodies' space (their TOAST chunks) is reusable only after a vacuum; autovacuum
  // would come round about once a minute, long after many more bodies were written. Plain VACUUM
  // does not block inserts; without the right to run it, autovacuum still gets there.
  await pool.query(`VACUUM ${g.vacuum}`).catch(() => undefined);
  return folded.length;
}

/**
 * Visits the group's partial sum (if any; its node id is null), then its unfolded rows in node id
 * order (pages of 64). `q` is a pool, or a client inside a transaction that must see one snapshot.
 */
export async function forEachPart<S>(q: pg.Pool | pg.PoolClient, g: FoldGroup<S>, visit: (body: Buffer, nodeId: string | null) => void): Promise<void> {
  const { where, values } = keyWhere(g);
  const n = values.length;
  const partial = (await q.query(`SELECT sum FROM ${g.partials} WHERE ${where}`, values)).rows[0] as { sum: Buffer } | undefined;
  if (partial) visit(partial.sum, null);
  let after = '';
  for (;;) {
    const r = await q.query(`SELECT node_id, ${g.body} AS body FROM ${g.rows} WHERE ${where} AND ${g.body} IS NOT NULL AND node_id > $${n + 1} ORDER BY node_id LIMIT $${n + 2}`, [...values, after, PAGE]);
    for (const row of r.rows as Array<{ node_id: string; body: Buffer }>) visit(row.body, row.node_id);
    if (r.rows.length < PAGE) return;
    after = (r.rows[r.rows.length - 1] as { node_id: string }).node_id;
  }
}

// Advisory lock namespace for "folding round N": one folder at a time per round, across hubs.
const FOLD_SPACE = 0x6d7a;

/**
 * Folds the round's unfolded contributions (at most `max`) into the round's partial sum. Nothing
 * is folded once the round is closed (its aggregation reads what is there) or while another
 * folder holds the round. Returns how many were folded.
 */
export function foldRound(pool: pg.Pool, round: number, max: number): Promise<number> {
  return foldGroup(pool, roundGroup(round), max, async (c) => {
    // FOR SHARE: closing the round (an UPDATE of this row) waits until the fold has committed.
    const open = await c.query('SELECT 1 FROM mixtape_fed_rounds WHERE round = $1 AND NOT closed FOR SHARE', [round]);
    const mine = (await c.query('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [FOLD_SPACE, round])).rows[0].ok as boolean;
    return open.rowCount === 1 && mine;
  });
}

/** Visits the round's partial sum (if any), then its unfolded contributions in node id order (pages of 64). */
export async function forEachPartOfRound(pool: pg.Pool, round: number, visit: (id: string, payload: Float32Array | Float64Array) => void): Promise<void> {
  await forEachPart(pool, roundGroup(round), (body, id) => (id === null ? visit('partial', float64s(body)) : visit(id, payloadFloats(body))));
}

/** A float64 copy of bytes (the driver's buffer need not be 8-byte aligned). */
function float64s(b: Buffer): Float64Array {
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
