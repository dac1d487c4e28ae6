import { describe, expect, it } from 'vitest';
import { Rng } from '@mixtape/core';
import type { Listens } from '../als/node-step.js';
import { payloadLength } from '../params.js';
import { testParams, testVocabulary } from '../test-support.js';
import { measureHubCost } from './hub-cost.js';
import { dropPgSchema, freshPgSchema } from './pg-schema.js';

const pgUrl = process.env.MIXTAPE_TEST_PG_URL;

/** 30 listeners of 10 distinct items each over the 64-item test vocabulary. */
function listeners(): Listens[] {
  const rng = new Rng(9);
  return Array.from({ length: 30 }, () => {
    const items = Int32Array.from(new Set(Array.from({ length: 10 }, () => rng.int(64)))).sort();
    return { items, plays: Float64Array.from(items, () => 1 + rng.int(50)) };
  });
}

async function check(db?: string): Promise<void> {
  const params = testParams({ minContributors: 30 });
  const costs = await measureHubCost({ params, vocabulary: testVocabulary, nodes: listeners(), rounds: 2, ...(db ? { db } : {}) });
  expect(costs.map((c) => [c.round, c.contributions])).toEqual([[1, 30], [2, 30]]);
  // A signed contribution is its payload (float32) plus a header and signature; a round-2 download holds the shared table.
  expect(costs[0]!.uploadBytes).toBeGreaterThan(payloadLength(params, 1) * 4);
  expect(costs[1]!.uploadBytes).toBeGreaterThan(payloadLength(params, 2) * 4);
  expect(costs[1]!.downloadBytes).toBeGreaterThan(16 * 4 * 4);
  for (const c of costs) {
    expect(c.aggregationMs).toBeGreaterThanOrEqual(0);
    expect(c.submitSeconds).toBeGreaterThan(0);
    // The hub is a separate Node process: tens of MB resident at least, and the peak is never below the current.
    expect(c.hubRssMb).toBeGreaterThan(20);
    expect(c.hubPeakMb).toBeGreaterThanOrEqual(c.hubRssMb);
  }
}

describe('hub cost', () => {
  it('runs rounds on a real hub process and reports bytes, aggregation time and its memory', () => check(), 60_000);

  // It needs a PostgreSQL server; without one it fails and says how to start one, never skips.
  it('does the same over PostgreSQL in a fresh schema', async () => {
    if (!pgUrl) throw new Error('MIXTAPE_TEST_PG_URL is not set: start a throwaway PostgreSQL with `export MIXTAPE_TEST_PG_URL="$(bash .ci/postgres.sh)"` (as .ci/run does)');
    const db = await freshPgSchema(pgUrl!);
    try {
      await check(db.url);
    } finally {
      await dropPgSchema(pgUrl!, db.schema);
    }
  }, 60_000);
});
