import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../gaussian.js';
import { simulate } from './simulate.js';

/** 120 users in 4 taste groups over 200 items: enough structure for a ranking to be learnt. */
async function clusteredFile(dir: string): Promise<string> {
  const rand = seededRandom(3);
  const lines = ['userID\tartistID\tweight'];
  for (let u = 0; u < 120; u++) {
    const g = u % 4;
    const seen = new Set<number>();
    while (seen.size < 20) {
      const item = rand() < 0.85 ? g * 50 + Math.floor(rand() ** 2 * 50) : Math.floor(rand() * 200);
      if (seen.has(item)) continue;
      seen.add(item);
      lines.push(`${u}\t${item}\t${1 + Math.floor(rand() * 300)}`);
    }
  }
  const path = join(dir, 'interactions.tsv');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

describe('federation simulate', () => {
  it('runs the protocol over HTTP and matches central training without noise', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const file = await clusteredFile(dir);
    const out = join(dir, 'model');
    const r = await simulate({ interactions: file, clients: 0, rounds: 3, epsilon: 0, out, rows: 1024, dim: 4, hubProcess: false, trimFraction: 0 });
    expect(r.nodes).toBe(120);
    expect(r.central.ndcg10).toBeGreaterThan(0.2);
    expect(r.ratioNdcg10).toBeGreaterThan(0.97);
    expect(r.payloadBytesByRound[0]).toBeGreaterThan(1024 * 5 * 4);
    // After round 1 only rows someone plays travel (200 items hashed into 1,024 rows).
    expect(r.payloadBytesByRound[2]).toBeLessThan((200 * 4 + 1024) * 4 + 1000);
    const meta = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(meta).toMatchObject({ format: 'mixtape-model', k: 4, items: 200, users: 120, extra: { federation: { version: 3 } } });
    expect((await readFile(join(out, 'item-factors.f32'))).length).toBe(200 * 4 * 4);
    expect(JSON.parse(await readFile(join(out, 'central', 'manifest.json'), 'utf8'))).toMatchObject({ format: 'mixtape-model', k: 4 });
    const held = (await readFile(join(out, 'heldout.tsv'), 'utf8')).trim().split('\n');
    const trained = (await readFile(join(out, 'train.tsv'), 'utf8')).trim().split('\n');
    expect(held.length - 1 + trained.length - 1).toBe(120 * 20);
    await rm(dir, { recursive: true, force: true });
  });

  it('spends exactly the epsilon asked for', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-sim-'));
    const r = await simulate({ interactions: await clusteredFile(dir), clients: 30, rounds: 2, epsilon: 4, out: join(dir, 'm'), rows: 1024, dim: 4, hubProcess: false });
    expect(r.nodes).toBe(30);
    expect(r.privacy.rounds).toBe(2);
    expect(r.privacy.epsilon).toBeCloseTo(4, 2);
    expect(r.federated.users).toBe(r.central.users);
    await rm(dir, { recursive: true, force: true });
  });
});
