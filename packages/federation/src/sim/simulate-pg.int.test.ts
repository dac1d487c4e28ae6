import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chooseDegree } from '../secagg/graph.js';
import { clusteredFile } from '../test-support.js';
import { simulate, simulatedStepMs } from './simulate.js';

const pgUrl = process.env.MIXTAPE_TEST_PG_URL;

async function schemas(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'fed\\_%' ORDER BY 1`)).rows.map((r: { nspname: string }) => r.nspname);
  } finally {
    await c.end();
  }
}

describe('federation simulate --db', () => {
  // It needs a PostgreSQL server; without one it fails and says how to start one, never skips.
  it('runs secure aggregation against a hub process on PostgreSQL, in a schema it drops after', async () => {
    if (!pgUrl) throw new Error('MIXTAPE_TEST_PG_URL is not set: start a throwaway PostgreSQL with `export MIXTAPE_TEST_PG_URL="$(bash .ci/postgres.sh)"` (as .ci/run does)');
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-pg-'));
    const before = await schemas(pgUrl);
    try {
      const file = await clusteredFile(dir);
      const r = await simulate({ interactions: file, clients: 20, epsilon: 8, out: join(dir, 'm'), als: { dim: 4, sharedItems: 100, rounds: 1 }, secureAggregation: true, db: pgUrl, testFraction: 0 });
      expect(r.secure!.map((s) => [s.survivors, s.attempts])).toEqual([[20, 1], [20, 1]]);
      expect(r.privacy.epsilonVsHub).toBe(r.privacy.epsilon);
      expect(r.hubCost!.store).toBe('postgresql');
      expect((await readdir(join(dir, 'm'))).includes('manifest.json')).toBe(true);
      expect(await schemas(pgUrl)).toEqual(before);
      // --hub and --db together, and a server that is not there: clear errors, nothing written.
      await expect(simulate({ interactions: file, clients: 5, epsilon: 8, out: join(dir, 'x'), hub: 'http://127.0.0.1:1', db: pgUrl })).rejects.toMatchObject({ code: 'simulate_bad_options' });
      await expect(simulate({ interactions: file, clients: 5, epsilon: 8, out: join(dir, 'x'), secureAggregation: true, db: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toMatchObject({ code: 'hub_db_unreachable', suggestion: expect.stringContaining('--db') });
      expect((await readdir(dir)).sort()).toEqual(['interactions.tsv', 'm']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('simulatedStepMs', () => {
  it('grows with the nodes and with one node\'s work on its update', () => {
    // HetRec at the small tier: 10 ms a node rules.
    expect(simulatedStepMs(1892, chooseDegree(1892, 0.1), 16_256)).toBe(18_920);
    // A few nodes: 3 s.
    expect(simulatedStepMs(20, chooseDegree(20, 0.1), 1_000)).toBe(3_000);
    // 41 nodes, 18 neighbours, 5.6 M words (no noise, every item's Gramian): about 2.6 s a node, 41 of them in 5 step times.
    expect(chooseDegree(41, 0.1)).toBe(18);
    expect(simulatedStepMs(41, 18, 5_647_300, false)).toBe(21_302);
    // 10,000 nodes at 3,000 x 64 and the Gramian (the 5,000+ tier at ε 4-8), noised in step 2: 247 ms a
    // node, so step 2 may stay open 4,942 s; it took 1,155 s when the noise came before step 0.
    expect(chooseDegree(10_000, 0.1)).toBe(30);
    expect(simulatedStepMs(10_000, 30, 196_096)).toBe(494_162);
  });
});
