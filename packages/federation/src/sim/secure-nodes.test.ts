import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { Accountant } from '../accountant.js';
import type { FederationInfo } from '../client/protocol.js';
import { newIdentity } from '../identity.js';
import type { ModelArrays } from '../model-file.js';
import { runSecureRound, sharedStatus, simulatedPollMs, simulationThreads } from './secure-nodes.js';

describe("simulated nodes' shared status question", () => {
  it('puts one question to the hub for every node asking while it is out or fresh, and a new one after', async () => {
    let asked = 0;
    const server = createServer((req, res) => {
      asked++;
      req.resume();
      // The answer takes a while, as a busy hub's does: every node asking meanwhile shares it.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ round: 2, attempt: 1, step: asked })), 30);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const status = sharedStatus(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 2, 1000);
      const answers = await Promise.all(Array.from({ length: 200 }, () => status()));
      expect(asked).toBe(1);
      expect(new Set(answers.map((a) => (a.json as { step: number }).step))).toEqual(new Set([1]));
      // Still fresh: shared without a request.
      expect(((await status()).json as { step: number }).step).toBe(1);
      expect(asked).toBe(1);
      await new Promise((r) => setTimeout(r, 1100));
      expect(((await status()).json as { step: number }).step).toBe(2);
      expect(asked).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('does not hand a failed question to those who ask after it failed', async () => {
    // A port nothing listens on: the question fails (after the client's retries).
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const status = sharedStatus(`http://127.0.0.1:${port}`, 2, 60_000);
    await expect(status()).rejects.toMatchObject({ code: 'hub_unreachable' });
    let asked = 0;
    const server = createServer((req, res) => {
      asked++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ round: 2, attempt: 1, step: 0 }));
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      expect((await status()).status).toBe(200);
      expect(asked).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 20_000);

  it('asks often for a few nodes and less as they grow, and spreads only many nodes over threads', () => {
    expect(simulatedPollMs(241)).toBe(25);
    expect(simulatedPollMs(1892)).toBe(189);
    expect(simulationThreads(241)).toBe(1);
    expect(simulationThreads(1892)).toBe(Math.min(4, availableParallelism()));
  });

  it('fails the round with a clear error when a worker cannot take its nodes', async () => {
    // A node whose data cannot be cloned to a worker thread (a function in it).
    const x = { items: Int32Array.of(0), plays: Float64Array.of(1), hook: () => 0 };
    const nodes = [0, 1].map(() => ({ x, id: newIdentity(), acct: new Accountant(8, 1e-5) }));
    const info = { round: 2, params: {} } as unknown as FederationInfo;
    await expect(runSecureRound({ hub: 'http://127.0.0.1:9', info, previous: {} as ModelArrays, nodes, dropout: 0, rand: Math.random, threads: 2 })).rejects.toMatchObject({
      code: 'simulate_round_failed',
      message: expect.stringContaining('could not be sent'),
      suggestion: expect.stringContaining('--clients'),
    });
    // Nothing was spent by nodes that never ran.
    for (const n of nodes) expect(n.acct.entries).toHaveLength(0);
  });
});
