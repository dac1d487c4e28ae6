import { isMixtapeError, MixtapeError } from '@mixtape/core';
import type { Accountant } from '../accountant.js';
import type { Listens } from '../als/node-step.js';
import { roundCost, type FederationInfo } from '../client/protocol.js';
import { hubRequest, type HubResponse } from '../client/http.js';
import { secureRound, Vanished, type SecureRoundResult } from '../client/secagg-publish.js';
import type { Identity } from '../identity.js';
import type { ModelArrays } from '../model-file.js';

/** A simulated node: its data, identity and accountant. */
export interface SimNode {
  x: Listens;
  id: Identity;
  acct: Accountant;
}

/** What one securely aggregated round cost, over the nodes that finished it. */
export interface SecureRoundStats {
  attempts: number;
  survivors: number;
  /** Per finishing node, last attempt. */
  results: SecureRoundResult[];
}

/**
 * The round's status for every simulated node in one process: a node that asks while a question is
 * out, or within `freshMs` of when it went out, shares its answer. Real nodes each ask the hub
 * themselves; here hundreds of nodes would put the same question to the hub every poll, and their
 * requests, all on this process's one thread and one hub limiter, delay the work they wait on.
 */
export function sharedStatus(hub: string, round: number, freshMs: number): () => Promise<HubResponse> {
  let last: { at: number; answer: Promise<HubResponse> } | undefined;
  return () => {
    const now = performance.now();
    if (!last || now - last.at > freshMs) {
      const answer = hubRequest(hub, `v1/rounds/${round}/secagg`);
      const mine = { at: now, answer };
      last = mine;
      // A failed question is not shared with those who ask after it failed.
      answer.catch(() => {
        if (last === mine) last = undefined;
      });
    }
    return last.answer;
  };
}

/** How often a simulated node asks whether the next step opened: its questions are shared, so often, and less as nodes (and their timers) grow. */
export function simulatedPollMs(nodes: number): number {
  return Math.max(25, Math.round(nodes / 10));
}

/**
 * Runs every node through one securely aggregated round at once (the steps wait on each other, so
 * nodes cannot go a few at a time). With `dropout` > 0 each node vanishes, with that probability,
 * before a random one of the four steps. An abandoned attempt is tried again, up to three times.
 */
export async function runSecureRound(o: { hub: string; info: FederationInfo; previous: ModelArrays; nodes: SimNode[]; dropout: number; rand: () => number; pollMs?: number }): Promise<SecureRoundStats> {
  const round = o.info.round;
  // Why nodes of the last attempt failed (not counting those that vanished on purpose), by message.
  let failures = new Map<string, number>();
  // One node computes at a time (see SecureRoundOptions.serialize), with a turn of the event loop
  // between two, so that the answers of the nodes done so far go out meanwhile.
  let queue: Promise<unknown> = Promise.resolve();
  const serialize = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(() => new Promise((res) => setImmediate(res))).then(f);
    queue = next.catch(() => undefined);
    return next;
  };
  const pollMs = o.pollMs ?? simulatedPollMs(o.nodes.length);
  const status = sharedStatus(o.hub, round, pollMs / 2);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const settled = await Promise.allSettled(
      o.nodes.map((n) => {
        const vanish = o.rand() < o.dropout ? (Math.floor(o.rand() * 4) as 0 | 1 | 2 | 3) : undefined;
        return secureRound({
          hub: o.hub,
          identity: n.id,
          info: o.info,
          previous: o.previous,
          listens: n.x,
          pollMs,
          status,
          serialize,
          ...(vanish !== undefined ? { vanishBefore: vanish } : {}),
          beforeInput: (a) => {
            const cost = roundCost(o.hub, round, o.info.params, a);
            if (!n.acct.allows(cost)) throw new Error('over budget');
            n.acct.spend(cost);
          },
        });
      }),
    );
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    failures = new Map();
    for (const s of settled) {
      // Those that stayed fail with round_abandoned when others did not: the others' reasons are the cause.
      if (s.status === 'fulfilled' || s.reason instanceof Vanished || (isMixtapeError(s.reason) && s.reason.code === 'round_abandoned')) continue;
      const why = s.reason instanceof Error ? s.reason.message : String(s.reason);
      failures.set(why, (failures.get(why) ?? 0) + 1);
    }
    if (process.env.DEBUG) for (const [why, n] of failures) process.stderr.write(`${(performance.now() / 1000).toFixed(1)} s: round ${round} attempt ${attempt}: ${n} nodes failed: ${why}\n`);
    // Wait until the hub publishes the round or abandons the attempt.
    const deadline = Date.now() + 10 * (o.info.params.secureAggregation?.stepMs ?? 60_000) + 60_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`the hub neither published nor abandoned round ${round}`);
      const r = await hubRequest(o.hub, `v1/rounds/${round}/secagg`);
      if (r.status === 409) return { attempts: attempt, survivors: results[0]?.survivors ?? 0, results };
      const st = r.json as { attempt: number; step: number };
      if (st.step === 0 && results.every((x) => x.attempt < st.attempt)) break;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  const worst = [...failures].sort((a, b) => b[1] - a[1])[0];
  throw new MixtapeError('simulate_round_failed', `Round ${round} was abandoned three times: too few nodes stayed to the end of an attempt${worst ? ` (in the last, ${worst[1]} failed with: ${worst[0]})` : ''}`, {
    suggestion: 'simulate fewer nodes (--clients), or a lower --dropout',
  });
}
