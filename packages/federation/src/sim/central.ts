import { aggregateRound, type PayloadSource } from '../aggregate.js';
import type { FederationParams } from '../params.js';
import { initialTable } from '../table.js';
import { activeRows, packUpdate } from '../packing.js';
import { clipUpdate, localUpdate, type Interactions } from '../trainer.js';

/**
 * The same model trained centrally: the same rounds, local steps, clipping and aggregation code,
 * with every node's data in one place, no noise and no trimming. The federated run is compared
 * against this.
 */
export async function trainCentral(
  params: FederationParams,
  nodes: Interactions[],
  rounds: number,
  onRound?: (round: number) => void,
): Promise<{ table: Float32Array; popularity: Float32Array }> {
  const p: FederationParams = { ...params, noiseMultiplier: 0, trimFraction: 0 };
  let table = initialTable(p.rows, p.dim, p.seed);
  let popularity: Float32Array | undefined;
  for (let r = 1; r <= rounds; r++) {
    const current = table;
    const active = activeRows(p, r, popularity);
    const source: PayloadSource = async (visit) => {
      nodes.forEach((x, i) => {
        const u = localUpdate(current, p.rows, p.dim, x, p.countsWeight);
        clipUpdate(u, p.clip);
        visit(String(i), packUpdate(u, active, p.dim));
      });
    };
    const res = await aggregateRound(p, source, popularity, r, active);
    table = res.table;
    popularity = res.popularity;
    onRound?.(r);
  }
  return { table, popularity: popularity ?? new Float32Array(p.rows) };
}
