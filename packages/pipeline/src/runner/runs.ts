import type { Store } from '../store/store.js';

/** Records a job in `runs`; a run left 'running' by a killed process is marked 'interrupted' first. */
export async function startRun(store: Store, job: string): Promise<number> {
  await store.run(`UPDATE runs SET status = 'interrupted', finished_at = current_timestamp WHERE job = $1 AND status = 'running'`, [job]);
  const id = await store.scalar<number>(`INSERT INTO runs (job, started_at, status) VALUES ($1, current_timestamp, 'running') RETURNING run_id`, [job]);
  return Number(id);
}

/** Closes a run with its outcome and summary. */
export async function finishRun(store: Store, runId: number, outcome: { status: 'ok' | 'failed' | 'stopped'; rowsIn?: number; rowsOut?: number; summary?: unknown; error?: string }): Promise<void> {
  await store.run(
    `UPDATE runs SET finished_at = current_timestamp, status = $2, rows_in = $3, rows_out = $4, summary = $5, error = $6 WHERE run_id = $1`,
    [runId, outcome.status, outcome.rowsIn ?? null, outcome.rowsOut ?? null, outcome.summary === undefined ? null : JSON.stringify(outcome.summary), outcome.error ?? null],
  );
}

/** Runs `fn` as a recorded job: 'ok' with its summary, or 'failed'/'stopped' with the error, rethrown. */
export async function recordRun<T>(store: Store, job: string, fn: (runId: number) => Promise<T>, count?: (out: T) => { rowsIn?: number; rowsOut?: number }): Promise<T> {
  const runId = await startRun(store, job);
  try {
    const out = await fn(runId);
    await finishRun(store, runId, { status: 'ok', summary: out, ...(count ? count(out) : {}) });
    return out;
  } catch (err) {
    const code = (err as { code?: string }).code;
    await finishRun(store, runId, { status: code === 'quota_exceeded' ? 'stopped' : 'failed', error: err instanceof Error ? `${code ?? 'error'}: ${err.message}` : String(err) });
    throw err;
  }
}
