import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { MixtapeError, startModuleWorker } from '@mixtape/core';
import type { Interactions } from '../data/interactions.js';
import { tensorEngine } from '../engine/tf.js';
import { alsChunk, alsChunkRows, gramianArray } from './als-batched.js';
import type { HalfStepOptions } from './als.js';

/** A CSR matrix as the workers see it (typed arrays on shared memory). */
export interface SharedCsr {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  cols: number;
}

/** Everything a half step reads or writes, on SharedArrayBuffers so that every thread sees one copy. */
export interface AlsState {
  /** Users × items confidences and their transpose. */
  r: SharedCsr;
  rt: SharedCsr;
  users: Float32Array;
  items: Float32Array;
  /** Each item's prior (its features' part), pulled towards in the item step when priorWeight > 0. */
  prior: Float32Array;
  /** Each user's prior (the user side's feature part), pulled towards in the user step when priorWeight > 0. */
  userPrior?: Float32Array;
  /** Per-item unobserved weights (eALS), if any. */
  negW?: Float64Array;
}

/** The scalar options of a half step; which arrays it uses follows from `side`. */
export type StepScalars = Pick<HalfStepOptions, 'k' | 'lambda' | 'lambdaPerObs' | 'cgSteps' | 'unobservedWeight' | 'priorWeight'>;

/** What a worker is told: the shared state once, then one message per half step. */
export type ToWorker = { type: 'init'; state: AlsState; counter: Int32Array } | { type: 'release' } | { type: 'step'; side: 'users' | 'items'; gram: Float32Array; opt: StepScalars; chunks: number; start?: number };
export type FromWorker = { type: 'done' } | { type: 'error'; message: string };

/** The thread count to train with: `requested`, else MIXTAPE_THREADS, else every core. */
export function trainThreads(requested?: number): number {
  const env = process.env.MIXTAPE_THREADS;
  const n = requested ?? (env ? Number(env) : availableParallelism());
  if (!Number.isInteger(n) || n < 1) {
    throw new MixtapeError('bad_threads', `The thread count must be a positive whole number, got ${requested ?? env}`, { suggestion: 'use --threads 2, or leave it out to use every core' });
  }
  return n;
}

/** Copies a typed array onto a SharedArrayBuffer. */
export function shared<T extends Float32Array | Int32Array | Float64Array>(a: T): T {
  const ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const out = new ctor(new SharedArrayBuffer(a.length * ctor.BYTES_PER_ELEMENT));
  out.set(a as never);
  return out;
}

/** A CSR `Interactions` on shared memory. */
export function sharedCsr(x: Interactions): SharedCsr {
  return { indptr: shared(x.indptr), indices: shared(x.indices), values: shared(x.values), cols: x.itemIds.length };
}

/** The rows, y, x, prior and weights one side of a half step reads, as `alsChunk` wants them. */
export function stepArgs(state: AlsState, side: 'users' | 'items', opt: StepScalars): { r: Interactions; y: Float32Array; x: Float32Array; o: HalfStepOptions } {
  const csr = side === 'users' ? state.r : state.rt;
  const r = { userIds: [] as string[], itemIds: [] as string[], indptr: csr.indptr, indices: csr.indices, values: csr.values };
  const o: HalfStepOptions = { ...opt };
  if (side === 'items' && opt.priorWeight) o.prior = state.prior;
  if (side === 'users' && opt.priorWeight && state.userPrior) o.prior = state.userPrior;
  if (state.negW) {
    if (side === 'users') o.columnWeights = state.negW;
    else o.rowWeights = state.negW;
  }
  return side === 'users' ? { r, y: state.items, x: state.users, o } : { r, y: state.users, x: state.items, o };
}

/** Takes chunk indices from the shared counter until none are left, solving each into the shared state. */
export async function drainChunks(state: AlsState, counter: Int32Array, side: 'users' | 'items', gram: Float32Array, opt: StepScalars, chunks: number, forceStart?: number): Promise<void> {
  const { r, y, x, o } = stepArgs(state, side, opt);
  const rows = r.indptr.length - 1;
  for (;;) {
    const c = forceStart ?? Atomics.add(counter, 0, 1);
    if (c >= chunks) return;
    const size = alsChunkRows(rows);
    const start = c * size;
    await alsChunk(r, y, x, o, gram, start, Math.min(rows, start + size));
    if (forceStart !== undefined) return;
  }
}

/**
 * Implicit-ALS half steps shared by `threads` threads: this one and threads − 1 workers. Rows go
 * in fixed chunks (`alsChunkRows`) that every thread takes from one atomic counter, each chunk's
 * solve depends only on its own rows and the half step's inputs, so the factors are the same bits
 * whatever the thread count. Workers load the tensor engine themselves (wasm, or the native
 * backend where installed, see `tensorEngine`).
 */
export class AlsPool {
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private failure: MixtapeError | undefined;
  private pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  private readonly onMessage = (m: FromWorker) => this.settle(m.type === 'done' ? undefined : m.message);
  private readonly onError = (e: Error) => this.settle(e.message);
  private readonly onExit = (code: number) => this.settle(`exited with code ${code}`);

  private constructor(
    readonly state: AlsState,
    private readonly workers: Worker[],
  ) {
    for (const w of workers) {
      w.ref();
      w.on('message', this.onMessage);
      w.on('error', this.onError);
      w.on('exit', this.onExit);
      w.postMessage({ type: 'init', state, counter: this.counter } satisfies ToWorker);
    }
  }

  /** Takes threads − 1 workers (started ones first, see `prestartTrainingThreads`) for the shared state. */
  static open(state: AlsState, threads: number): AlsPool {
    const workers: Worker[] = [];
    for (let i = 1; i < threads; i++) workers.push(idle.pop() ?? spawn());
    return new AlsPool(state, workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * One half step: `users` solves user rows against the item table, `items` the reverse.
   * `alongside` runs on this thread while the workers start on the chunks (work that neither
   * reads nor writes the side being solved, e.g. the feature step during the next user step).
   */
  async halfStep(side: 'users' | 'items', opt: StepScalars, alongside?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    // The backend first: a Gramian computed before it is chosen would come from another backend.
    await tensorEngine();
    const { r, y } = stepArgs(this.state, side, opt);
    const gram = gramianArray(y, side === 'users' ? this.state.r.cols : this.state.rt.cols, opt.k, opt.unobservedWeight ?? 1, side === 'users' ? this.state.negW : undefined);
    const chunks = Math.ceil((r.indptr.length - 1) / alsChunkRows(r.indptr.length - 1));
    Atomics.store(this.counter, 0, 0);
    const done = this.workers.map(() => new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject })));
    for (const w of this.workers) w.postMessage({ type: 'step', side, gram, opt, chunks } satisfies ToWorker);
    alongside?.();
    await drainChunks(this.state, this.counter, side, gram, opt, chunks);
    await Promise.all(done);
  }

  /**
   * Solves one chunk on the first worker, out of turn (diagnosis and tests). A chunk index past
   * the last row fails in the worker, and the error comes back here as `train_worker_failed`.
   */
  async solveChunkOnWorker(side: 'users' | 'items', opt: StepScalars, chunk: number): Promise<void> {
    await tensorEngine();
    const { y } = stepArgs(this.state, side, opt);
    const gram = gramianArray(y, side === 'users' ? this.state.r.cols : this.state.rt.cols, opt.k);
    const done = new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject }));
    this.workers[0]!.postMessage({ type: 'step', side, gram, opt, chunks: chunk + 1, start: chunk } satisfies ToWorker);
    await done;
  }

  private settle(error: string | undefined): void {
    if (error !== undefined) {
      this.failure ??= new MixtapeError('train_worker_failed', `A training worker thread failed: ${error}`, {
        suggestion: 'run again with --threads 1 (or MIXTAPE_THREADS=1); report the message if it persists',
      });
      for (const p of this.pending.splice(0)) p.reject(this.failure);
      return;
    }
    this.pending.shift()?.resolve();
  }

  /** Hands healthy workers back for the next training in this process; stops them after a failure. */
  async close(): Promise<void> {
    for (const w of this.workers) {
      w.off('message', this.onMessage);
      w.off('error', this.onError);
      w.off('exit', this.onExit);
    }
    if (this.failure) {
      await Promise.all(this.workers.map((w) => w.terminate()));
      return;
    }
    for (const w of this.workers) {
      w.postMessage({ type: 'release' } satisfies ToWorker);
      w.unref();
      idle.push(w);
    }
    retireIdleLater();
  }
}

/** Started workers waiting for a training (unref'd: they never keep the process alive). */
const idle: Worker[] = [];

/**
 * Starts the training workers ahead of time, so that loading their tensor engine overlaps with
 * reading the input (e.g. at the start of `model fit`); a training takes them when it opens.
 */
export function prestartTrainingThreads(threads?: number): void {
  const n = trainThreads(threads);
  while (idle.length < n - 1) idle.push(spawn());
  retireIdleLater();
}

/** How long a worker waits for the next training before it stops (its tensor engine holds memory). */
const IDLE_MS = 60_000;
let retire: NodeJS.Timeout | undefined;

function retireIdleLater(): void {
  clearTimeout(retire);
  retire = setTimeout(() => {
    for (const w of idle.splice(0)) void w.terminate();
  }, IDLE_MS);
  retire.unref();
}

function spawn(): Worker {
  const w = startWorker();
  w.unref();
  // A worker that dies while idle leaves the list (one in use reports to its pool).
  w.on('exit', () => {
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
  });
  w.on('error', () => undefined);
  return w;
}

/** A worker running als-worker (compiled, or the TypeScript source under tests and tsx). */
function startWorker(): Worker {
  return startModuleWorker(import.meta.url, 'als-worker');
}
