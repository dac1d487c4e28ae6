/**
 * Privacy accounting for the Gaussian mechanism in zero-concentrated DP (Bun & Steinke 2016).
 * A release whose sum carries noise std z * sensitivity, with each node's part bounded by the
 * sensitivity, costs rho = 1 / (2 z^2) per node (add/remove-one-node neighbours); rounds add up. Every node
 * takes part in every round it publishes to, so no amplification by sampling is claimed.
 */

/** zCDP cost of one Gaussian release with noise multiplier z (noise std / sensitivity). */
export function rhoOfRound(noiseMultiplier: number): number {
  if (noiseMultiplier <= 0) return Number.POSITIVE_INFINITY;
  return 1 / (2 * noiseMultiplier * noiseMultiplier);
}

/**
 * (epsilon, delta)-DP implied by rho-zCDP, via Renyi DP at order alpha with the conversion of
 * Canonne, Kamath & Steinke (2020): eps = a*rho + ln((a-1)/a) - (ln delta + ln a)/(a-1), minimised.
 */
export function epsilonOf(rho: number, delta: number): number {
  if (!Number.isFinite(rho)) return Number.POSITIVE_INFINITY;
  if (rho <= 0) return 0;
  let best = Number.POSITIVE_INFINITY;
  for (let a = 1.001; a < 10_000; a *= 1.01) {
    const e = a * rho + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
    if (e < best) best = e;
  }
  return Math.max(0, best);
}

/** One round a node published to, as the accountant remembers it. */
export interface LedgerEntry {
  hub: string;
  round: number;
  /** Cost against anyone who sees the published models. */
  rho: number;
  /** Cost against the hub itself: the node's own noise only, or the sum's under secure aggregation. */
  rhoVsHub: number;
  /** The attempt of a securely aggregated round (an abandoned attempt is still charged: its input was sent). */
  attempt?: number;
}

/** What the accountant says before or after a publish. */
export interface PrivacyReport {
  budget: number;
  delta: number;
  rounds: number;
  epsilon: number;
  epsilonVsHub: number;
  remaining: number;
}

/** A node's privacy ledger: the budget the user set and every round spent. */
export class Accountant {
  constructor(
    readonly budget: number,
    readonly delta: number,
    readonly entries: LedgerEntry[] = [],
  ) {}

  /** The report for the entries so far plus `extra` (a round being considered). */
  report(extra: LedgerEntry[] = []): PrivacyReport {
    const all = [...this.entries, ...extra];
    const rho = all.reduce((s, e) => s + e.rho, 0);
    const rhoHub = all.reduce((s, e) => s + e.rhoVsHub, 0);
    const epsilon = epsilonOf(rho, this.delta);
    return {
      budget: this.budget,
      delta: this.delta,
      rounds: all.length,
      epsilon,
      epsilonVsHub: epsilonOf(rhoHub, this.delta),
      remaining: Math.max(0, this.budget - epsilon),
    };
  }

  /** True when spending `entry` keeps the node within its budget. */
  allows(entry: LedgerEntry): boolean {
    return this.report([entry]).epsilon <= this.budget + 1e-9;
  }

  spend(entry: LedgerEntry): void {
    this.entries.push(entry);
  }
}
