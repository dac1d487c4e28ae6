import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataDir } from '../test/helpers.js';
import { runQuery } from './query.js';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    out[name] = statSync(p).isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'dir';
  }
  return out;
}

describe('runQuery', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await demoDataDir());
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'notes.csv'), 'a\n1\n');
  });
  afterAll(() => cleanup());

  it('answers SELECT, SHOW, DESCRIBE, SUMMARIZE, FROM and EXPLAIN', async () => {
    for (const sql of ['SELECT count(*) AS n FROM plays', 'SHOW TABLES', 'DESCRIBE plays', 'SUMMARIZE runs', 'FROM plays LIMIT 1', 'EXPLAIN SELECT 1', 'WITH a AS (SELECT 1 AS x) SELECT x FROM a;', '-- why\nSELECT 2 AS y']) {
      expect((await runQuery(sql, { dataDir: dir })).rows.length, sql).toBeGreaterThan(0);
    }
    expect(await runQuery('SELECT count(*) AS n FROM plays', { dataDir: dir })).toEqual({ columns: ['n'], rows: [{ n: 4002 }] });
  });

  it('refuses every statement that writes, reads files or changes settings, and leaves every file as it was', async () => {
    const db = join(dir, 'mixtape.duckdb');
    const out = join(dir, 'elsewhere');
    const before = snapshot(dir);
    const attempts = [
      `SELECT 1; COPY (SELECT 'x') TO '${db}' (FORMAT csv)`,
      `SELECT 1; COPY plays TO '${join(out, 'plays.csv')}'`,
      `COPY plays TO '${join(out, 'plays.csv')}'`,
      `EXPLAIN ANALYZE COPY plays TO '${join(out, 'plays.csv')}'`,
      `EXPORT DATABASE '${join(out, 'dump')}'`,
      `ATTACH '${join(out, 'other.duckdb')}'`,
      `SELECT * FROM read_csv('${join(out, 'notes.csv')}')`,
      "SELECT * FROM read_text('/etc/passwd')",
      'CREATE TEMP TABLE t AS SELECT 1',
      'SET enable_external_access = true',
      'RESET lock_configuration',
      'INSTALL httpfs',
      'DELETE FROM plays',
      'CHECKPOINT',
      'SELECT 1; SELECT 2',
      '',
    ];
    for (const sql of attempts) {
      await expect(runQuery(sql, { dataDir: dir }), sql).rejects.toMatchObject({ code: 'read_only_query' });
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('says what is wrong with SQL it cannot parse', async () => {
    await expect(runQuery('SELEC 1', { dataDir: dir })).rejects.toMatchObject({ code: 'query_failed', message: expect.stringMatching(/^Parser Error: syntax error at or near "SELEC"/) });
  });
});
