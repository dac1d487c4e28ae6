import type { ItemFeatures } from '@mixtape/model';
import { aggregateRound } from '../aggregate.js';
import { signMessage, type Identity } from '../identity.js';
import { decodeModel, encodeModel, modelMessage, sha256Hex, type ModelHeader } from '../model-file.js';
import { lastRound, payloadLength, type FederationParams } from '../params.js';
import type { Vocabulary } from '../vocab.js';
import { RateLimiter } from './rate-limit.js';
import { SecAggRounds } from './secagg-rounds.js';
import { StoreConflict, type HubStore, type StoredVersion } from './store.js';
import { validateContribution, type Refusal } from './validate.js';
import { readInvitation } from './invitation.js';

/** An answer to a contribution: 202 with counts, or a refusal. */
export type SubmitResult = { status: 202; round: number; accepted: number; needed: number } | Refusal;

/** Options of a hub; the store is shared when several hub processes serve one federation. */
export interface HubOptions {
  params: FederationParams;
  /** The public item list the federation learns about (its version is params.vocabVersion). */
  vocabulary: Vocabulary;
  /** Public item features (tags): give the items outside the shared set their factors. */
  features?: ItemFeatures;
  store: HubStore;
  key: Identity;
  /** Per identity: contributions at once, and per minute after that. */
  burst?: number;
  perMinute?: number;
  /** When set, only identities holding an invitation this hub signed may contribute, at most this many per invitation (the token may ask for fewer). */
  admission?: { maxPerInvitation: number };
  log?: (line: string) => void;
}

/**
 * The hub's logic, apart from HTTP: validates and stores contributions, aggregates a round once
 * `minContributors` were accepted, and publishes signed versions. Stateless apart from the store
 * and a rate limiter, so several processes can share one PostgreSQL store.
 */
export class Hub {
  readonly params: FederationParams;
  private readonly limiter: RateLimiter;
  private initial: StoredVersion | undefined;
  private vocabJson: Buffer | undefined;
  private aggregating: Promise<void> | undefined;
  /** Set when `maybeAggregate` is called while a pass runs: one more pass follows. */
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  /** Aggregation timings, newest last (for benchmarks and /v1/health). */
  readonly roundTimesMs: number[] = [];
  /** The secure-aggregation steps, when the federation runs them. */
  readonly secagg: SecAggRounds | undefined;

  constructor(private readonly opts: HubOptions) {
    this.params = opts.params;
    if (opts.vocabulary.version !== opts.params.vocabVersion || opts.vocabulary.keys.length !== opts.params.vocabSize)
      throw new Error(`vocabulary ${opts.vocabulary.version} is not the ${opts.params.vocabVersion} the parameters name`);
    this.limiter = new RateLimiter(opts.burst ?? 5, opts.perMinute ?? 30);
    if (opts.params.secureAggregation) {
      this.secagg = new SecAggRounds({
        params: opts.params,
        publicKey: opts.key.publicKeyB64,
        store: opts.store,
        openRound: () => this.openRound(),
        limit: (id) => this.limiter.take(id),
        publishSum: (round, sum, n) => this.publishSum(round, sum, n),
        admit: (id, token) => this.admit(id, token),
        kick: () => void this.maybeAggregate().catch((e) => this.opts.log?.(`secure aggregation failed: ${String(e)}`)),
        ...(opts.log ? { log: opts.log } : {}),
      });
    }
  }

  get publicKey(): string {
    return this.opts.key.publicKeyB64;
  }

  /** Starts the background check that finishes rounds left closed by a crash or by another hub. */
  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.maybeAggregate().catch((e) => this.opts.log?.(`aggregation failed: ${String(e)}`)), intervalMs);
    this.timer.unref();
    void this.maybeAggregate().catch((e) => this.opts.log?.(`aggregation failed: ${String(e)}`));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.aggregating;
  }

  async openRound(): Promise<number> {
    return (await this.opts.store.latestVersion()) + 1;
  }

  /** Contributions stored for a round so far. */
  async acceptedInRound(round: number): Promise<number> {
    return this.opts.store.countRound(round);
  }

  /** Validates, rate-limits and stores one contribution body. */
  async submit(pathRound: number, body: Buffer): Promise<SubmitResult> {
    const round = await this.openRound();
    if (round > lastRound(this.params))
      return { status: 409, code: 'training_finished', message: `training finished at round ${lastRound(this.params)}; pull the final model` };
    if (this.secagg)
      return { status: 409, code: 'secure_aggregation_required', message: 'this federation takes updates only through secure aggregation (/v1/rounds/{round}/secagg)' };
    const v = validateContribution(body, this.params, round);
    const sender = v.ok ? v.value.nodeId : v.nodeId;
    // Only a verified signature spends a token, so nobody can drain another identity's bucket.
    if (sender !== undefined) {
      const wait = this.limiter.take(sender);
      if (wait > 0) return { status: 429, code: 'rate_limited', message: `too many contributions from this identity; retry in ${wait} s` };
    }
    if (!v.ok) return v.refusal;
    const refused = await this.admit(v.value.nodeId, (v.value.header as { invitation?: unknown }).invitation);
    if (refused) return refused;
    if (pathRound !== v.value.header.round)
      return { status: 400, code: 'round_mismatch', message: `path round ${pathRound} differs from header round ${v.value.header.round}` };
    try {
      const accepted = await this.opts.store.addContribution(round, v.value.nodeId, v.value.header.nonce, v.value.payload, this.params.minContributors);
      if (accepted >= this.params.minContributors) void this.maybeAggregate().catch((e) => this.opts.log?.(`aggregation failed: ${String(e)}`));
      return { status: 202, round, accepted, needed: this.params.minContributors };
    } catch (err) {
      if (err instanceof StoreConflict) return { status: 409, code: err.code, message: err.message };
      throw err;
    }
  }

  /** Whether the hub asks for invitations. */
  get admission(): 'invitation' | 'open' {
    return this.opts.admission ? 'invitation' : 'open';
  }

  /** Admission control: undefined when `nodeId` may contribute, else the refusal. Open hubs admit everyone. */
  async admit(nodeId: string, token: unknown): Promise<Refusal | undefined> {
    const a = this.opts.admission;
    if (!a) return undefined;
    const r = readInvitation(token, this.publicKey);
    if (!r.ok) return { status: 403, code: 'invitation_required', message: `this hub admits invited identities only: ${r.reason}` };
    if (!(await this.opts.store.admit(r.invitation.id, nodeId, Math.min(r.invitation.max, a.maxPerInvitation))))
      return { status: 403, code: 'invitation_used_up', message: 'this invitation already admitted as many identities as it allows' };
    return undefined;
  }

  /**
   * Aggregates the open round when it has enough contributions (one aggregation at a time). A call
   * while one runs asks for another pass after it: the running pass may have read the store before
   * the message that called, and would otherwise leave it to the next timer (half a second a step).
   */
  async maybeAggregate(): Promise<void> {
    if (this.aggregating) {
      this.again = true;
      return this.aggregating;
    }
    const secagg = this.secagg;
    if (secagg) {
      this.aggregating = (async () => {
        try {
          do {
            this.again = false;
            await secagg.tick();
          } while (this.again);
        } finally {
          this.aggregating = undefined;
        }
      })();
      return this.aggregating;
    }
    this.aggregating = (async () => {
      try {
        for (;;) {
          this.again = false;
          const round = await this.openRound();
          // Nothing (more) to aggregate: done, unless a call came during this pass.
          const idle = async () => {
            if (round > lastRound(this.params)) return true;
            const closed = await this.opts.store.isClosed(round);
            if (!closed && (await this.opts.store.countRound(round)) < this.params.minContributors) return true;
            return !(await this.opts.store.withAggregationLock(round, () => this.aggregate(round)));
          };
          if ((await idle()) && !this.again) return;
        }
      } finally {
        this.aggregating = undefined;
      }
    })();
    return this.aggregating;
  }

  private async aggregate(round: number): Promise<void> {
    const store = this.opts.store;
    if ((await store.latestVersion()) >= round) return;
    const t0 = performance.now();
    await store.closeRound(round);
    const prev = round > 1 ? await this.version(round - 1) : undefined;
    // The store may hand back partial sums: the count of contributions comes from the store.
    const contributors = await store.countRound(round);
    const res = await aggregateRound(this.params, (visit) => store.forEachPayload(round, visit), round, prev ? decodeModel(prev.body) : undefined, this.opts.features, contributors);
    const header = this.header(round, res.stage, res.shared.length, res.accepted, res.table !== undefined, res.tableDim);
    await store.saveVersion(round, this.sign(header, encodeModel(header, res)));
    const ms = performance.now() - t0;
    this.roundTimesMs.push(ms);
    this.opts.log?.(`round ${round}: ${res.accepted} contributions, ${res.shared.length} shared items, ${ms.toFixed(0)} ms`);
  }

  /** Publishes version `round` from an unmasked sum: the same aggregation as for plain contributions, fed one summed payload. */
  private async publishSum(round: number, sum: Float32Array, contributors: number): Promise<void> {
    const t0 = performance.now();
    const prev = round > 1 ? await this.version(round - 1) : undefined;
    const res = await aggregateRound(this.params, async (visit) => visit('sum', sum), round, prev ? decodeModel(prev.body) : undefined, this.opts.features, contributors);
    const header = this.header(round, res.stage, res.shared.length, res.accepted, res.table !== undefined, res.tableDim);
    await this.opts.store.saveVersion(round, this.sign(header, encodeModel(header, res)));
    this.roundTimesMs.push(performance.now() - t0);
  }

  private sign(header: ModelHeader, body: Buffer): StoredVersion {
    const sha256 = sha256Hex(body);
    return { published: { header, sha256, signature: signMessage(this.opts.key, modelMessage(header.version, sha256)) }, body };
  }

  private header(version: number, stage: ModelHeader['stage'], shared: number, accepted: number, fullTable: boolean, tableDim = this.params.als.dim): ModelHeader {
    const p = this.params;
    return { version, scheme: p.scheme, vocabVersion: p.vocabVersion, vocabSize: p.vocabSize, dim: p.als.dim, shared, stage, accepted, fullTable, tableDim };
  }

  /** The public vocabulary as served at /v1/vocabulary (built once). */
  vocabularyBody(): Buffer {
    this.vocabJson ??= Buffer.from(JSON.stringify({ version: this.opts.vocabulary.version, keys: this.opts.vocabulary.keys, names: this.opts.vocabulary.names }));
    return this.vocabJson;
  }

  /** Payload floats a contribution to the open round must have. */
  payloadLength(round: number): number {
    return payloadLength(this.params, round);
  }

  /** A published version, 0 being the empty start (nothing chosen or learned yet). */
  async version(n: number): Promise<StoredVersion | undefined> {
    if (n === 0) {
      if (!this.initial) {
        const header = this.header(0, 'initial', 0, 0, false);
        this.initial = this.sign(header, encodeModel(header, { shared: new Int32Array(0), counts: new Float32Array(0), sharedTable: new Float32Array(0) }));
      }
      return this.initial;
    }
    return this.opts.store.getVersion(n);
  }
}
