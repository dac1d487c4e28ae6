import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { isMixtapeError, MixtapeError, startModuleWorker } from '@mixtape/core';
import { Accountant, type LedgerEntry } from '../accountant.js';
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

/** How one simulated node's attempt ended: its result, or why not (it vanished on purpose, the attempt was abandoned, or the error's message). */
export interface NodeOutcome {
  value?: SecureRoundResult;
  vanished?: boolean;
  abandoned?: boolean;
  message?: string;
}

/** A node's part in one attempt: the node, and the step before which it vanishes (simulated dropout). */
export interface AttemptNode extends SimNode {
  vanishBefore?: 0 | 1 | 2 | 3;
}

/** What one thread needs to run some nodes through one attempt. */
export interface AttemptInput {
  hub: string;
  info: FederationInfo;
  previous: ModelArrays;
  nodes: AttemptNode[];
  pollMs: number;
}

/**
 * Runs `nodes` through one attempt of the round in this thread, all at once (the steps wait on each
 * other, so nodes cannot go a few at a time), and says how each one ended, in order. The accountant
 * of each node spends just before its masked input leaves, as a real node's does.
 */
export async function attemptNodes(o: AttemptInput): Promise<NodeOutcome[]> {
  const round = o.info.round;
  // One node computes at a time (see SecureRoundOptions.serialize), with a turn of the event loop
  // between two, so that the answers of the nodes done so far go out meanwhile.
  let queue: Promise<unknown> = Promise.resolve();
  const serialize = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(() => new Promise((res) => setImmediate(res))).then(f);
    queue = next.catch(() => undefined);
    return next;
  };
  const status = sharedStatus(o.hub, round, o.pollMs / 2);
  const settled = await Promise.allSettled(
    o.nodes.map((n) =>
      secureRound({
        hub: o.hub,
        identity: n.id,
        info: o.info,
        previous: o.previous,
        listens: n.x,
        pollMs: o.pollMs,
        status,
        serialize,
        ...(n.vanishBefore !== undefined ? { vanishBefore: n.vanishBefore } : {}),
        beforeInput: (a) => {
          const cost = roundCost(o.hub, round, o.info.params, a);
          if (!n.acct.allows(cost)) throw new Error('over budget');
          n.acct.spend(cost);
        },
      }),
    ),
  );
  return settled.map((s) =>
    s.status === 'fulfilled'
      ? { value: s.value }
      : { vanished: s.reason instanceof Vanished, abandoned: isMixtapeError(s.reason) && s.reason.code === 'round_abandoned', message: s.reason instanceof Error ? s.reason.message : String(s.reason) },
  );
}

/** What the main thread sends a node worker, and what comes back: the outcomes and each node's new ledger entries. */
export interface WorkerNode {
  x: Listens;
  id: Identity;
  budget: number;
  delta: number;
  entries: LedgerEntry[];
  vanishBefore?: 0 | 1 | 2 | 3;
}
export type ToNodeWorker = Omit<AttemptInput, 'nodes'> & { nodes: WorkerNode[] };
export type FromNodeWorker = { outcomes: NodeOutcome[]; spent: LedgerEntry[][] } | { error: string };

/**
 * Worker threads a simulation of `nodes` nodes spreads them over: every core up to four from 1,000
 * nodes; below, starting and warming up a worker each round costs more than it saves (the demo's 241
 * nodes took 13.5–14.7 s on two threads against 10.5–11.3 s on one; HetRec's 1,892 nodes 183 s
 * against 255 s).
 */
export function simulationThreads(nodes: number): number {
  return nodes < 1000 ? 1 : Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Runs the attempt on `threads` worker threads, each with a contiguous share of the nodes (each
 * node's identity, data and ledger are cloned to it; what its accountant spent comes back and is
 * spent here too). Every thread has its own HTTP client and limiter, as separate machines would.
 */
async function attemptInWorkers(o: AttemptInput, threads: number): Promise<NodeOutcome[]> {
  const per = Math.ceil(o.nodes.length / threads);
  const groups = Array.from({ length: threads }, (_, t) => o.nodes.slice(t * per, (t + 1) * per)).filter((g) => g.length > 0);
  const workers: Worker[] = [];
  let done: FromNodeWorker[];
  try {
    done = await Promise.all(
      groups.map(
        (group) =>
          new Promise<FromNodeWorker>((resolve, reject) => {
            const w = startNodeWorker();
            workers.push(w);
            let answered = false;
            w.once('message', (m: FromNodeWorker) => {
              answered = true;
              resolve(m);
            });
            w.once('error', (e) => reject(workerFailed(e.message)));
            w.once('exit', (code) => {
              if (!answered) reject(workerFailed(`stopped (exit code ${code}) before it answered`));
            });
            const msg: ToNodeWorker = {
              hub: o.hub,
              info: o.info,
              previous: o.previous,
              pollMs: o.pollMs,
              nodes: group.map((n) => ({ x: n.x, id: n.id, budget: n.acct.budget, delta: n.acct.delta, entries: n.acct.entries, ...(n.vanishBefore !== undefined ? { vanishBefore: n.vanishBefore } : {}) })),
            };
            try {
              w.postMessage(msg);
            } catch (e) {
              reject(workerFailed(`its nodes could not be sent to it (${e instanceof Error ? e.message : String(e)})`));
            }
          }),
      ),
    );
  } finally {
    // Not awaited: the answer is in, and a worker's open keep-alive sockets must not hold the round.
    for (const w of workers) {
      w.unref();
      void w.terminate();
    }
  }
  return done.flatMap((m, g) => {
    if ('error' in m) throw workerFailed(m.error);
    groups[g]!.forEach((n, j) => {
      for (const e of m.spent[j]!) n.acct.spend(e);
    });
    return m.outcomes;
  });
}

/** A worker that could not finish its share of a round: the round fails with what it said, and what to try. */
function workerFailed(why: string): MixtapeError {
  return new MixtapeError('simulate_round_failed', `A simulation worker running a share of the nodes failed: ${why}`, {
    suggestion: 'simulate fewer nodes (--clients); DEBUG=1 shows the hub and the nodes as the round goes',
  });
}

/** Runs one attempt for the nodes a worker was sent (the worker's side of attemptInWorkers). */
export async function workerAttempt(m: ToNodeWorker): Promise<FromNodeWorker> {
  try {
    const nodes = m.nodes.map((n) => ({ x: n.x, id: n.id, acct: new Accountant(n.budget, n.delta, [...n.entries]), ...(n.vanishBefore !== undefined ? { vanishBefore: n.vanishBefore } : {}) }));
    const outcomes = await attemptNodes({ ...m, nodes });
    return { outcomes, spent: nodes.map((n, j) => n.acct.entries.slice(m.nodes[j]!.entries.length)) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** A worker running secure-nodes-worker (compiled, or the TypeScript source under tests and tsx). */
function startNodeWorker(): Worker {
  return startModuleWorker(import.meta.url, 'secure-nodes-worker');
}

/**
 * Runs every node through one securely aggregated round at once, on `threads` worker threads
 * (`simulationThreads` by default; 1: in this thread). With `dropout` > 0 each node vanishes, with
 * that probability, before a random one of the four steps. An abandoned attempt is tried again, up
 * to three times.
 */
export async function runSecureRound(o: { hub: string; info: FederationInfo; previous: ModelArrays; nodes: SimNode[]; dropout: number; rand: () => number; pollMs?: number; threads?: number }): Promise<SecureRoundStats> {
  const round = o.info.round;
  // Why nodes of the last attempt failed (not counting those that vanished on purpose), by message.
  let failures = new Map<string, number>();
  const pollMs = o.pollMs ?? simulatedPollMs(o.nodes.length);
  const threads = o.threads ?? simulationThreads(o.nodes.length);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const nodes: AttemptNode[] = o.nodes.map((n) => {
      const vanish = o.rand() < o.dropout ? (Math.floor(o.rand() * 4) as 0 | 1 | 2 | 3) : undefined;
      return { ...n, ...(vanish !== undefined ? { vanishBefore: vanish } : {}) };
    });
    const input = { hub: o.hub, info: o.info, previous: o.previous, nodes, pollMs };
    if (process.env.DEBUG) process.stderr.write(`${(performance.now() / 1000).toFixed(1)} s: round ${round} attempt ${attempt}: ${nodes.length} nodes on ${threads} thread(s)\n`);
    const outcomes = threads > 1 ? await attemptInWorkers(input, threads) : await attemptNodes(input);
    if (process.env.DEBUG) process.stderr.write(`${(performance.now() / 1000).toFixed(1)} s: round ${round} attempt ${attempt}: every node's part is done\n`);
    const results = outcomes.flatMap((x) => (x.value ? [x.value] : []));
    failures = new Map();
    for (const x of outcomes) {
      // Those that stayed fail with round_abandoned when others did not: the others' reasons are the cause.
      if (x.value || x.vanished || x.abandoned) continue;
      failures.set(x.message!, (failures.get(x.message!) ?? 0) + 1);
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
