import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStore } from '../store/store.js';
import { tempDir } from '../test/helpers.js';
import { idle, runDaemon, type DaemonEvent } from './daemon.js';
import { addSchedule, jobArgs, listSchedules, missedRuns, removeSchedule } from './schedules.js';

describe('schedules', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('adds, lists with the next run, and removes; refuses bad cron and unknown jobs', async () => {
    await withStore({ dataDir: dir }, async (store) => {
      const s = await addSchedule(store, '0 4 * * *', 'run --phases export,enrich');
      expect(s).toMatchObject({ schedule_id: 1, cron: '0 4 * * *', job: 'run --phases export,enrich', last_run_at: null });
      expect(new Date(s.next_run_at!).getTime()).toBeGreaterThan(Date.now());
      await expect(addSchedule(store, 'every day', 'run')).rejects.toMatchObject({ code: 'bad_cron' });
      await expect(addSchedule(store, '@daily', 'rm -rf /')).rejects.toMatchObject({ code: 'bad_job' });
      await removeSchedule(store, 1);
      expect(await listSchedules(store)).toEqual([]);
      await expect(removeSchedule(store, 1)).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  it('splits job lines with quotes and counts missed runs', () => {
    expect(jobArgs(`import scrobbles "/my music/x.csv" --format lastfm-csv`)).toEqual(['import', 'scrobbles', '/my music/x.csv', '--format', 'lastfm-csv']);
    expect(missedRuns('0 * * * *', new Date('2026-01-01T10:30:00'), new Date('2026-01-01T13:10:00'))).toBe(3);
    expect(missedRuns('0 * * * *', new Date('2026-01-01T10:30:00'), new Date('2026-01-01T10:59:00'))).toBe(0);
  });

  it('daemon: runs due jobs one at a time, skips overlaps, records runs, reports missed runs', async () => {
    await withStore({ dataDir: dir }, async (store) => {
      await addSchedule(store, '* * * * * *', 'run --phases train');
      await addSchedule(store, '0 * * * *', 'enrich');
      await store.run("UPDATE schedules SET created_at = current_timestamp - INTERVAL 3 HOUR WHERE schedule_id = 2");
      // Schedule 1 fires every second: dated ahead, so none of its runs is missed before the daemon starts, however slow the machine.
      await store.run("UPDATE schedules SET created_at = current_timestamp + INTERVAL 1 HOUR WHERE schedule_id = 1");
    });
    // No clock: the test fires schedule 1 itself and decides when each job ends.
    const events: DaemonEvent[] = [];
    const waiting: Array<{ until: () => boolean; resolve: () => void }> = [];
    const until = (cond: () => boolean) => new Promise<void>((resolve) => (cond() ? resolve() : waiting.push({ until: cond, resolve })));
    const settle = () => {
      for (const w of [...waiting]) {
        if (!w.until()) continue;
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    };
    const count = (event: DaemonEvent['event']) => events.filter((e) => e.event === event).length;
    const fire = new Map<string, () => void>();
    const controller = new AbortController();
    let running = 0;
    let maxRunning = 0;
    const calls: string[][] = [];
    // The worker idles before each job: no abort listener may outlive its wait.
    const listeners: number[] = [];
    const finish: Array<(code: number) => void> = [];
    const result = runDaemon({
      store: { dataDir: dir },
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        settle();
      },
      startTimer: (cron, f) => {
        fire.set(cron, f);
        return { stop: () => fire.delete(cron) };
      },
      runJob: (args) => new Promise((resolve) => {
        calls.push(args);
        listeners.push(getEventListeners(controller.signal, 'abort').length);
        running++;
        maxRunning = Math.max(maxRunning, running);
        finish.push((code) => {
          running--;
          resolve({ code, output: 'done' });
        });
        settle();
      }),
    });
    await until(() => count('started') === 1);
    fire.get('* * * * * *')!();
    await until(() => calls.length === 1);
    // Due again while still running: not queued a second time.
    fire.get('* * * * * *')!();
    expect(count('skipped')).toBe(1);
    finish[0]!(0);
    await until(() => count('finished') === 1);
    fire.get('* * * * * *')!();
    await until(() => calls.length === 2);
    finish[1]!(3);
    await until(() => count('failed') === 1);
    controller.abort();
    const { ran, failed } = await result;
    expect({ ran, failed, maxRunning }).toEqual({ ran: 1, failed: 1, maxRunning: 1 });
    expect(calls).toEqual([['run', '--phases', 'train'], ['run', '--phases', 'train']]);
    expect(fire.size).toBe(0);
    expect(events.filter((e) => e.event === 'missed')).toEqual([expect.objectContaining({ scheduleId: 2, detail: expect.stringMatching(/^3 run\(s\) missed/) })]);
    expect(listeners).toEqual(calls.map(() => 0));
    await withStore({ dataDir: dir }, async (store) => {
      const runs = await store.all<{ job: string; status: string }>('SELECT job, status FROM runs ORDER BY run_id');
      expect(runs).toEqual([
        { job: 'schedule 2: enrich', status: 'stopped' },
        { job: 'schedule 1: run --phases train', status: 'ok' },
        { job: 'schedule 1: run --phases train', status: 'failed' },
      ]);
      expect((await listSchedules(store))[0]!.last_run_at).not.toBeNull();
    });
  });

  it('idles any number of times on one signal without piling up abort listeners', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 50; i++) await idle(controller.signal, (wake) => setImmediate(wake));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const waiting = idle(controller.signal, () => {});
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await waiting;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await idle(controller.signal, () => {});
  });
});

