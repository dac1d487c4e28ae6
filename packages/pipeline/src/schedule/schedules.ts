import { Cron } from 'croner';
import { MixtapeError } from '@mixtape/core';
import type { Store } from '../store/store.js';

export interface Schedule {
  schedule_id: number;
  cron: string;
  job: string;
  created_at: string;
  last_run_at: string | null;
  next_run_at: string | null;
}

/** Top-level commands a schedule may run; anything else is refused when it is added. */
export const SCHEDULABLE = ['run', 'export', 'enrich', 'import', 'train', 'recommend', 'playlist', 'federation', 'daily'];

/** Jobs `mixtape schedule add NAME` knows by name, with their default time. */
export const BUILTIN_SCHEDULES: Record<string, { job: string; cron: string; about: string }> = {
  daily: { job: 'daily', cron: '0 6 * * *', about: 'sync new listens and refresh the daily playlist, 06:00 local time' },
};

/** A built-in schedule's cron and job; `at` ("HH:MM", local time) moves it. */
export function builtinSchedule(name: string, at?: string): { cron: string; job: string } {
  const b = BUILTIN_SCHEDULES[name];
  if (!b) throw new MixtapeError('bad_job', `There is no built-in schedule "${name}"`, { suggestion: `use one of ${Object.keys(BUILTIN_SCHEDULES).join(', ')}, or give a cron expression and a job` });
  if (at === undefined) return { cron: b.cron, job: b.job };
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new MixtapeError('bad_cron', `"${at}" is not a time of day`, { suggestion: 'use HH:MM in 24-hour local time, e.g. --at 06:30' });
  return { cron: `${Number(m[2])} ${Number(m[1])} * * *`, job: b.job };
}

/** Splits a job line like `run --phases export,enrich` into arguments (quotes respected). */
export function jobArgs(job: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(job); m; m = re.exec(job)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** Validates a cron expression (5 or 6 fields, or @daily-style nicknames) with croner. */
export function parseCron(expr: string): Cron {
  try {
    return new Cron(expr, { paused: true });
  } catch (cause) {
    throw new MixtapeError('bad_cron', `"${expr}" is not a cron expression: ${(cause as Error).message}`, {
      suggestion: 'use five fields, minute hour day-of-month month day-of-week, e.g. "0 4 * * *" for 04:00 daily, or @daily',
      cause,
    });
  }
}

function nextRun(cron: string, from?: Date): string | null {
  const next = parseCron(cron).nextRun(from);
  return next ? next.toISOString() : null;
}

export async function addSchedule(store: Store, cron: string, job: string): Promise<Schedule> {
  parseCron(cron);
  const args = jobArgs(job);
  if (args.length === 0 || !SCHEDULABLE.includes(args[0]!)) {
    throw new MixtapeError('bad_job', `"${job}" is not a job mixtape can schedule`, {
      suggestion: `start the job with one of: ${SCHEDULABLE.join(', ')} (e.g. "run --phases export,enrich,train")`,
    });
  }
  const id = Number(await store.scalar('INSERT INTO schedules (cron, job) VALUES ($1, $2) RETURNING schedule_id', [cron, job]));
  return (await listSchedules(store)).find((s) => s.schedule_id === id)!;
}

export async function listSchedules(store: Store): Promise<Schedule[]> {
  const rows = await store.all<Omit<Schedule, 'next_run_at'>>('SELECT schedule_id, cron, job, created_at, last_run_at FROM schedules ORDER BY schedule_id');
  return rows.map((r) => ({ ...r, next_run_at: nextRun(r.cron) }));
}

export async function removeSchedule(store: Store, id: number): Promise<Schedule> {
  const found = (await listSchedules(store)).find((s) => s.schedule_id === id);
  if (!found) throw new MixtapeError('not_found', `No schedule with id ${id}`, { suggestion: 'see the ids with `mixtape schedule list`' });
  await store.run('DELETE FROM schedules WHERE schedule_id = $1', [id]);
  return found;
}

/** How many times `cron` should have fired after `since` and before `now` (capped). */
export function missedRuns(cron: string, since: Date, now: Date, cap = 1000): number {
  const c = parseCron(cron);
  let n = 0;
  for (let t = c.nextRun(since); t && t < now && n < cap; t = c.nextRun(t)) n++;
  return n;
}
