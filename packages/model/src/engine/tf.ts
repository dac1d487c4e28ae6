import * as tf from '@tensorflow/tfjs';

export { tf };

let ready: Promise<string> | undefined;

/**
 * Picks the tensor backend once per process (and once per training worker thread): the native
 * TensorFlow backend when `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` is installed
 * (guarded dynamic imports: neither is a dependency, nothing requires them; same maths, faster
 * matMul), else wasm (single-threaded in Node, ~40 GFLOP/s on matMul; training gets its other cores
 * from worker threads), else the pure-JS cpu backend. MIXTAPE_TF_BACKEND=wasm or cpu skips the
 * native ones. Returns the backend's name.
 */
export function tensorEngine(): Promise<string> {
  ready ??= pick();
  return ready;
}

async function pick(): Promise<string> {
  const forced = process.env.MIXTAPE_TF_BACKEND;
  if (forced !== 'wasm' && forced !== 'cpu') {
    // Variable specifiers keep bundlers and tsc from resolving packages that are not dependencies.
    for (const native of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await import(native);
        if (await tf.setBackend('tensorflow')) return tf.getBackend();
      } catch {
        // Not installed (or no CUDA): try the next.
      }
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
