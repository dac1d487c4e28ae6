import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { MixtapeError } from '@mixtape/core';
import type { Interactions } from '../data/interactions.js';
import type { HybridModel } from '../hybrid/model.js';
import { HYBRID_DEFAULTS, type HybridParams } from '../hybrid/train.js';
import { dequantizeRows, quantizeRows, type Int8Table } from '../serve/quantize.js';

/** Format name and version written into every manifest; load refuses anything else. */
export const ARTIFACT_FORMAT = 'mixtape-model';
export const ARTIFACT_VERSION = 1;

/** What `manifest.json` in a model directory holds; the binary files sit beside it. */
export interface Manifest {
  format: typeof ARTIFACT_FORMAT;
  version: number;
  createdAt: string;
  k: number;
  users: number;
  items: number;
  featureSlots: number;
  dtype: 'float32' | 'int8';
  params: HybridParams;
  files: Record<string, { dtype: 'float32' | 'int8' | 'int32'; length: number }>;
  extra?: Record<string, unknown>;
}

/** A model as saved and loaded: the hybrid model, optionally its int8 item table, and the users' history. */
export interface ModelArtifact {
  model: HybridModel;
  /** Present when saved as int8: the item table actually used for serving. */
  int8?: Int8Table;
  /** Training interactions (for --exclude-seen, content profiles and fold-in). */
  history: Interactions;
  /** Each user's own share of the content score (a federated model's listeners tune theirs). */
  userBlend?: Float32Array;
  /** A public prior per item (z-scored), added at params.popularityBoost to served scores. */
  itemPopularity?: Float32Array;
  extra?: Record<string, unknown>;
}

/**
 * Writes a model directory: manifest.json, ids as JSON, and little-endian typed-array files. It is
 * written to DIR.tmp and renamed into place, so a failure never leaves a half-written model.
 */
export function saveModel(dir: string, a: ModelArtifact, options: { dtype?: 'float32' | 'int8' } = {}): Manifest {
  const m = a.model;
  const dtype = options.dtype ?? (a.int8 ? 'int8' : 'float32');
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const files: Manifest['files'] = {};
  const put = (name: string, arr: Float32Array | Int8Array | Int32Array) => {
    writeFileSync(join(tmp, name), Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
    files[name] = { dtype: arr instanceof Float32Array ? 'float32' : arr instanceof Int8Array ? 'int8' : 'int32', length: arr.length };
  };
  put('user-factors.f32', m.userFactors);
  if (dtype === 'int8') {
    const q = a.int8 ?? quantizeRows(m.itemFactors, m.itemIds.length, m.k);
    put('item-codes.i8', q.codes);
    put('item-scales.f32', q.scales);
  } else {
    put('item-factors.f32', m.itemFactors);
  }
  put('feature-table.f32', m.featureTable);
  if (m.userFeatureTable) put('user-feature-table.f32', m.userFeatureTable);
  put('feature-indptr.i32', m.features.indptr);
  put('feature-indices.i32', m.features.indices);
  put('feature-weights.f32', m.features.weights);
  put('history-indptr.i32', a.history.indptr);
  put('history-indices.i32', a.history.indices);
  put('history-values.f32', a.history.values);
  if (a.userBlend) put('user-blend.f32', a.userBlend);
  if (a.itemPopularity) put('item-popularity.f32', a.itemPopularity);
  writeFileSync(join(tmp, 'users.json'), JSON.stringify(m.userIds));
  writeFileSync(join(tmp, 'items.json'), JSON.stringify(m.itemIds));
  const manifest: Manifest = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    createdAt: new Date().toISOString(),
    k: m.k,
    users: m.userIds.length,
    items: m.itemIds.length,
    featureSlots: m.featureSlots,
    dtype,
    params: m.params,
    files,
    ...(a.extra ? { extra: a.extra } : {}),
  };
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return manifest;
}

/** Reads a model directory written by `saveModel`; checks format, version and file sizes. */
export function loadModel(dir: string): ModelArtifact & { manifest: Manifest } {
  const mpath = join(dir, 'manifest.json');
  if (!existsSync(mpath)) {
    throw new MixtapeError('model_missing', `No model at ${dir} (manifest.json not found)`, {
      suggestion: 'train one first with `mixtape model fit --interactions FILE --out DIR`',
    });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(mpath, 'utf8')) as Manifest;
  } catch (cause) {
    throw new MixtapeError('model_corrupt', `${mpath} is not valid JSON`, { suggestion: 'fit the model again', cause });
  }
  if (manifest.format !== ARTIFACT_FORMAT || manifest.version !== ARTIFACT_VERSION) {
    throw new MixtapeError('model_version', `${dir} holds ${manifest.format} v${manifest.version}; this mixtape reads ${ARTIFACT_FORMAT} v${ARTIFACT_VERSION}`, {
      suggestion: 'fit the model again with this version of mixtape',
    });
  }
  const read = <T extends Float32Array | Int8Array | Int32Array>(name: string, ctor: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T => {
    const spec = manifest.files[name];
    let buf: Buffer;
    try {
      buf = readFileSync(join(dir, name));
    } catch (cause) {
      throw new MixtapeError('model_corrupt', `${join(dir, name)} is missing`, { suggestion: 'fit the model again', cause });
    }
    if (!spec || buf.byteLength !== spec.length * ctor.BYTES_PER_ELEMENT) {
      throw new MixtapeError('model_corrupt', `${join(dir, name)} has ${buf.byteLength} bytes, expected ${(spec?.length ?? 0) * ctor.BYTES_PER_ELEMENT}`, {
        suggestion: 'fit the model again',
      });
    }
    const copy = new ArrayBuffer(buf.byteLength);
    new Uint8Array(copy).set(buf);
    return new ctor(copy);
  };
  const userIds = JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8')) as string[];
  const itemIds = JSON.parse(readFileSync(join(dir, 'items.json'), 'utf8')) as string[];
  const k = manifest.k;
  const int8: Int8Table | undefined =
    manifest.dtype === 'int8' ? { rows: itemIds.length, k, codes: read('item-codes.i8', Int8Array), scales: read('item-scales.f32', Float32Array) } : undefined;
  // An int8 model is served from its codes; a float32 table exists only if something asks for one.
  const itemFactors = int8 ? new Float32Array(0) : read('item-factors.f32', Float32Array);
  const model: HybridModel = {
    version: 1,
    k,
    userIds,
    itemIds,
    userFactors: read('user-factors.f32', Float32Array),
    itemFactors,
    featureTable: read('feature-table.f32', Float32Array),
    featureSlots: manifest.featureSlots,
    features: {
      slots: manifest.featureSlots,
      indptr: read('feature-indptr.i32', Int32Array),
      indices: read('feature-indices.i32', Int32Array),
      weights: read('feature-weights.f32', Float32Array),
    },
    params: loadParams(manifest.params),
  };
  if (manifest.files['user-feature-table.f32']) model.userFeatureTable = read('user-feature-table.f32', Float32Array);
  if (int8) lazyItemFactors(model, int8);
  const history: Interactions = {
    userIds,
    itemIds,
    indptr: read('history-indptr.i32', Int32Array),
    indices: read('history-indices.i32', Int32Array),
    values: read('history-values.f32', Float32Array),
  };
  const userBlend = manifest.files['user-blend.f32'] ? read('user-blend.f32', Float32Array) : undefined;
  const itemPopularity = manifest.files['item-popularity.f32'] ? read('item-popularity.f32', Float32Array) : undefined;
  return { manifest, model, history, ...(userBlend ? { userBlend } : {}), ...(itemPopularity ? { itemPopularity } : {}), ...(int8 ? { int8 } : {}), ...(manifest.extra ? { extra: manifest.extra } : {}) };
}

/**
 * Makes `model.itemFactors` of an int8 model a getter that dequantizes on first use (and keeps the
 * result): serving never reads it (`Recommender` uses the codes), so a loaded int8 model holds no
 * float32 item table unless a caller needs one (e.g. to retrain from it).
 */
function lazyItemFactors(model: HybridModel, q: Int8Table): void {
  let cached: Float32Array | undefined;
  Object.defineProperty(model, 'itemFactors', {
    enumerable: true,
    configurable: true,
    get: () => (cached ??= dequantizeRows(q)),
    set: (v: Float32Array) => {
      cached = v;
    },
  });
}

/**
 * Saved params over the defaults; a model saved before the two content IDF powers existed keeps its
 * symmetric one, and one saved before the user-side prior existed was trained without it.
 */
function loadParams(saved: Partial<HybridParams>): HybridParams {
  const p = { ...HYBRID_DEFAULTS, ...saved };
  if (saved.userPriorWeight === undefined) p.userPriorWeight = 0;
  if (saved.contentItemIdfPower === undefined && saved.contentIdfPower !== undefined) p.contentItemIdfPower = saved.contentIdfPower;
  return p;
}
