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

/**
 * On-disk bytes of a hub's contribution tables in a schema made by freshPgSchema (heap, TOAST and
 * indexes): what a round holds while it is open. 0 before the hub created them.
 */
export async function contributionBytes(url: string, schema: string): Promise<number> {
  if (!/^fed_[0-9a-f]{12}$/.test(schema)) throw new RangeError(`${schema} is not a schema made by freshPgSchema`);
  let bytes = 0;
  await withClient(url, async (c) => {
    const r = await c.query(
      `SELECT coalesce(sum(pg_total_relation_size(to_regclass(format('%I.%I', $1::text, t)))), 0)::bigint AS n
       FROM unnest(ARRAY['mixtape_fed_contributions', 'mixtape_fed_partials']) AS t`,
      [schema],
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
