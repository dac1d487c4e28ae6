import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublishedModel } from '../model-file.js';
import type { FederationParams } from '../params.js';
import type { Catalogue } from './evaluate.js';

/**
 * Writes a federated model folder: `federated-model.json` (what it is, which version, hash),
 * `item-factors.f32` (one float32 row of `dim` per catalogue item, in `items.tsv` order) and
 * `items.tsv` (item id, vocabulary row, popularity). Scores are item . (sum of a user's weighted
 * item rows), the same fold-in a node uses.
 */
export async function writeModelDir(
  dir: string,
  m: { table: Float32Array; popularity: Float32Array; params: FederationParams; catalogue: Catalogue; version: PublishedModel },
): Promise<void> {
  const { dim } = m.params;
  const factors = new Float32Array(m.catalogue.items.length * dim);
  m.catalogue.items.forEach((_, i) => factors.set(m.table.subarray(m.catalogue.rows[i]! * dim, (m.catalogue.rows[i]! + 1) * dim), i * dim));
  await writeFile(join(dir, 'item-factors.f32'), Buffer.from(factors.buffer));
  await writeFile(
    join(dir, 'items.tsv'),
    `item\trow\tpopularity\n${m.catalogue.items.map((it, i) => `${it}\t${m.catalogue.rows[i]}\t${m.popularity[m.catalogue.rows[i]!]!.toFixed(4)}`).join('\n')}\n`,
  );
  await writeFile(
    join(dir, 'federated-model.json'),
    `${JSON.stringify(
      {
        kind: 'mixtape-federated-item-table',
        version: m.version.header.version,
        sha256: m.version.sha256,
        vocabVersion: m.params.vocabVersion,
        dim,
        items: m.catalogue.items.length,
        scoring: 'fold-in: user = sum of log1p(plays)-weighted item rows (unit L2); score = item . user',
        params: m.params,
      },
      null,
      2,
    )}\n`,
  );
}
