import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { defaultParams, encodeModel, itemKeyString, vocabulary, type ModelHeader, type NodeConfig } from '@mixtape/federation';

/**
 * Leaves in `dir` what `federation join` and `pull` leave on a listener's machine: node.json (with
 * the federation's parameters), vocabulary.json and global/model.bin + model.json, in the
 * federation's own format, holding `items` and their factors as the table of the whole vocabulary.
 */
export async function installGlobalModel(dir: string, items: Array<{ key: string; name: string; factors: number[] }>, version = 3): Promise<void> {
  const dim = items[0]!.factors.length;
  const v = vocabulary(items.map((i) => i.key), items.map((i) => i.name));
  const params = defaultParams({ vocabVersion: v.version, vocabSize: items.length, minContributors: 1, als: { dim, sharedItems: items.length } });
  const config: NodeConfig = { hub: 'http://127.0.0.1:9', hubPublicKey: 'test', vocabVersion: v.version, budget: 8, delta: 1e-5, ledger: [], params };
  const table = Float32Array.from(items.flatMap((i) => i.factors));
  const header: ModelHeader = { version, scheme: 'private-als-1', vocabVersion: v.version, vocabSize: items.length, dim, shared: items.length, stage: 'factors', accepted: 5, fullTable: true, tableDim: dim };
  const body = encodeModel(header, { shared: Int32Array.from(items, (_, i) => i), counts: new Float32Array(items.length).fill(5), sharedTable: table, table });
  await mkdir(join(dir, 'global'), { recursive: true });
  await writeFile(join(dir, 'node.json'), JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'vocabulary.json'), JSON.stringify({ version: v.version, keys: v.keys, names: v.names }));
  await writeFile(join(dir, 'global', 'model.bin'), body);
  await writeFile(join(dir, 'global', 'model.json'), JSON.stringify({ header, sha256: createHash('sha256').update(body).digest('hex'), signature: '' }));
}

/**
 * Vocabulary items of a global model in which the listener's `artists` and `newArtist` (whom they
 * never played) share one direction, and a crowd of unrelated artists point elsewhere: what the
 * federation learns when listeners with this taste also play `newArtist`.
 */
export function tasteModel(artists: string[], newArtist: string): Array<{ key: string; name: string; factors: number[] }> {
  const key = (name: string) => itemKeyString({ kind: 'artist', name });
  return [
    ...artists.map((a) => ({ key: key(a), name: a, factors: [1, 0.1, 0, 0] })),
    { key: key(newArtist), name: newArtist, factors: [2, 0, 0, 0] },
    ...Array.from({ length: 20 }, (_, i) => ({ key: key(`Unrelated ${i}`), name: `Unrelated ${i}`, factors: [0, i % 2, (i + 1) % 2, 0.5] })),
  ];
}
