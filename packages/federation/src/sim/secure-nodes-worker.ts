import { parentPort } from 'node:worker_threads';
import { workerAttempt, type ToNodeWorker } from './secure-nodes.js';

// A simulation worker: runs its share of the simulated nodes through one attempt of a securely
// aggregated round (secure-nodes.ts, attemptInWorkers) and answers once with how each ended.
const port = parentPort!;
port.once('message', (m: ToNodeWorker) => {
  void workerAttempt(m).then((reply) => port.postMessage(reply));
});
