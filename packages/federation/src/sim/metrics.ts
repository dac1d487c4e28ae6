/** Ranking quality over users with held-out items. */
export interface Metrics {
  users: number;
  ndcg10: number;
  recall10: number;
  recall50: number;
  /** Share of the catalogue that shows up in someone's top 10. */
  coverage10: number;
}

/** Adds one user's ranked list (best first, seen items already removed) to running totals. */
export class MetricTotals {
  private n = 0;
  private ndcg = 0;
  private r10 = 0;
  private r50 = 0;
  private readonly shown = new Set<string>();

  constructor(private readonly catalogue: number) {}

  add(ranked: readonly string[], relevant: ReadonlySet<string>): void {
    if (relevant.size === 0) return;
    this.n++;
    let dcg = 0;
    let hits10 = 0;
    let hits50 = 0;
    for (let i = 0; i < Math.min(50, ranked.length); i++) {
      if (!relevant.has(ranked[i]!)) continue;
      if (i < 10) {
        dcg += 1 / Math.log2(i + 2);
        hits10++;
      }
      hits50++;
    }
    let idcg = 0;
    for (let i = 0; i < Math.min(10, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
    this.ndcg += dcg / idcg;
    this.r10 += hits10 / Math.min(10, relevant.size);
    this.r50 += hits50 / Math.min(50, relevant.size);
    for (const it of ranked.slice(0, 10)) this.shown.add(it);
  }

  result(): Metrics {
    const d = Math.max(1, this.n);
    return {
      users: this.n,
      ndcg10: this.ndcg / d,
      recall10: this.r10 / d,
      recall50: this.r50 / d,
      coverage10: this.shown.size / Math.max(1, this.catalogue),
    };
  }
}
