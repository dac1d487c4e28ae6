/**
 * The rules of one federation, published by the hub at /v1/federation. Nodes check them before
 * training, and the accountant derives the privacy cost of a round from them.
 */
export interface FederationParams {
  /** Vocabulary version (scheme and rows): a contribution for another vocabulary is refused. */
  vocabVersion: string;
  rows: number;
  dim: number;
  /**
   * Scale of the counts part of an update (the table part has norm 1): counts only decide which rows
   * are kept, so they get a smaller share of the norm bound and the table gets less noise.
   */
  countsWeight: number;
  /** L2 (Frobenius) bound on a node's update before noise, over the table and the counts together. */
  clip: number;
  /**
   * Noise multiplier z: the aggregate of a round carries Gaussian noise of std z * clip per entry,
   * made of the noise of at least `keptMin` nodes, each adding std z * clip / sqrt(keptMin).
   */
  noiseMultiplier: number;
  /** A round is aggregated once this many contributions were accepted. */
  minContributors: number;
  /** Fraction of contributions, farthest from the mean, dropped before averaging. */
  trimFraction: number;
  /**
   * A row is zeroed in the published table while its estimated listener weight (summed counts,
   * averaged over rounds) is not above this many standard deviations of that estimate's noise.
   */
  pruneSigmas: number;
  /** From round 2, updates carry the rows whose popularity is above this many noise std (see packing.ts). */
  activeSigmas: number;
  /**
   * Rows are scaled by pop / (pop + shrink * noise std of pop) after each round: a row known from
   * few listeners is mostly noise and should score lower (post-processing, no privacy cost; no
   * effect without noise).
   */
  shrink: number;
  /** Seed of the public random initial table (version 0). */
  seed: number;
  /** Largest request body the hub reads, in bytes. */
  maxBodyBytes: number;
}

/** Contributions that survive trimming in a round with exactly minContributors accepted. */
export function keptMin(p: Pick<FederationParams, 'minContributors' | 'trimFraction'>): number {
  return p.minContributors - Math.floor(p.minContributors * p.trimFraction);
}

/** The noise standard deviation each node adds to every entry of its update. */
export function nodeNoiseStd(p: FederationParams): number {
  return (p.noiseMultiplier * p.clip) / Math.sqrt(keptMin(p));
}

/** Entries of one update: V*d table entries followed by V counts. */
export function updateLength(p: Pick<FederationParams, 'rows' | 'dim'>): number {
  return p.rows * (p.dim + 1);
}

/** Problems with a parameter set, empty when it is usable. */
export function paramProblems(p: FederationParams): string[] {
  const out: string[] = [];
  const posInt = (k: keyof FederationParams, max: number) => {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) out.push(`${k} must be an integer in 1..${max}`);
  };
  posInt('rows', 1 << 22);
  posInt('dim', 256);
  posInt('minContributors', 1_000_000);
  const finite = (k: keyof FederationParams, min: number, max: number) => {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) out.push(`${k} must be a number in ${min}..${max}`);
  };
  finite('clip', 1e-6, 1e6);
  finite('countsWeight', 0, 10);
  finite('noiseMultiplier', 0, 1e6);
  finite('trimFraction', 0, 0.49);
  finite('pruneSigmas', 0, 100);
  finite('activeSigmas', 0, 100);
  finite('shrink', 0, 1000);
  if (typeof p.vocabVersion !== 'string' || p.vocabVersion.length === 0) out.push('vocabVersion must be set');
  if (!Number.isInteger(p.seed)) out.push('seed must be an integer');
  return out;
}
