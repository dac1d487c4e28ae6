import type { FederationParams } from '../params.js';
import { memberIndex, rosterGraph, SecAggAbort, survivorViewFor, viewFor, type Advert, type RevealedShare, type Roster, type RosterView, type SealedShare, type SurvivorView } from '../secagg/messages.js';
import { decodeSum } from '../secagg/encode.js';
import { roundContext, roundPlan } from '../secagg/round-plan.js';
import { commitmentsOf, shareProblem, splitProblem, unmaskSum, type Commitments } from '../secagg/unmask.js';
import { checkAdvert, checkEnvelope, checkReveal, checkShares, refuse, type Checked } from './secagg-validate.js';
import { ABORTED, MASKED, StoreConflict, type HubStore, type StepKey } from './store.js';
import type { Refusal } from './validate.js';

/** More abandoned attempts of one round than any federation makes (each lasts at least a step time). */
const MAX_ATTEMPTS = 10_000;

/** What the secure-aggregation steps need from the hub. */
export interface SecAggHost {
  params: FederationParams;
  publicKey: string;
  store: HubStore;
  openRound(): Promise<number>;
  /** Spends a rate-limit token of a verified sender; seconds to wait, 0 when allowed. */
  limit(nodeId: string): number;
  /** Publishes version `round` from the decoded sum of `contributors` nodes. */
  publishSum(round: number, sum: Float32Array, contributors: number): Promise<void>;
  /** Admission control for a new member (its invitation token, if any); undefined when admitted. */
  admit(nodeId: string, token: unknown): Promise<Refusal | undefined>;
  /** Runs `tick` soon, one at a time. */
  kick(): void;
  log?: (line: string) => void;
}

/** Where a round stands: its attempt, the open step (4 = being unmasked) and how many attempts were abandoned. */
export interface SecAggStatus {
  round: number;
  attempt: number;
  step: number;
  abandoned: number;
  stepMs: number;
  /**
   * How often a waiting node should ask again (`pollInterval`): the hub's answer to every waiting
   * node polling at once.
   */
  pollMs: number;
}

/**
 * The poll interval a hub asks of its waiting nodes: a millisecond per node expected in the step
 * (the attempt's members once step 0 closed, `maxNodes` before), so that all of them together ask
 * about a thousand times a second, whatever their number; at least 200 ms, and at most half a step
 * time, so that a node still answers a step before it closes for quiet. A fixed 200 ms from 10,000
 * nodes would be 50,000 requests a second while a step is open.
 */
export function pollInterval(nodes: number, stepMs: number): number {
  return Math.round(Math.max(200, Math.min(nodes, stepMs / 2)));
}

export type StepResult = { status: 202; round: number; attempt: number; step: number; accepted: number } | Refusal;

/**
 * The hub's side of secure aggregation, stateless apart from the store (closed steps are cached:
 * they never change). Step 0 closes when maxNodes advertised, or when minContributors did and no
 * advert came for stepMs; steps 1–3 close when every node of the step before answered, or when no
 * answer came for stepMs (at most ten step times after they opened). An attempt with fewer than minContributors sharers or survivors, or
 * whose sum cannot be unmasked, is abandoned: no model comes from it, and the round starts again.
 */
export class SecAggRounds {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly host: SecAggHost) {}

  private get sa() {
    return this.host.params.secureAggregation!;
  }

  private async attemptOf(round: number): Promise<number> {
    let a = 0;
    while ((await this.host.store.stepClosedAt({ round, attempt: a, step: ABORTED })) !== undefined) {
      // Every await here can resolve at once: a store that never stops reporting abandoned attempts
      // would hold the event loop for good, so that is an error, not a wait.
      if (++a > MAX_ATTEMPTS) throw new Error(`the store reports more than ${MAX_ATTEMPTS} abandoned attempts of round ${round}`);
    }
    return a;
  }

  async status(): Promise<SecAggStatus> {
    const round = await this.host.openRound();
    const attempt = await this.attemptOf(round);
    let step = 0;
    while (step < 4 && (await this.host.store.stepClosedAt({ round, attempt, step })) !== undefined) step++;
    // The members are known (and cached) once step 0 closed.
    const nodes = step > 0 ? ((await this.fullRoster(round, attempt))?.ids.length ?? this.sa.maxNodes) : this.sa.maxNodes;
    return { round, attempt, step, abandoned: attempt, stepMs: this.sa.stepMs, pollMs: pollInterval(nodes, this.sa.stepMs) };
  }

  private context(round: number, attempt: number): string {
    return roundContext(this.host.publicKey, this.host.params, round, attempt);
  }

  private async closedOnce<T>(k: StepKey, build: () => Promise<T>): Promise<T | undefined> {
    const key = `${k.round}/${k.attempt}/${k.step}`;
    if (this.cache.has(key)) return this.cache.get(key) as T;
    if ((await this.host.store.stepClosedAt(k)) === undefined) return undefined;
    const v = await build();
    this.cache.set(key, v);
    return v;
  }

  /** The members of an attempt once step 0 closed; for one node (`nodeId`), its view: O(log n) (null: not a member). */
  async roster(round: number, attempt: number, nodeId?: string): Promise<Roster | RosterView | undefined | null> {
    const r = await this.fullRoster(round, attempt);
    if (!r || nodeId === undefined) return r;
    return viewFor(r, nodeId) ?? null;
  }

  /** How many shared and survived, and which of its neighbours did (what a node downloads at step 3; null: not a member). */
  async survivors(round: number, attempt: number, nodeId: string): Promise<SurvivorView | undefined | null> {
    const sets = await this.sets(round, attempt);
    const r = await this.fullRoster(round, attempt);
    return sets && r ? (survivorViewFor(r, nodeId, sets.sharerSet, sets.survivorSet) ?? null) : undefined;
  }

  private fullRoster(round: number, attempt: number): Promise<Roster | undefined> {
    return this.closedOnce({ round, attempt, step: 0 }, async () => {
      const adverts = (await this.host.store.stepMessages({ round, attempt, step: 0 })).map((m) => JSON.parse(m.body.toString('utf8')) as Advert);
      adverts.sort((a, b) => (a.id < b.id ? -1 : 1));
      return { context: this.context(round, attempt), minSurvivors: this.host.params.minContributors, dropout: this.sa.dropout, ids: adverts.map((a) => a.id), adverts };
    });
  }

  /** Every sealed share of step 1, by recipient, once step 1 closed. */
  private shares(round: number, attempt: number): Promise<{ inbox: Map<string, SealedShare[]>; sharers: string[]; sharerSet: Set<string>; commitments: Commitments } | undefined> {
    return this.closedOnce({ round, attempt, step: 1 }, async () => {
      const msgs = await this.host.store.stepMessages({ round, attempt, step: 1 });
      const all = msgs.flatMap((m) => JSON.parse(m.body.toString('utf8')) as SealedShare[]);
      const inbox = new Map<string, SealedShare[]>();
      for (const s of all) {
        const l = inbox.get(s.to);
        if (l) l.push(s);
        else inbox.set(s.to, [s]);
      }
      const sharers = msgs.map((m) => m.nodeId);
      return { inbox, sharers, sharerSet: new Set(sharers), commitments: commitmentsOf(all) };
    });
  }

  async inbox(round: number, attempt: number, nodeId: string): Promise<SealedShare[] | undefined> {
    return (await this.shares(round, attempt))?.inbox.get(nodeId) ?? ((await this.shares(round, attempt)) ? [] : undefined);
  }

  /** Who shared (step 1) and who sent a masked input (step 2), once step 2 closed. */
  sets(round: number, attempt: number): Promise<{ sharers: string[]; survivors: string[]; sharerSet: Set<string>; survivorSet: Set<string> } | undefined> {
    return this.closedOnce({ round, attempt, step: 2 }, async () => {
      const sharers = (await this.shares(round, attempt))!.sharers;
      const survivors = (await this.host.store.stepSenders({ round, attempt, step: 2 })).map((m) => m.nodeId);
      return { sharers, survivors, sharerSet: new Set(sharers), survivorSet: new Set(survivors) };
    });
  }

  /** Checks and stores one step message. */
  async submit(path: { round: number; attempt: number; step: number }, body: Buffer): Promise<StepResult> {
    const env = checkEnvelope(body, this.host.params, path);
    const sender = env.ok ? env.value.nodeId : env.nodeId;
    if (sender !== undefined) {
      const wait = this.host.limit(sender);
      if (wait > 0) return { status: 429, code: 'rate_limited', message: `too many messages from this identity; retry in ${wait} s` };
    }
    if (!env.ok) return env.refusal;
    const { nodeId, payload } = env.value;
    const st = await this.status();
    if (path.round !== st.round || path.attempt !== st.attempt) return { status: 409, code: 'wrong_round', message: `round ${path.round} attempt ${path.attempt} is not open; the open one is round ${st.round} attempt ${st.attempt}` };
    if (path.step > st.step) return { status: 409, code: 'step_not_open', message: `step ${path.step} opens after step ${st.step}` };
    if (path.step < st.step) {
      // A message resent after the step closed (its first send was stored, the answer lost) is a duplicate, not a late one.
      const k = { round: path.round, attempt: path.attempt, step: path.step };
      if ((await this.host.store.stepSenders(k)).some((m) => m.nodeId === nodeId)) return { status: 409, code: 'duplicate_contribution', message: `step ${path.step} of round ${path.round} already has this node's message` };
      return { status: 409, code: 'round_closed', message: `step ${path.step} of round ${path.round} closed; a late message is refused` };
    }
    const checked = await this.checkPayload(path, nodeId, env.value.header.publicKey, payload);
    if (!checked.ok) return checked.refusal;
    const k = { round: path.round, attempt: path.attempt, step: path.step };
    if (path.step === 0) {
      const refused = await this.host.admit(nodeId, (JSON.parse(payload.toString('utf8')) as { invitation?: unknown }).invitation);
      if (refused) return refused;
      const n = (await this.host.store.stepSenders(k)).length;
      if (n >= this.sa.maxNodes) return { status: 409, code: 'round_full', message: `round ${path.round} already has ${n} nodes` };
    }
    try {
      const accepted = await this.host.store.addStepMessage(k, nodeId, payload);
      this.host.kick();
      return { status: 202, ...k, accepted };
    } catch (err) {
      if (err instanceof StoreConflict) return { status: 409, code: err.code, message: err.message };
      throw err;
    }
  }

  private async checkPayload(k: { round: number; attempt: number; step: number }, nodeId: string, publicKey: string, payload: Buffer): Promise<Checked<unknown>> {
    if (k.step === 0) return checkAdvert(payload, this.context(k.round, k.attempt), nodeId, publicKey);
    const roster = (await this.fullRoster(k.round, k.attempt))!;
    const index = memberIndex(roster).get(nodeId);
    if (index === undefined) return refuse(403, 'not_in_round', 'this identity did not advertise keys for this round', nodeId);
    if (k.step === 1) {
      const g = rosterGraph(roster);
      return checkShares(payload, nodeId, new Set(g.neighbours(index).map((j) => roster.ids[j]!)));
    }
    if (k.step === 2) {
      if (!(await this.shares(k.round, k.attempt))!.sharerSet.has(nodeId)) return refuse(403, 'not_in_round', 'this identity did not share keys in this round', nodeId);
      const expected = roundPlan(this.host.params, k.round).dim * 4;
      if (payload.length < expected) return refuse(400, 'truncated_body', `masked input has ${payload.length} bytes, expected ${expected}`, nodeId);
      if (payload.length > expected) return refuse(422, 'wrong_shape', `masked input has ${payload.length} bytes, expected ${expected}`, nodeId);
      return { ok: true, value: payload };
    }
    if (k.step === 3) {
      const sets = (await this.sets(k.round, k.attempt))!;
      const { survivorSet: survivors, sharerSet: sharers } = sets;
      if (!survivors.has(nodeId)) return refuse(403, 'not_in_round', 'this identity sent no masked input in this round', nodeId);
      const commitments = (await this.shares(k.round, k.attempt))!.commitments;
      const ctx = this.context(k.round, k.attempt);
      return checkReveal(payload, nodeId, (d) => (survivors.has(d) ? 'b' : sharers.has(d) ? 's' : undefined), (r) => shareProblem(ctx, commitments, nodeId, r));
    }
    return refuse(404, 'not_found', `there is no step ${k.step}`);
  }

  /** Closes steps whose time or answers are in, abandons attempts that fall short, and unmasks a finished one. */
  async tick(now = Date.now()): Promise<void> {
    const store = this.host.store;
    const { round, attempt, step } = await this.status();
    const p = this.host.params;
    const k = (s: number) => ({ round, attempt, step: s });
    const abandon = async (why: string) => {
      await store.closeStep(k(ABORTED));
      this.host.log?.(`round ${round} attempt ${attempt} abandoned: ${why}`);
    };
    if (step === 0) {
      const m = await store.stepSenders(k(0));
      const last = Math.max(...m.map((x) => x.at));
      if (m.length >= this.sa.maxNodes || (m.length >= p.minContributors && now >= last + this.sa.stepMs)) {
        await store.closeStep(k(0));
        this.host.log?.(`round ${round} attempt ${attempt} step 0 closed: ${m.length} nodes advertised keys`);
      }
      return;
    }
    if (step <= 3) {
      const prev = step === 1 ? (await this.fullRoster(round, attempt))!.ids.length : step === 2 ? (await this.shares(round, attempt))!.sharers.length : (await this.sets(round, attempt))!.survivors.length;
      const msgs = await store.stepSenders(k(step));
      const got = msgs.length;
      const opened = (await store.stepClosedAt(k(step - 1)))!;
      // Waits while answers keep coming (a slow node is not a vanished one), at most ten step times.
      const quietSince = Math.max(opened, ...msgs.map((x) => x.at));
      if (got < prev && now < quietSince + this.sa.stepMs && now < opened + 10 * this.sa.stepMs) return;
      // Abandoned before the step closes, so no node sees a closed step of a failed attempt.
      if (step === 1 && got < p.minContributors) return abandon(`${got} nodes shared keys, fewer than ${p.minContributors}`);
      if (step === 2 && got < p.minContributors) return abandon(`${got} nodes sent inputs, fewer than ${p.minContributors}`);
      if (step === 2) {
        const split = splitProblem((await this.fullRoster(round, attempt))!, msgs.map((x) => x.nodeId));
        if (split) return abandon(split);
      }
      await store.closeStep(k(step));
      this.host.log?.(`round ${round} attempt ${attempt} step ${step} closed: ${got} of ${prev} nodes answered, ${((now - opened) / 1000).toFixed(1)} s after it opened${got < prev ? `, ${((now - quietSince) / 1000).toFixed(1)} s after the last answer` : ''}`);
      if (step < 3) return;
    }
    await store.withAggregationLock(round, async () => {
      if ((await store.latestVersion()) >= round || (await store.stepClosedAt(k(ABORTED))) !== undefined) return;
      try {
        await this.unmask(round, attempt);
      } catch (err) {
        if (err instanceof SecAggAbort) return abandon(err.message);
        throw err;
      }
    });
  }

  private async unmask(round: number, attempt: number): Promise<void> {
    const t0 = performance.now();
    const roster = (await this.fullRoster(round, attempt))!;
    const sets = (await this.sets(round, attempt))!;
    const plan = roundPlan(this.host.params, round);
    // Only the masked inputs' sum is read (the pairwise masks cancel in it): the store may have
    // folded them as they arrived, and a round of many nodes never has every input in memory.
    const masked = { survivors: sets.survivorSet, sum: await this.host.store.stepSum({ round, attempt, step: MASKED }, plan.dim) };
    const revealed = new Map((await this.host.store.stepMessages({ round, attempt, step: 3 })).map((m) => [m.nodeId, JSON.parse(m.body.toString('utf8')) as RevealedShare[]]));
    const sum = await unmaskSum({ roster, sharers: sets.sharerSet, masked, revealed }, plan.dim);
    this.host.log?.(`round ${round}: unmasked the sum of ${masked.survivors.size} nodes in ${(performance.now() - t0).toFixed(0)} ms`);
    await this.host.publishSum(round, Float32Array.from(decodeSum(sum, plan)), masked.survivors.size);
  }
}
