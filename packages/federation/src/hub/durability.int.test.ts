import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawnHub, hubMainPath, type HubProcess } from '../sim/hub-process.js';
import { contributionBody, post, testHub, testParams, testVocabulary } from '../test-support.js';
import { fetchFederation, fetchModel } from '../client/protocol.js';
import { FileStore } from './file-store.js';
import { StepLog } from './step-log.js';
import { SecAggRounds } from './secagg-rounds.js';
import { ABORTED, MASKED, type StoredVersion } from './store.js';

const started: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  while (started.length) await started.pop()!.stop();
});

async function waitForVersion(url: string, v: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetchFederation(url)).latestVersion >= v) return;
    } catch {
      // restarting
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`version ${v} never appeared`);
}

describe('hub durability and concurrency', () => {
  it('takes 100 publishers at once and loses none of them', async () => {
    const params = testParams({ minContributors: 100 });
    const hub = await testHub(params);
    started.push(hub);
    const bodies = Array.from({ length: 100 }, () => contributionBody(params, 1));
    const res = await Promise.all(bodies.map((b) => post(hub.url, '/v1/rounds/1/contributions', b)));
    expect(res.map((r) => r.status)).toEqual(Array(100).fill(202));
    expect(new Set(res.map((r) => r.json.accepted))).toEqual(new Set(Array.from({ length: 100 }, (_, i) => i + 1)));
    await waitForVersion(hub.url, 1);
    const info = await fetchFederation(hub.url);
    const m = await fetchModel(hub.url, info.hubPublicKey, 1);
    expect(m.published.header).toMatchObject({ version: 1, accepted: 100, stage: 'selection', shared: 16 });
    // The 101st, late, goes to the next round or is told the round moved on.
    expect((await post(hub.url, '/v1/rounds/1/contributions', contributionBody(params, 1))).json.error?.code).toBe('wrong_round');
  });

  it('loses nothing accepted when killed with SIGKILL under load, and finishes the round after restart', async () => {
    expect(existsSync(hubMainPath()), 'the hub runs from its build: npx tsc -b first').toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-kill-'));
    const params = testParams({ minContributors: 60 });
    let hub: HubProcess = await spawnHub({ dir, params, vocabulary: testVocabulary, burst: 5, perMinute: 60 });
    const bodies = Array.from({ length: 110 }, () => contributionBody(params, 1));
    const accepted: Buffer[] = [];
    const sending = bodies.slice(0, 50).map(async (b) => {
      try {
        const r = await post(hub.url, '/v1/rounds/1/contributions', b);
        if (r.status === 202) accepted.push(b);
      } catch {
        // connection cut by the kill: not acknowledged, so not promised
      }
    });
    await new Promise((r) => setTimeout(r, 150));
    hub.child.kill('SIGKILL');
    await Promise.all(sending);
    await new Promise((r) => hub.child.exitCode !== null || hub.child.signalCode !== null ? r(null) : hub.child.once('exit', r));
    hub = await spawnHub({ dir, params, vocabulary: testVocabulary, onLog: (l) => process.stderr.write(`hub: ${l}\n`) });
    started.push(hub);
    const info = await fetchFederation(hub.url);
    expect(info.latestVersion).toBe(0);
    expect((info as unknown as { accepted: number }).accepted).toBeGreaterThanOrEqual(accepted.length);
    // Every acknowledged body is really stored: sending it again is a duplicate.
    for (const b of accepted) expect((await post(hub.url, '/v1/rounds/1/contributions', b)).json.error?.code).toBe('duplicate_contribution');
    // Fill the round; kill again right when it starts aggregating; the restarted hub finishes it.
    const have = (info as unknown as { accepted: number }).accepted;
    const rest = bodies.slice(50, 50 + (60 - have));
    const res = await Promise.all(rest.map((b) => post(hub.url, '/v1/rounds/1/contributions', b)));
    expect(res.every((r) => r.status === 202)).toBe(true);
    hub.child.kill('SIGKILL');
    await new Promise((r) => hub.child.once('exit', r));
    hub = await spawnHub({ dir, params, vocabulary: testVocabulary, onLog: (l) => process.stderr.write(`hub: ${l}\n`) });
    started.push(hub);
    await waitForVersion(hub.url, 1);
    const m = await fetchModel(hub.url, (await fetchFederation(hub.url)).hubPublicKey, 1);
    expect(m.published.header.accepted).toBe(60);
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers where a secure round stands while the store is between a published round and the next one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-store-'));
    const store = await FileStore.open(dir);
    try {
      // The store has moved to round 2 while the hub still reads version 0 as the latest, so it asks
      // about round 1: once this counted "abandoned" attempts of the gone round forever.
      await store.saveVersion(1, { published: {} as StoredVersion['published'], body: Buffer.alloc(0) });
      expect(await store.stepClosedAt({ round: 1, attempt: 0, step: ABORTED })).toBeUndefined();
      expect(await store.stepClosedAt({ round: 1, attempt: 0, step: 3 })).toBe(0);
      const params = testParams({ secureAggregation: { maxNodes: 8, dropout: 0.3, stepMs: 1000 } });
      const rounds = new SecAggRounds({ params, publicKey: 'k', store, openRound: async () => 1, limit: () => 0, publishSum: async () => {}, admit: async () => undefined, kick: () => {} });
      expect(await rounds.status()).toEqual({ round: 1, attempt: 0, step: 4, abandoned: 0, stepMs: 1000, pollMs: 200 });
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes step messages that arrive together in one flush, in order, refusing duplicates and late ones among them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-steplog-'));
    const path = join(dir, '1.secagg.log');
    const k = { round: 1, attempt: 0, step: 1 };
    let log = await StepLog.open(path);
    try {
      const adds = Array.from({ length: 60 }, (_, i) => log.add(k, `node-${i}`, Buffer.from(`m${i}`)));
      // The same identity again while its first message waits for the flush.
      // Refusals are caught at once (a rejection left unhandled while the batch flushes fails the run).
      const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof Error ? e.message : String(e)));
      const dup = refusal(log.add(k, 'node-7', Buffer.from('again')));
      // A close behind them: the messages before it are in, anything after it is late.
      const closed = log.close(k);
      const late = refusal(log.add(k, 'node-99', Buffer.from('late')));
      const counts = await Promise.all(adds);
      expect(await dup).toMatch(/already sent step 1/);
      expect(await late).toMatch(/is closed/);
      const closedAt = await closed;
      expect(log.closedAt(k)).toBe(closedAt);
      expect(await log.close(k)).toBe(closedAt);
      expect(Math.max(...counts)).toBe(60);
      expect(log.flushes).toBeLessThan(10);
      await log.dispose(false);
      log = await StepLog.open(path);
      expect(log.list(k).map((m) => m.body.toString()).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`).sort());
      expect(log.closedAt(k)).toBe(closedAt);
    } finally {
      await log.dispose(true);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('folds the masked inputs into their sum as they arrive and on replay, keeping who sent one and refusing a second', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mixtape-store-'));
    const k = { round: 1, attempt: 0, step: MASKED };
    const dim = 3;
    const input = (i: number) => Buffer.from(Uint32Array.from({ length: dim }, (_, j) => (0xfffffff0 + i * 7919 + j * 31) >>> 0).buffer);
    const sum = (ids: number[]) => Array.from({ length: dim }, (_, j) => ids.reduce((t, i) => (t + new Uint32Array(input(i).buffer)[j]!) >>> 0, 0));
    let store = await FileStore.open(dir);
    try {
      expect(Array.from(await store.stepSum(k, dim))).toEqual([0, 0, 0]);
      for (const i of [2, 0, 1]) await store.addStepMessage(k, `node-${i}`, input(i));
      // Shares (step 1) keep their bodies: they are read one by one.
      await store.addStepMessage({ ...k, step: 1 }, 'node-0', Buffer.from('shares'));
      expect(Array.from(await store.stepSum(k, dim))).toEqual(sum([0, 1, 2]));
      // Only the sum is held: the stored messages carry no body.
      const held = (store as unknown as { steps: { list(k: unknown): Array<{ body: Buffer }> } }).steps.list(k);
      expect(held.map((m) => m.body.length)).toEqual([0, 0, 0]);
      await store.close();
      store = await FileStore.open(dir);
      expect((await store.stepSenders(k)).map((m) => m.nodeId)).toEqual(['node-0', 'node-1', 'node-2']);
      expect(Array.from(await store.stepSum(k, dim))).toEqual(sum([0, 1, 2]));
      expect((await store.stepMessages({ ...k, step: 1 })).map((m) => m.body.toString())).toEqual(['shares']);
      await expect(store.addStepMessage(k, 'node-1', input(1))).rejects.toThrow(/already sent step 2/);
      await store.addStepMessage(k, 'node-3', input(3));
      expect(Array.from(await store.stepSum(k, dim))).toEqual(sum([0, 1, 2, 3]));
      await expect(store.stepSum(k, dim + 1)).rejects.toThrow(/3 words, not 4/);
      await expect(store.stepMessages(k)).rejects.toThrow(/stepSum/);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
