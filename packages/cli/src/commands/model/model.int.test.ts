import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(fileURLToPath(import.meta.url), '../../../../bin/run.js');
const run = promisify(execFile);

async function mixtape(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe('mixtape model (built CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixtape-model-cli-'));
    const plays = ['user,item,weight'];
    const tags = ['item,feature'];
    for (let u = 0; u < 40; u++) for (let i = 0; i < 10; i++) plays.push(`u${u},${u % 2 ? 'jazz' : 'metal'}-${(u * 3 + i) % 15},${1 + i}`);
    for (let i = 0; i < 15; i++) tags.push(`jazz-${i},tag:jazz`, `metal-${i},tag:metal`);
    await writeFile(join(dir, 'plays.csv'), `${plays.join('\n')}\n`);
    await writeFile(join(dir, 'tags.csv'), `${tags.join('\n')}\n`);
    await writeFile(join(dir, 'users.txt'), 'u0\nu1\nstranger\n');
    // A tiny folder in the HetRec Last.fm 2K layout (tab-separated, CRLF, header rows).
    const h = join(dir, 'hetrec');
    await mkdir(h);
    const ua = ['userID\tartistID\tweight'];
    const ta = ['userID\tartistID\ttagID\tday\tmonth\tyear'];
    for (let u = 0; u < 60; u++) for (let i = 0; i < 10; i++) ua.push(`${u}\t${(u % 3) * 20 + ((u + i * 7) % 20)}\t${10 + i * 5}`);
    for (let a = 0; a < 60; a++) ta.push(`1\t${a}\t${Math.floor(a / 20)}\t1\t1\t2010`);
    await writeFile(join(h, 'user_artists.dat'), `${ua.join('\r\n')}\r\n`);
    await writeFile(join(h, 'user_taggedartists.dat'), `${ta.join('\r\n')}\r\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fits a model and prints one JSON line per user', async () => {
    const fit = await mixtape(['model', 'fit', '--interactions', join(dir, 'plays.csv'), '--item-features', join(dir, 'tags.csv'), '--out', join(dir, 'model'), '--json']);
    expect(fit.code).toBe(0);
    expect(JSON.parse(fit.stdout)).toMatchObject({ users: 40, items: 30, interactions: 400, itemsWithFeatures: 30, dtype: 'float32' });
    const rec = await mixtape(['model', 'recommend', '--model', join(dir, 'model'), '--users', join(dir, 'users.txt'), '--k', '5', '--exclude-seen', '--json']);
    expect(rec.code).toBe(0);
    const lines = rec.stdout.trim().split('\n').map((l) => JSON.parse(l) as { user: string; items: string[] });
    expect(lines.map((l) => l.user)).toEqual(['u0', 'u1', 'stranger']);
    expect(lines[0]!.items).toHaveLength(5);
    expect(lines[0]!.items.every((i) => i.startsWith('metal-'))).toBe(true);
    expect(lines[1]!.items.every((i) => i.startsWith('jazz-'))).toBe(true);
    expect(lines[2]!.items).toEqual([]);
  });

  it('evaluates model and baselines on a HetRec-layout folder in one run', async () => {
    const ev = await mixtape(['model', 'eval', '--dataset', 'hetrec-lastfm-2k', '--path', join(dir, 'hetrec'), '--seed', '3', '--json']);
    expect(ev.code).toBe(0);
    const c = JSON.parse(ev.stdout) as { rows: Array<{ model: string; ndcg: number }>; quantization: { topKOverlap: number } };
    expect(c.rows.map((r) => r.model)).toEqual(['popularity', 'item-knn', 'ials', 'hybrid', 'hybrid-int8']);
    const ndcg = Object.fromEntries(c.rows.map((r) => [r.model, r.ndcg]));
    expect(ndcg.hybrid!).toBeGreaterThan(ndcg.popularity!);
    expect(c.quantization.topKOverlap).toBeGreaterThan(0.8);
  });

  it('fails with one clear line naming a bad file', async () => {
    await writeFile(join(dir, 'bad.csv'), 'listener,track\n1,2\n');
    const bad = await mixtape(['model', 'fit', '--interactions', join(dir, 'bad.csv'), '--out', join(dir, 'm2')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`The interactions file ${join(dir, 'bad.csv')} lacks columns user, item`);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
