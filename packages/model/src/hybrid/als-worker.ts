import { parentPort } from 'node:worker_threads';
import { drainChunks, type AlsState, type FromWorker, type ToWorker } from './als-pool.js';

// A training worker: receives the shared ALS state once, then solves chunks of each half step
// (taken from the shared counter) until none are left, and says so. Errors go back as messages.
let state: AlsState | undefined;
let counter: Int32Array | undefined;
const port = parentPort!;

port.on('message', (m: ToWorker) => {
  if (m.type === 'init' || m.type === 'release') {
    // A released worker drops the last training's arrays while it waits for the next.
    state = m.type === 'init' ? m.state : undefined;
    counter = m.type === 'init' ? m.counter : undefined;
    return;
  }
  const run = async (): Promise<FromWorker> => {
    try {
      if (!state || !counter) throw new Error('step before init');
      await drainChunks(state, counter, m.side, m.gram, m.opt, m.chunks, m.start);
      return { type: 'done' };
    } catch (e) {
      return { type: 'error', message: e instanceof Error ? e.message : String(e) };
    }
  };
  // Steps arrive one at a time (the main thread waits for every 'done'), so they never overlap.
  void run().then((reply) => port.postMessage(reply));
});
