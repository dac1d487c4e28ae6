// How many secure-aggregation step messages a second the hub's embedded store takes when they
// arrive together (each is durable before it is acknowledged: one fdatasync per group commit).
//   npx tsx bench/step-log.ts [N=1000] [BYTES=600] [RUNS=3]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepLog } from '../packages/federation/src/hub/step-log.js';

const n = Number(process.argv[2] ?? 1000);
const bytes = Number(process.argv[3] ?? 600);
const runs = Number(process.argv[4] ?? 3);
const body = Buffer.alloc(bytes, 1);
for (let r = 1; r <= runs; r++) {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-bench-steplog-'));
  const log = await StepLog.open(join(dir, '1.secagg.log'));
  try {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => log.add({ round: 1, attempt: 0, step: 1 }, `node-${i}`, body)));
    const ms = performance.now() - t0;
    console.log(`run ${r}: ${n} concurrent step messages of ${bytes} bytes stored in ${ms.toFixed(0)} ms: ${((n / ms) * 1000).toFixed(0)} a second, ${log.flushes} flushes`);
  } finally {
    await log.dispose(true);
    await rm(dir, { recursive: true, force: true });
  }
}
