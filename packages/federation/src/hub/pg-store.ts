import type pg from 'pg';
import { MixtapeError } from '@mixtape/core';
import type { PublishedModel } from '../model-file.js';
import type { FederationParams } from '../params.js';
import { foldGroup, foldRound, forEachPart, forEachPartOfRound, maskedGroup, PARTIALS_SCHEMA } from './pg-fold.js';
import { inTransaction } from './pg-tx.js';
import { addMasked, MASKED, StoreConflict, type HubStore, type StepKey, type StepMessage, type StoredVersion } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mixtape_fed_meta (id INT PRIMARY KEY CHECK (id = 1), params JSONB NOT NULL);
CREATE TABLE IF NOT EXISTS mixtape_fed_rounds (round INT PRIMARY KEY, closed BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE IF NOT EXISTS mixtape_fed_contributions (
  round INT NOT NULL REFERENCES mixtape_fed_rounds(round),
  node_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  payload BYTEA,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT mixtape_fed_one_per_node PRIMARY KEY (round, node_id),
  CONSTRAINT mixtape_fed_nonce_once UNIQUE (round, nonce)
);
CREATE TABLE IF NOT EXISTS mixtape_fed_versions (version INT PRIMARY KEY, published JSONB NOT NULL, body BYTEA NOT NULL);
INSERT INTO mixtape_fed_rounds (round) VALUES (1) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS mixtape_fed_secagg_messages (
  round INT NOT NULL, attempt INT NOT NULL, step INT NOT NULL, node_id TEXT NOT NULL,
  body BYTEA, at BIGINT NOT NULL,
  PRIMARY KEY (round, attempt, step, node_id)
);
CREATE TABLE IF NOT EXISTS mixtape_fed_secagg_counts (
  round INT NOT NULL, attempt INT NOT NULL, step INT NOT NULL, n INT NOT NULL,
  PRIMARY KEY (round, attempt, step)
);
CREATE TABLE IF NOT EXISTS mixtape_fed_admissions (invitation TEXT NOT NULL, node_id TEXT NOT NULL, PRIMARY KEY (invitation, node_id));
CREATE TABLE IF NOT EXISTS mixtape_fed_secagg_steps (
  round INT NOT NULL, attempt INT NOT NULL, step INT NOT NULL, closed_at BIGINT NOT NULL,
  PRIMARY KEY (round, attempt, step)
);
`;
// The latest published version (0 when none).
const LATEST_VERSION = 'SELECT coalesce(max(version), 0) AS v FROM mixtape_fed_versions';

// Advisory lock namespace for one secure-aggregation step: messages take it shared, a close exclusively.
const STEP_LOCK_SPACE = 0x6d79;
const stepLock = (k: StepKey) => [STEP_LOCK_SPACE, (k.round * 64 + k.attempt * 10 + k.step) | 0];

// Advisory lock namespace for "folding the masked inputs of one step": one folder at a time, across hubs.
const MASKED_FOLD_SPACE = 0x6d7b;

// Advisory lock namespace for "aggregating round N" (any constant; it only has to be shared by hubs).
const LOCK_SPACE = 0x6d78;

/**
 * PostgreSQL storage: several hub processes over one database. A contribution is inserted only
 * while its round row is open (FOR SHARE), and closing the round (UPDATE) waits for inserts in
 * flight, so nothing accepted is left out of the aggregate. Every `foldEvery` contributions the
 * round's payloads are folded into a partial sum (`pg-fold.ts`), so a round's storage does not grow
 * with the number of listeners; the masked inputs of a securely aggregated round are folded the same
 * way (modulo 2^32), until their step closes. One hub aggregates a round, under an advisory lock;
 * the version insert is idempotent.
 */
export class PgStore implements HubStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly foldEvery: number,
  ) {}

  /** Connects, creates the tables if needed, and checks the database serves these parameters. */
  static async open(url: string, params: FederationParams, options: { foldEvery?: number } = {}): Promise<PgStore> {
    // Loaded here: only a hub on PostgreSQL needs the driver.
    const { default: driver } = await import('pg');
    const pool = new driver.Pool({ connectionString: url, max: 12 });
    pool.on('error', () => {});
    try {
      const c = await pool.connect();
      try {
        await c.query('SELECT pg_advisory_lock($1, 0)', [LOCK_SPACE]);
        await c.query(SCHEMA);
        await c.query(PARTIALS_SCHEMA);
        await c.query('INSERT INTO mixtape_fed_meta (id, params) VALUES (1, $1) ON CONFLICT DO NOTHING', [JSON.stringify(params)]);
        const stored = (await c.query('SELECT params FROM mixtape_fed_meta WHERE id = 1')).rows[0]?.params as FederationParams;
        // JSONB reorders keys, so compare with sorted keys.
        const canon = (o: object) => JSON.stringify(o, Object.keys(o).sort());
        if (canon(stored) !== canon(params))
          throw new MixtapeError('hub_params_mismatch', 'This database already serves a federation with other parameters', {
            suggestion: 'start the hub with the same parameters as the others, or use another database',
          });
      } finally {
        await c.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_SPACE]).catch(() => {});
        c.release();
      }
    } catch (err) {
      await pool.end();
      if (err instanceof MixtapeError) throw err;
      throw new MixtapeError('hub_db_unreachable', `Cannot use the PostgreSQL database (${(err as Error).message})`, {
        suggestion: 'check the --db URL and that PostgreSQL is running',
        cause: err,
      });
    }
    return new PgStore(pool, options.foldEvery ?? 256);
  }

  async latestVersion(): Promise<number> {
    const r = await this.pool.query(LATEST_VERSION);
    return Number(r.rows[0].v);
  }

  async addContribution(round: number, nodeId: string, nonce: string, payload: Buffer): Promise<number> {
    try {
      const r = await this.pool.query(
        `INSERT INTO mixtape_fed_contributions (round, node_id, nonce, payload)
         SELECT round, $2, $3, $4 FROM mixtape_fed_rounds WHERE round = $1 AND NOT closed FOR SHARE`,
        [round, nodeId, nonce, payload],
      );
      if (r.rowCount !== 1) throw new StoreConflict('round_closed', `round ${round} is closed; pull the latest model and publish to the next round`);
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code === '23505' && e.constraint === 'mixtape_fed_nonce_once') throw new StoreConflict('replay', `nonce ${nonce} was already used in round ${round}`);
      if (e.code === '23505') throw new StoreConflict('duplicate_contribution', `this identity already contributed to round ${round}`);
      throw err;
    }
    const n = await this.countRound(round);
    // The contribution is durable and counted: a failed fold only leaves payloads unfolded, which
    // the aggregation reads as they are, so it must not fail the request.
    if (this.foldEvery > 0 && n % this.foldEvery === 0) await foldRound(this.pool, round, 4 * this.foldEvery).catch(() => 0);
    return n;
  }

  async countRound(round: number): Promise<number> {
    const r = await this.pool.query('SELECT count(*)::int AS n FROM mixtape_fed_contributions WHERE round = $1', [round]);
    return r.rows[0].n as number;
  }

  async closeRound(round: number): Promise<void> {
    await this.pool.query('UPDATE mixtape_fed_rounds SET closed = TRUE WHERE round = $1', [round]);
  }

  async isClosed(round: number): Promise<boolean> {
    const r = await this.pool.query('SELECT closed FROM mixtape_fed_rounds WHERE round = $1', [round]);
    return r.rows[0]?.closed === true;
  }

  async forEachPayload(round: number, visit: (id: string, payload: Float32Array | Float64Array) => void): Promise<void> {
    await forEachPartOfRound(this.pool, round, visit);
  }

  async withAggregationLock(round: number, fn: () => Promise<void>): Promise<boolean> {
    const c = await this.pool.connect();
    try {
      const got = (await c.query('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_SPACE, round])).rows[0].ok as boolean;
      if (!got) return false;
      try {
        await fn();
      } finally {
        await c.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, round]);
      }
      return true;
    } finally {
      c.release();
    }
  }

  async saveVersion(round: number, v: StoredVersion): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query('INSERT INTO mixtape_fed_versions (version, published, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        round,
        JSON.stringify(v.published),
        v.body,
      ]);
      await c.query('INSERT INTO mixtape_fed_rounds (round) VALUES ($1) ON CONFLICT DO NOTHING', [round + 1]);
      // Raw contributions are only kept until they are part of a published aggregate.
      await c.query('DELETE FROM mixtape_fed_contributions WHERE round = $1', [round]);
      await c.query('DELETE FROM mixtape_fed_partials WHERE round = $1', [round]);
      await c.query('DELETE FROM mixtape_fed_secagg_messages WHERE round = $1', [round]);
      await c.query('DELETE FROM mixtape_fed_secagg_partials WHERE round = $1', [round]);
      await c.query('DELETE FROM mixtape_fed_secagg_counts WHERE round = $1', [round]);
    });
  }

  async getVersion(version: number): Promise<StoredVersion | undefined> {
    const r = await this.pool.query('SELECT published, body FROM mixtape_fed_versions WHERE version = $1', [version]);
    const row = r.rows[0] as { published: PublishedModel; body: Buffer } | undefined;
    return row ? { published: row.published, body: row.body } : undefined;
  }

  async addStepMessage(k: StepKey, nodeId: string, body: Buffer): Promise<number> {
    const n = await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock_shared($1, $2)', stepLock(k));
      const closed = await c.query('SELECT 1 FROM mixtape_fed_secagg_steps WHERE round = $1 AND attempt = $2 AND step = $3', [k.round, k.attempt, k.step]);
      // The version is read on this transaction's connection: taking a second one from the pool while
      // holding this one deadlocks once every pooled connection is a message waiting for another.
      const latest = Number((await c.query(LATEST_VERSION)).rows[0].v);
      if (closed.rowCount! > 0 || latest >= k.round)
        throw new StoreConflict('round_closed', `step ${k.step} of round ${k.round} (attempt ${k.attempt}) is closed; a late message is refused`);
      const r = await c.query('INSERT INTO mixtape_fed_secagg_messages (round, attempt, step, node_id, body, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [k.round, k.attempt, k.step, nodeId, body, Date.now()]);
      if (r.rowCount !== 1) throw new StoreConflict('duplicate_contribution', `this identity already sent step ${k.step} of round ${k.round}`);
      // The step's count, kept in one row in the same transaction (counting the step's rows would be
      // O(n) a message). Last before the commit: the row lock it takes is held only through the commit.
      const counted = await c.query(
        `INSERT INTO mixtape_fed_secagg_counts AS t (round, attempt, step, n) VALUES ($1, $2, $3, 1)
         ON CONFLICT (round, attempt, step) DO UPDATE SET n = t.n + 1 RETURNING n`,
        [k.round, k.attempt, k.step],
      );
      return counted.rows[0].n as number;
    });
    // The message is durable and counted: a failed fold only leaves bodies unfolded, which stepSum
    // reads as they are, so it must not fail the request.
    if (k.step === MASKED && this.foldEvery > 0 && n % this.foldEvery === 0) await this.foldMasked(k).catch(() => 0);
    return n;
  }

  /**
   * Folds up to 4 × foldEvery of the step's unfolded masked inputs into its partial sum. It holds
   * the step's lock shared, as a message does: closing the step waits for a fold in flight, and
   * nothing is folded once it closed, so the sum the unmasking reads is final.
   */
  foldMasked(k: StepKey): Promise<number> {
    return foldGroup(this.pool, maskedGroup(k), 4 * this.foldEvery, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock_shared($1, $2)', stepLock(k));
      const closed = await c.query('SELECT 1 FROM mixtape_fed_secagg_steps WHERE round = $1 AND attempt = $2 AND step = $3', [k.round, k.attempt, k.step]);
      const mine = (await c.query('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [MASKED_FOLD_SPACE, stepLock(k)[1]])).rows[0].ok as boolean;
      return closed.rowCount === 0 && mine;
    });
  }

  async stepMessages(k: StepKey): Promise<StepMessage[]> {
    if (k.step === MASKED) throw new Error('masked inputs are read with stepSum and stepSenders (their bodies may be folded)');
    const r = await this.pool.query('SELECT node_id, body, at FROM mixtape_fed_secagg_messages WHERE round = $1 AND attempt = $2 AND step = $3 ORDER BY node_id', [k.round, k.attempt, k.step]);
    return (r.rows as Array<{ node_id: string; body: Buffer; at: string }>).map((x) => ({ nodeId: x.node_id, body: x.body, at: Number(x.at) }));
  }

  async stepSenders(k: StepKey): Promise<Array<Omit<StepMessage, 'body'>>> {
    const r = await this.pool.query('SELECT node_id, at FROM mixtape_fed_secagg_messages WHERE round = $1 AND attempt = $2 AND step = $3 ORDER BY node_id', [k.round, k.attempt, k.step]);
    return (r.rows as Array<{ node_id: string; at: string }>).map((x) => ({ nodeId: x.node_id, at: Number(x.at) }));
  }

  async stepSum(k: StepKey, dim: number): Promise<Uint32Array> {
    return inTransaction(this.pool, async (c) => {
      // One snapshot for the partial and the unfolded rows: a fold committing between the two reads
      // would otherwise drop its rows from the sum (they are cleared, and not yet in the partial read).
      await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const sum = new Uint32Array(dim);
      await forEachPart(c, maskedGroup(k), (body) => addMasked(sum, body));
      return sum;
    });
  }

  async closeStep(k: StepKey): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      // Waits for messages in flight: once closed, nothing more gets in.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', stepLock(k));
      await c.query('INSERT INTO mixtape_fed_secagg_steps (round, attempt, step, closed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [k.round, k.attempt, k.step, Date.now()]);
      const r = await c.query('SELECT closed_at FROM mixtape_fed_secagg_steps WHERE round = $1 AND attempt = $2 AND step = $3', [k.round, k.attempt, k.step]);
      return Number(r.rows[0].closed_at);
    });
  }

  async stepClosedAt(k: StepKey): Promise<number | undefined> {
    const r = await this.pool.query('SELECT closed_at FROM mixtape_fed_secagg_steps WHERE round = $1 AND attempt = $2 AND step = $3', [k.round, k.attempt, k.step]);
    return r.rows[0] ? Number(r.rows[0].closed_at) : undefined;
  }

  async admit(invitation: string, nodeId: string, max: number): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      // One admission per invitation at a time, across hub processes.
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STEP_LOCK_SPACE + 1, invitation]);
      const r = await c.query('SELECT node_id FROM mixtape_fed_admissions WHERE invitation = $1', [invitation]);
      const held = (r.rows as Array<{ node_id: string }>).map((x) => x.node_id);
      const ok = held.includes(nodeId) || held.length < max;
      if (ok && !held.includes(nodeId)) await c.query('INSERT INTO mixtape_fed_admissions (invitation, node_id) VALUES ($1, $2)', [invitation, nodeId]);
      return ok;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
