import { randomBytes } from 'node:crypto';
import { MixtapeError, noProgress, type ProgressFn } from '@mixtape/core';
import { finishRun, startRun } from '../runner/runs.js';
import { changedTables, fingerprint } from '../store/fingerprint.js';
import { withStore, type OpenOptions, type Store } from '../store/store.js';

// pull comes after publish (the round just sent may close) and before push, which recommends.
export const PHASES = ['export', 'enrich', 'train', 'publish', 'pull', 'push'] as const;
export type Phase = (typeof PHASES)[number];

export interface StageContext {
  store: OpenOptions;
  onProgress: ProgressFn;
}

export interface StageOutcome {
  rowsIn: number;
  rowsOut: number;
  detail: string;
}

/**
 * A stage of `mixtape run`: what it reads and writes, a precondition, and the work. Names in
 * snake_case are tables of the store (others name services or files): they must exist, and after the
 * stage ran every table it did not declare in `writes` must hold what it held before.
 */
export interface Stage {
  reads: string[];
  writes: string[];
  /** Throws a MixtapeError when the stage cannot run (no token, no model): checked for the whole plan first. */
  check(ctx: StageContext): Promise<void>;
  run(ctx: StageContext): Promise<StageOutcome>;
}

export interface StageReport {
  stage: Phase;
  status: 'ok' | 'failed' | 'skipped';
  rowsIn: number | null;
  rowsOut: number | null;
  seconds: number | null;
  detail: string;
}

export interface PipelineResult {
  pipelineId: string;
  resumed: boolean;
  stages: StageReport[];
  ok: boolean;
}

/** Parses `--phases export,enrich` into known phases in pipeline order. */
export function parsePhases(list: string): Phase[] {
  const asked = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of asked) {
    if (!(PHASES as readonly string[]).includes(p)) {
      throw new MixtapeError('unknown_phase', `Unknown phase "${p}"`, { suggestion: `phases are ${PHASES.join(', ')}` });
    }
  }
  if (asked.length === 0) throw new MixtapeError('unknown_phase', 'No phases given', { suggestion: `phases are ${PHASES.join(', ')}` });
  return PHASES.filter((p) => asked.includes(p));
}

/**
 * Runs the phases in order. The whole plan is checked first; each stage is recorded in `runs` and
 * `pipeline_stages`. A failed stage stops the pipeline; running the same phases again resumes at the
 * stage that failed (earlier stages of that pipeline are not repeated). The store is opened only to
 * record progress, so each stage can open it itself.
 */
export async function runPipeline(
  phases: Phase[],
  stages: Record<Phase, Stage>,
  options: { store: OpenOptions; onProgress?: ProgressFn; fresh?: boolean },
): Promise<PipelineResult> {
  const ctx: StageContext = { store: options.store, onProgress: options.onProgress ?? noProgress };
  for (const p of phases) await stages[p].check(ctx);
  const key = phases.join(',');

  const { pipelineId, done, resumed } = await withStore(options.store, async (store) => {
    await checkDeclaredTables(store, phases, stages);
    const last = await store.one<{ pipeline_id: string }>(
      `SELECT pipeline_id FROM pipeline_stages GROUP BY pipeline_id
       HAVING string_agg(stage, ',' ORDER BY position) = $1 AND bool_or(status IN ('failed', 'running')) ORDER BY max(started_at) DESC LIMIT 1`,
      [key],
    );
    if (last && !options.fresh) {
      const ok = await store.all<{ stage: string }>(`SELECT stage FROM pipeline_stages WHERE pipeline_id = $1 AND status = 'ok'`, [last.pipeline_id]);
      return { pipelineId: last.pipeline_id, done: new Set(ok.map((r) => r.stage)), resumed: true };
    }
    const id = `pl_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    for (const [i, p] of phases.entries()) {
      await store.run(`INSERT INTO pipeline_stages (pipeline_id, position, stage, status) VALUES ($1, $2, $3, 'pending')`, [id, i, p]);
    }
    return { pipelineId: id, done: new Set<string>(), resumed: false };
  });

  const reports: StageReport[] = [];
  let failed = false;
  for (const [i, p] of phases.entries()) {
    if (done.has(p)) {
      reports.push({ stage: p, status: 'skipped', rowsIn: null, rowsOut: null, seconds: null, detail: 'done in the run being resumed' });
      continue;
    }
    if (failed) {
      reports.push({ stage: p, status: 'skipped', rowsIn: null, rowsOut: null, seconds: null, detail: 'not run: an earlier stage failed' });
      continue;
    }
    const except = stages[p].writes;
    const { runId, before } = await withStore(options.store, async (store) => {
      await store.run(`UPDATE pipeline_stages SET status = 'running', started_at = current_timestamp WHERE pipeline_id = $1 AND position = $2`, [pipelineId, i]);
      const runId = await startRun(store, `run ${p}`);
      return { runId, before: await fingerprint(store, { except }) };
    });
    const t = Date.now();
    let outcome: StageOutcome | undefined;
    let error: unknown;
    try {
      ctx.onProgress({ unit: 'stages', done: i, total: phases.length, message: p });
      outcome = await stages[p].run(ctx);
    } catch (e) {
      error = e;
    }
    const seconds = (Date.now() - t) / 1000;
    const wrote = await withStore(options.store, async (store) => changedTables(before, await fingerprint(store, { except })));
    if (wrote.length > 0 && outcome) {
      outcome = undefined;
      error = new MixtapeError('stage_undeclared_write', `The ${p} stage wrote ${wrote.join(', ')}, which it does not declare`);
    }
    const msg = error instanceof Error ? `${(error as { code?: string }).code ?? 'internal_error'}: ${error.message}` : String(error);
    await withStore(options.store, async (store) => {
      await store.run(
        `UPDATE pipeline_stages SET status = $3, finished_at = current_timestamp, rows_in = $4, rows_out = $5, detail = $6 WHERE pipeline_id = $1 AND position = $2`,
        [pipelineId, i, outcome ? 'ok' : 'failed', outcome?.rowsIn ?? null, outcome?.rowsOut ?? null, outcome ? outcome.detail : msg],
      );
      await finishRun(store, runId, outcome ? { status: 'ok', rowsIn: outcome.rowsIn, rowsOut: outcome.rowsOut, summary: outcome } : { status: 'failed', error: msg });
    });
    if (outcome) reports.push({ stage: p, status: 'ok', rowsIn: outcome.rowsIn, rowsOut: outcome.rowsOut, seconds, detail: outcome.detail });
    else {
      failed = true;
      reports.push({ stage: p, status: 'failed', rowsIn: null, rowsOut: null, seconds, detail: msg });
    }
  }
  return { pipelineId, resumed, stages: reports, ok: !failed };
}

/** Refuses a plan whose stages name a table (a snake_case read or write) that the store does not have. */
async function checkDeclaredTables(store: Store, phases: Phase[], stages: Record<Phase, Stage>): Promise<void> {
  const tables = new Set((await store.all<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database()`)).map((r) => r.name));
  for (const p of phases) {
    const unknown = [...stages[p].reads, ...stages[p].writes].filter((n) => /^[a-z][a-z0-9_]*$/.test(n) && !tables.has(n));
    if (unknown.length > 0) throw new MixtapeError('stage_unknown_table', `The ${p} stage declares ${unknown.join(', ')}, which the store does not have`);
  }
}
