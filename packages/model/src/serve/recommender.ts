import { MixtapeError } from '@mixtape/core';
import type { ModelArtifact } from '../artifact/artifact.js';
import { addPrior, blendScores, contentIndexOf, contentProfile, contentScores, type ContentIndex } from '../hybrid/content.js';
import { topK } from '../metrics/top-k.js';
import type { HybridModel } from '../hybrid/model.js';
import { userPriorOf } from '../hybrid/user-features.js';
import { FEEDBACK_EVIDENCE, foldIn, foldInContext, type Evidence, type FeedbackKind, type FoldInContext } from './fold-in.js';
import { Int8Index } from './int8-index.js';
import { ItemIndex } from './item-index.js';
import { quantizeRows, type ItemTable } from './quantize.js';

/** One recommended item with its score. */
export interface Recommendation {
  item: string;
  score: number;
}

/** A listener as the recommender sees them: a vector and the items their history holds. */
export interface Listener {
  vector: Float32Array;
  /** Item indices the listener has played or liked (content profile, --exclude-seen). */
  positives: Int32Array;
  /** Item indices never to recommend (bans, or all seen items). */
  exclude: Int32Array;
  /** This listener's own share of the content score, where they tuned one (else the model's contentBeta). */
  blend?: number;
}

/**
 * Serves a trained model: top-N for known users, and for any listener described by feedback
 * (fold-in, no retraining). The item table is float32 or int8 (a scale per row); both go through
 * the same scoring code, so their offline metrics compare like for like.
 */
export class Recommender {
  private foldCtx: FoldInContext | undefined;
  /** Reused for every call: a fresh 100k-float buffer per request showed up as GC pauses at p99. */
  private contentBuf: Float32Array | undefined;
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();

  private constructor(
    readonly model: HybridModel,
    readonly history: ModelArtifact['history'],
    private readonly userBlend: Float32Array | undefined,
    private readonly popularity: Float32Array | undefined,
    readonly index: ItemIndex,
    readonly content: ContentIndex,
    readonly dtype: 'float32' | 'int8',
    /** The item table served: float32, or int8 codes and row scales (fold-in and "because" read it row by row). */
    readonly itemTable: ItemTable,
  ) {
    model.userIds.forEach((id, i) => this.userIndex.set(id, i));
    model.itemIds.forEach((id, i) => this.itemIndex.set(id, i));
  }

  /**
   * Builds the serving index; `dtype` int8 quantizes a float32 model on the fly. An int8 artifact
   * is served from its codes: its float32 `model.itemFactors` is never read here.
   */
  static async create(a: ModelArtifact, options: { dtype?: 'float32' | 'int8' } = {}): Promise<Recommender> {
    const m = a.model;
    const dtype = options.dtype ?? (a.int8 ? 'int8' : 'float32');
    const table = dtype === 'int8' ? a.int8 ?? quantizeRows(m.itemFactors, m.itemIds.length, m.k) : m.itemFactors;
    const index = await ItemIndex.create(table, m.itemIds.length, m.k);
    if (index instanceof Int8Index && !(table instanceof Float32Array) && index.kernel.stride === m.k) {
      // The kernel holds the codes in its own (WASM) memory: point the table at that copy, so the
      // loaded bytes can be collected and the codes are held once.
      table.codes = index.kernel.codes;
      table.scales = index.kernel.scales;
    }
    return new Recommender(m, a.history, a.userBlend, a.itemPopularity, index, contentIndexOf(m), dtype, table);
  }

  /** Dense index of an item id, or undefined. */
  item(id: string): number | undefined {
    return this.itemIndex.get(id);
  }

  /** A known user's listener state (their trained vector and history). */
  listener(userId: string, options: { excludeSeen?: boolean } = {}): Listener {
    const u = this.userIndex.get(userId);
    if (u === undefined) {
      throw new MixtapeError('unknown_user', `User ${userId} is not in this model`, {
        suggestion: 'check the user id against the interactions file the model was fitted on',
      });
    }
    const k = this.model.k;
    const positives = this.history.indices.slice(this.history.indptr[u]!, this.history.indptr[u + 1]!);
    const l: Listener = { vector: this.model.userFactors.slice(u * k, (u + 1) * k), positives, exclude: options.excludeSeen ? positives : new Int32Array(0) };
    if (this.userBlend) l.blend = this.userBlend[u]!;
    return l;
  }

  /**
   * A listener from evidence (fold-in): the user step of implicit ALS against the fixed item table,
   * no retraining. With `baseUser`, that user's training history counts too, so this is how new
   * feedback updates a known listener. Skips and bans are negative evidence; bans are never recommended.
   * `omit` drops items of the base user's history (a held-out split scored against the rest).
   */
  listenerFromFeedback(
    events: ReadonlyArray<{ item: string; kind: FeedbackKind; weight?: number }>,
    options: { excludeSeen?: boolean; baseUser?: string; omit?: ReadonlySet<string> } = {},
  ): Listener {
    this.foldCtx ??= foldInContext(this.itemTable, this.model.itemIds.length, this.model.k, this.model.params.lambda, this.model.params.lambdaPerObs);
    let evidence: Evidence[] = options.baseUser === undefined ? [] : this.historyEvidence(options.baseUser);
    const omit = options.omit;
    if (omit?.size) evidence = evidence.filter((e) => !omit.has(this.model.itemIds[e.item]!));
    const positives = new Set<number>(evidence.map((e) => e.item));
    const banned = new Set<number>();
    for (const e of events) {
      const i = this.itemIndex.get(e.item);
      if (i === undefined) continue;
      const base = FEEDBACK_EVIDENCE[e.kind];
      evidence.push({ item: i, confidence: base.confidence * (e.weight ?? 1), preference: base.preference });
      if (base.preference === 1) positives.add(i);
      if (e.kind === 'ban') banned.add(i);
    }
    for (const b of banned) positives.delete(b);
    const seen = options.excludeSeen ? new Set([...positives, ...banned]) : banned;
    const pos = Int32Array.from(positives);
    return { vector: foldIn(this.foldCtx, evidence, this.userPrior(pos)), positives: pos, exclude: Int32Array.from(seen) };
  }

  /** The user-side prior of a listener who played `positives`, as training pulled known users (none for models without one). */
  private userPrior(positives: Int32Array): { vector: Float32Array; weight: number } | undefined {
    const m = this.model;
    if (!m.userFeatureTable || !(m.params.userPriorWeight > 0) || positives.length === 0) return undefined;
    return { vector: userPriorOf(m.features, m.userFeatureTable, m.k, positives), weight: m.params.userPriorWeight };
  }

  /**
   * A known user's training history as fold-in evidence, with the same confidence transform as
   * training, so that folding in history plus new feedback starts from (almost) the trained vector.
   */
  private historyEvidence(userId: string): Evidence[] {
    const u = this.userIndex.get(userId);
    if (u === undefined) return [];
    const p = this.model.params;
    const row = this.history.values.slice(this.history.indptr[u]!, this.history.indptr[u + 1]!);
    const sorted = Float32Array.from(row).sort();
    const scale = p.perUserScale > 0 ? p.perUserScale * Math.max(1e-9, sorted[sorted.length >> 1] ?? 1) : p.epsilon;
    return Array.from(row, (w, j) => ({
      item: this.history.indices[this.history.indptr[u]! + j]!,
      confidence: p.alpha * Math.log1p(w / scale),
      preference: 1 as const,
    }));
  }

  /** Scores of every item for a listener: factor part on the tensor engine plus the content blend. */
  async scores(l: Listener): Promise<Float32Array> {
    const s = await this.index.scoreBatch(l.vector, 1);
    const beta = Math.min(0.999, l.blend ?? this.model.params.contentBeta);
    if (beta > 0 && l.positives.length > 0) {
      const cs = new Float32Array(s.length);
      contentScores(this.content, contentProfile(this.content, l.positives), cs, 0);
      blendScores(s, cs, beta, 0, s.length);
    }
    if (this.popularity) addPrior(s, this.popularity, this.model.params.popularityBoost, 0, s.length);
    return s;
  }

  /** The n best items for a listener, skipping their excluded items. */
  async recommend(l: Listener, n: number): Promise<Recommendation[]> {
    if (this.popularity && this.model.params.popularityBoost > 0) {
      // The prior is added after the content blend, so the whole score is formed here, not on the tensor engine.
      const s = await this.scores(l);
      const items = topK(s, n, Int32Array.from(l.exclude).sort());
      return Array.from(items, (i) => ({ item: this.model.itemIds[i]!, score: s[i]! }));
    }
    const beta = Math.min(0.999, l.blend ?? this.model.params.contentBeta);
    let content: { scores: Float32Array; weight: number } | undefined;
    if (beta > 0 && l.positives.length > 0) {
      const cs = (this.contentBuf ??= new Float32Array(this.index.rows));
      contentScores(this.content, contentProfile(this.content, l.positives), cs, 0);
      content = { scores: cs, weight: beta / (1 - beta) };
    }
    const top = await this.index.top(l.vector, n, l.exclude, content);
    return Array.from(top.items, (i, j) => ({ item: this.model.itemIds[i]!, score: top.scores[j]! }));
  }

  /** Frees tensor memory. */
  dispose(): void {
    this.index.dispose();
  }
}
