import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server } from 'node:net';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { testHub, testParams } from '../test-support.js';
import type { RunningHub } from '../hub/run.js';
import type { PlayedTrack } from '../plays.js';
import { itemKeyString, vocabulary } from '../vocab.js';
import { loadInstalledModel } from './installed.js';
import { join, publish, pull, privacyStatus } from './node.js';
import { decodeContribution, payloadFloats } from '../codec.js';

const library: PlayedTrack[] = [
  { artist: 'Zbigniew Preisner', title: 'Van den Budenmayer Concerto', isrc: 'PLA019500123', plays: 123457 },
  { artist: 'Hildur Guðnadóttir', title: 'Bathroom Dance', mbid: '0f5b6e0a-1111-4c2e-9bd5-3c9a33d2b7aa', plays: 98765 },
  // Play counts above 65535, so no loopback port in the captured headers can contain one.
  { artist: 'Moondog', title: 'Bird\u2019s Lament', plays: 731947 },
];

let hub: RunningHub;
let proxy: Server;
let proxyUrl: string;
const sent: Buffer[] = [];
const dirs: string[] = [];
const nodeDir = async () => {
  const d = await mkdtemp(joinPath(tmpdir(), 'mixtape-node-'));
  dirs.push(d);
  return d;
};

// A public vocabulary of 256 artists; the library's three are among them.
const names = [...library.map((t) => t.artist!), ...Array.from({ length: 253 }, (_, i) => `Artist ${i}`)];
const vocab = vocabulary(names.map((n) => itemKeyString({ kind: 'artist', name: n })), names);

beforeAll(async () => {
  hub = await testHub(testParams({ vocabVersion: vocab.version, vocabSize: 256, minContributors: 1 }), { vocabulary: vocab });
  const target = new URL(hub.url);
  // Every byte the node sends passes through here and is kept.
  proxy = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    client.on('data', (d) => {
      sent.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on('data', (d) => client.write(d));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});
afterAll(async () => {
  proxy.close();
  await hub.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('what a node sends', () => {
  it('is noised statistics over the vocabulary and a signature: no names, ids, counts or times', async () => {
    const dir = await nodeDir();
    await join({ hub: proxyUrl, dir, budget: 8, requireSecureAggregation: false });
    expect((await stat(joinPath(dir, 'identity.pem'))).mode & 0o777).toBe(0o600);
    // The whole training: the selection round, then both ALS rounds, each from the version before.
    for (let round = 1; round <= 3; round++) {
      sent.length = 0;
      expect((await publish({ dir, tracks: library })).round).toBe(round);
      for (let i = 0; i < 100 && (await pull({ dir })).version < round; i++) await new Promise((r) => setTimeout(r, 30));
      expect((await pull({ dir })).version).toBe(round);
    }
    await expect(publish({ dir, tracks: library })).rejects.toMatchObject({ code: 'training_finished' });
    const installed = await loadInstalledModel({ dir });
    expect(installed?.keys.length).toBe(256);
    expect(installed?.table.length).toBe(256 * 4);
    expect((await privacyStatus({ dir })).epsilon).toBeCloseTo(8, 1);

    const all = Buffer.concat(sent);
    const text = all.toString('latin1');
    const utf8 = all.toString('utf8');
    for (const t of library) {
      for (const s of [t.artist!, t.title!, t.artist!.toLowerCase(), t.artist!.split(' ')[0]!, String(t.plays)]) {
        expect(utf8.includes(s), `sent "${s}"`).toBe(false);
        expect(text.includes(s), `sent "${s}"`).toBe(false);
      }
      if (t.isrc) expect(text.includes(t.isrc)).toBe(false);
      if (t.mbid) expect(text.includes(t.mbid)).toBe(false);
    }
    expect(text).not.toMatch(/artist:|track:|isrc:|mbid:/);
    expect(text).not.toMatch(/20\d\d-\d\d-\d\d/);

    // The last body sent: a fixed set of header fields, and a payload where every entry is noisy,
    // so the hub cannot even see which shared items this node's library touches.
    const start = all.indexOf(Buffer.from('MXC1'));
    expect(start).toBeGreaterThan(0);
    const d = decodeContribution(all.subarray(start));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(Object.keys(d.header).sort()).toEqual(['dim', 'nonce', 'payloadSha256', 'publicKey', 'round', 'rows', 'signature', 'vocabVersion']);
    // Round 3's payload: 16 shared items x 4, then the 4 x 4 user Gramian (what follows is later requests).
    const floats = payloadFloats(Buffer.from(d.payload.subarray(0, (16 * 4 + 4 * 4) * 4)));
    expect(floats.filter((v) => v === 0).length).toBe(0);
  });

  it('refuses to publish past the budget, before sending anything', async () => {
    const fresh = await testHub(testParams({ vocabVersion: vocab.version, vocabSize: 256, minContributors: 1 }), { vocabulary: vocab });
    try {
      const dir = await nodeDir();
      await join({ hub: fresh.url, dir, budget: 0.5, requireSecureAggregation: false });
      await expect(publish({ dir, tracks: library })).rejects.toMatchObject({ code: 'privacy_budget_exhausted' });
      expect(await (await fetch(`${fresh.url}/v1/federation`)).json()).toMatchObject({ accepted: 0 });
      expect((await privacyStatus({ dir })).rounds).toBe(0);
    } finally {
      await fresh.stop();
    }
  });

  it('refuses a hub that is not a URL and a budget that is not a positive epsilon, before any request or file', async () => {
    const dir = await nodeDir();
    await expect(join({ hub: 'notaurl', dir })).rejects.toMatchObject({ code: 'invalid_hub_url', message: '"notaurl" is not a hub URL' });
    await expect(join({ hub: 'ftp://127.0.0.1/x', dir })).rejects.toMatchObject({ code: 'invalid_hub_url' });
    for (const budget of [-1, 0, Number.NaN, Number.POSITIVE_INFINITY]) await expect(join({ hub: hub.url, dir, budget })).rejects.toMatchObject({ code: 'invalid_budget' });
    await expect(join({ hub: hub.url, dir, delta: 0.5 })).rejects.toMatchObject({ code: 'invalid_budget' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the installed model when the hub is down', async () => {
    const dir = await nodeDir();
    await join({ hub: hub.url, dir, requireSecureAggregation: false });
    const first = await pull({ dir });
    const down = await testHub(testParams({ vocabVersion: vocab.version, vocabSize: 256 }), { vocabulary: vocab });
    const url = down.url;
    await down.stop();
    const { writeFile, readFile } = await import('node:fs/promises');
    const cfg = JSON.parse(await readFile(joinPath(dir, 'node.json'), 'utf8'));
    await writeFile(joinPath(dir, 'node.json'), JSON.stringify({ ...cfg, hub: url }));
    await expect(pull({ dir })).rejects.toMatchObject({ code: 'hub_unreachable' });
    expect((await stat(joinPath(first.installedAt, 'model.bin'))).size).toBeGreaterThan(0);
  });
});
