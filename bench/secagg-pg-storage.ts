// What PostgreSQL holds for the masked inputs of one securely aggregated step (issue 12): N masked
// inputs of the 5,000+ tier's size (766.4 KiB, random words as masked inputs are) stored through
// PgStore.addStepMessage by 8 concurrent senders, the tables' on-disk size sampled every second, then
// the step closed and the sum read back as the unmasking reads it (checked against the sum of what was sent).
// Not the whole protocol (bench/secagg.ts and `federation simulate` run that): only the store's side of step 2.
//   npx tsc -b && MIXTAPE_TEST_PG_URL="$(bash .ci/postgres.sh)" npx tsx bench/secagg-pg-storage.ts [--n 2000] [--fold-every 256 | 0]
// --fold-every 0 keeps every masked input until the step is read (the store before the fold).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { defaultParams } from '../packages/federation/src/params.js';
import { PgStore } from '../packages/federation/src/hub/pg-store.js';
import { contributionBytes, dropPgSchema, freshPgSchema, SECAGG_TABLES } from '../packages/federation/src/sim/pg-schema.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const n = arg('--n', 2000);
const foldEvery = arg('--fold-every', 256);
const words = arg('--words', 196_198);
const pgUrl = process.env.MIXTAPE_TEST_PG_URL;
if (!pgUrl) throw new Error('set MIXTAPE_TEST_PG_URL (e.g. from .ci/postgres.sh)');
console.log(`N ${n}, foldEvery ${foldEvery}, masked input ${((words * 4) / 1024).toFixed(1)} KiB, load average ${loadavg()[0]!.toFixed(2)} at start`);

const db = await freshPgSchema(pgUrl);
const store = await PgStore.open(db.url, defaultParams({ vocabVersion: 'bench', vocabSize: 64 }), { foldEvery });
try {
  const held = () => contributionBytes(pgUrl, db.schema, SECAGG_TABLES);
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await held());
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const k = { round: 1, attempt: 0, step: 2 };
  const expected = new Uint32Array(words);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < n; i = next++) {
        const body = randomBytes(words * 4);
        const v = new Uint32Array(body.buffer, body.byteOffset, words);
        for (let j = 0; j < words; j++) expected[j] = (expected[j]! + v[j]!) >>> 0;
        await store.addStepMessage(k, `node-${String(i).padStart(6, '0')}`, body);
      }
    }),
  );
  const storeS = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  const atClose = await held();
  await store.closeStep(k);
  const t1 = performance.now();
  const sum = await store.stepSum(k, words);
  const sumS = (performance.now() - t1) / 1000;
  if (!sum.every((x, j) => x === expected[j])) throw new Error('the sum read back is not the sum of the masked inputs sent');
  const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
  console.log(
    `stored ${n} in ${storeS.toFixed(1)} s (${(n / storeS).toFixed(0)}/s) | uploaded ${mb(n * words * 4)} | most held ${mb(Math.max(peak, atClose))}, at the close ${mb(atClose)} | sum read in ${sumS.toFixed(2)} s (exact) | load average ${loadavg()[0]!.toFixed(2)} at end`,
  );
} finally {
  await store.close();
  await dropPgSchema(pgUrl, db.schema);
}
