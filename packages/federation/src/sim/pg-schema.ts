import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A fresh schema on a PostgreSQL server and a URL whose connections use it, so benchmark runs never see each other's tables. */
export async function freshPgSchema(url: string): Promise<{ schema: string; url: string }> {
  const schema = `fed_${randomBytes(6).toString('hex')}`;
  await withClient(url, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: u.toString() };
}

/** Drops a schema made by freshPgSchema with everything in it. */
export async function dropPgSchema(url: string, schema: string): Promise<void> {
  if (!/^fed_[0-9a-f]{12}$/.test(schema)) throw new RangeError(`${schema} is not a schema made by freshPgSchema`);
  await withClient(url, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
}

/** The tables that hold a round's plain contributions, and those that hold its secure-aggregation messages. */
export const CONTRIBUTION_TABLES = ['mixtape_fed_contributions', 'mixtape_fed_partials'];
export const SECAGG_TABLES = ['mixtape_fed_secagg_messages', 'mixtape_fed_secagg_partials', 'mixtape_fed_secagg_counts'];

/**
 * On-disk bytes of some of a hub's tables (by default the contribution tables) in a schema made by
 * freshPgSchema (heap, TOAST and indexes): what a round holds while it is open. 0 before the hub created them.
 */
export async function contributionBytes(url: string, schema: string, tables = CONTRIBUTION_TABLES): Promise<number> {
  if (!/^fed_[0-9a-f]{12}$/.test(schema)) throw new RangeError(`${schema} is not a schema made by freshPgSchema`);
  let bytes = 0;
  await withClient(url, async (c) => {
    const r = await c.query(
      `SELECT coalesce(sum(pg_total_relation_size(to_regclass(format('%I.%I', $1::text, t)))), 0)::bigint AS n
       FROM unnest($2::text[]) AS t`,
      [schema, tables],
    );
    bytes = Number((r.rows[0] as { n: string }).n);
  });
  return bytes;
}

async function withClient(url: string, fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}
