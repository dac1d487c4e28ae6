import * as tf from '@tensorflow/tfjs';

export { tf };

let ready: Promise<string> | undefined;

/**
 * Picks the tensor backend once per process: `@tensorflow/tfjs-node-gpu` when it is installed (a
 * guarded dynamic import, so machines without CUDA never need it), else wasm (single-threaded in
 * Node, ~40 GFLOP/s on matMul), else the pure-JS cpu backend. Returns the backend's name.
 */
export function tensorEngine(): Promise<string> {
  ready ??= pick();
  return ready;
}

async function pick(): Promise<string> {
  const forced = process.env.MIXTAPE_TF_BACKEND;
  if (forced !== 'wasm' && forced !== 'cpu') {
    try {
      // A variable specifier keeps bundlers and tsc from resolving a package that is not a dependency.
      const gpu = '@tensorflow/tfjs-node-gpu';
      await import(gpu);
      if (await tf.setBackend('tensorflow')) return tf.getBackend();
    } catch {
      // Not installed or no CUDA: fall through to wasm.
    }
  }
  if (forced !== 'cpu') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // wasm binary missing: fall back to the slow but always-present cpu backend.
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
