import { Cron } from 'croner';
import { finishRun, startRun } from '../runner/runs.js';
import { withStore, type OpenOptions } from '../store/store.js';
import { jobArgs, listSchedules, missedRuns, type Schedule } from './schedules.js';

export interface DaemonEvent {
  at: string;
  scheduleId?: number;
  job?: string;
  event: 'started' | 'missed' | 'queued' | 'skipped' | 'running' | 'finished' | 'failed' | 'reloaded' | 'stopped';
  detail?: string;
}

export interface DaemonOptions {
  store: OpenOptions;
  /** Runs one job's arguments (the CLI spawns itself); resolves with the exit code. */
  runJob: (args: string[]) => Promise<{ code: number; output: string }>;
  signal: AbortSignal;
  onEvent?: (e: DaemonEvent) => void;
  /** How often to re-read the schedules table (ms). */
  reloadMs?: number;
  /** Starts the timer of one schedule (croner by default); tests fire schedules by hand instead of waiting for the clock. */
  startTimer?: (cron: string, fire: () => void) => { stop(): void };
}

const cronTimer = (cron: string, fire: () => void) => new Cron(cron, { protect: true }, fire);

/**
 * The scheduler: one croner timer per schedule, and one worker that runs due jobs one after the
 * other. A job that is still queued or running is not queued again (no overlapping runs), and the
 * database is opened only to read schedules and record runs, so the jobs themselves can use it.
 */
export async function runDaemon(options: DaemonOptions): Promise<{ ran: number; failed: number }> {
  const emit = (e: Omit<DaemonEvent, 'at'>) => options.onEvent?.({ at: new Date().toISOString(), ...e });
  const timers = new Map<number, { cron: string; job: string; timer: { stop(): void } }>();
  const startTimer = options.startTimer ?? cronTimer;
  const queue: Schedule[] = [];
  const busy = new Set<number>();
  let ran = 0;
  let failed = 0;
  let wake: (() => void) | undefined;

  const enqueue = (s: Schedule) => {
    if (busy.has(s.schedule_id)) {
      emit({ scheduleId: s.schedule_id, job: s.job, event: 'skipped', detail: 'the previous run of this job has not finished' });
      return;
    }
    busy.add(s.schedule_id);
    queue.push(s);
    emit({ scheduleId: s.schedule_id, job: s.job, event: 'queued' });
    wake?.();
  };

  const reload = async (first: boolean) => {
    const schedules = await withStore(options.store, async (store) => {
      const list = await listSchedules(store);
      if (first) {
        const now = new Date();
        for (const s of list) {
          const since = new Date(s.last_run_at ?? s.created_at);
          const missed = missedRuns(s.cron, since, now);
          if (missed > 0) {
            emit({ scheduleId: s.schedule_id, job: s.job, event: 'missed', detail: `${missed} run(s) missed since ${since.toISOString()}` });
            const id = await startRun(store, `schedule ${s.schedule_id}: ${s.job}`);
            await finishRun(store, id, { status: 'stopped', error: `missed ${missed} run(s) while the daemon was not running`, summary: { missed } });
          }
        }
      }
      return list;
    });
    for (const [id, t] of timers) {
      const s = schedules.find((x) => x.schedule_id === id);
      if (!s || s.cron !== t.cron || s.job !== t.job) {
        t.timer.stop();
        timers.delete(id);
      }
    }
    for (const s of schedules) {
      if (timers.has(s.schedule_id)) continue;
      const timer = startTimer(s.cron, () => enqueue(s));
      timers.set(s.schedule_id, { cron: s.cron, job: s.job, timer });
    }
    emit({ event: first ? 'started' : 'reloaded', detail: `${schedules.length} schedule(s)` });
  };

  await reload(true);
  const reloader = setInterval(() => void reload(false).catch((e: Error) => emit({ event: 'failed', detail: `reload: ${e.message}` })), options.reloadMs ?? 60_000);
  try {
    while (!options.signal.aborted) {
      const s = queue.shift();
      if (!s) {
        await idle(options.signal, (resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      emit({ scheduleId: s.schedule_id, job: s.job, event: 'running' });
      const started = Date.now();
      let code = 1;
      let output = '';
      try {
        ({ code, output } = await options.runJob(jobArgs(s.job)));
      } catch (e) {
        output = (e as Error).message;
      }
      busy.delete(s.schedule_id);
      if (code === 0) ran++;
      else failed++;
      await withStore(options.store, async (store) => {
        const id = await startRun(store, `schedule ${s.schedule_id}: ${s.job}`);
        await store.run('UPDATE runs SET started_at = make_timestamp($2::BIGINT * 1000) WHERE run_id = $1', [id, started]);
        await finishRun(store, id, code === 0 ? { status: 'ok' } : { status: 'failed', error: `exit code ${code}: ${output.trim().split('\n').pop() ?? ''}` });
        await store.run('UPDATE schedules SET last_run_at = current_timestamp WHERE schedule_id = $1', [s.schedule_id]);
      });
      emit({ scheduleId: s.schedule_id, job: s.job, event: code === 0 ? 'finished' : 'failed', detail: `exit code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s` });
    }
  } finally {
    clearInterval(reloader);
    for (const t of timers.values()) t.timer.stop();
    emit({ event: 'stopped' });
  }
  return { ran, failed };
}

/**
 * Waits until `register`'s callback is called (a job was queued) or the signal aborts. The abort
 * listener is removed either way: the daemon idles many times on one signal, and a listener left
 * behind per wait would pile up for as long as it runs.
 */
export function idle(signal: AbortSignal, register: (wake: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    register(done);
  });
}
