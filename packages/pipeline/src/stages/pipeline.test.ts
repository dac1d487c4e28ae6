import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MixtapeError } from '@mixtape/core';
import { withStore } from '../store/store.js';
import { tempDir } from '../test/helpers.js';
import { parsePhases, runPipeline, type Phase, type Stage } from './pipeline.js';

function fakeStages(calls: string[], failOnce: Set<string>, blocked = new Set<string>()): Record<Phase, Stage> {
  const make = (p: Phase, n: number): Stage => ({
    reads: [],
    writes: [],
    check: async () => {
      if (blocked.has(p)) throw new MixtapeError('not_logged_in', `${p} needs a login`);
    },
    run: async () => {
      calls.push(p);
      if (failOnce.delete(p)) throw new MixtapeError('service_unavailable', `${p} failed`);
      return { rowsIn: n, rowsOut: n * 2, detail: `${p} ok` };
    },
  });
  return { export: make('export', 1), enrich: make('enrich', 2), train: make('train', 3), publish: make('publish', 4), pull: make('pull', 6), push: make('push', 5) };
}

describe('mixtape run', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('orders phases and refuses unknown ones', () => {
    expect(parsePhases('train,export')).toEqual(['export', 'train']);
    expect(parsePhases('push,pull,publish')).toEqual(['publish', 'pull', 'push']);
    expect(() => parsePhases('export,dance')).toThrow(expect.objectContaining({ code: 'unknown_phase' }));
  });

  it('resumes at the stage that failed, without repeating earlier ones', async () => {
    const calls: string[] = [];
    const stages = fakeStages(calls, new Set(['train']));
    const phases = parsePhases('export,enrich,train,push');
    const first = await runPipeline(phases, stages, { store: { dataDir: dir } });
    expect(first.ok).toBe(false);
    expect(first.stages.map((s) => s.status)).toEqual(['ok', 'ok', 'failed', 'skipped']);
    expect(first.stages[2]!.detail).toBe('service_unavailable: train failed');
    const second = await runPipeline(phases, stages, { store: { dataDir: dir } });
    expect(second).toMatchObject({ ok: true, resumed: true, pipelineId: first.pipelineId });
    expect(second.stages.map((s) => [s.stage, s.status, s.rowsOut])).toEqual([
      ['export', 'skipped', null], ['enrich', 'skipped', null], ['train', 'ok', 6], ['push', 'ok', 10],
    ]);
    expect(calls).toEqual(['export', 'enrich', 'train', 'train', 'push']);
    // A third run starts over: the last one finished.
    const third = await runPipeline(phases, stages, { store: { dataDir: dir } });
    expect(third.resumed).toBe(false);
    await withStore({ dataDir: dir }, async (store) => {
      expect(await store.scalar("SELECT count(*) FROM runs WHERE job = 'run train' AND status = 'failed'")).toBe(1);
    });
  });

  it('checks the whole plan before running anything', async () => {
    const calls: string[] = [];
    await expect(runPipeline(parsePhases('export,push'), fakeStages(calls, new Set(), new Set(['push'])), { store: { dataDir: dir } }))
      .rejects.toMatchObject({ code: 'not_logged_in' });
    expect(calls).toEqual([]);
  });

  it('fails a stage that writes a table it does not declare, and refuses a plan naming a table the store lacks', async () => {
    const calls: string[] = [];
    const stages = fakeStages(calls, new Set());
    // Push writes a schedule: a table it does not declare.
    const sneaky: Stage = {
      ...stages.push,
      writes: ['recommendations'],
      run: async () => {
        await withStore({ dataDir: dir }, (store) => store.run(`INSERT INTO schedules (schedule_id, cron, job) VALUES (7, '@daily', 'run')`));
        return { rowsIn: 1, rowsOut: 1, detail: 'done' };
      },
    };
    const r = await runPipeline(parsePhases('train,push'), { ...stages, push: sneaky }, { store: { dataDir: dir } });
    expect(r.ok).toBe(false);
    expect(r.stages.map((s) => [s.stage, s.status, s.detail])).toEqual([
      ['train', 'ok', 'train ok'],
      ['push', 'failed', 'stage_undeclared_write: The push stage wrote schedules, which it does not declare'],
    ]);
    // Declared, the same write passes (the retried stage writes the row again, under another id).
    const honest: Stage = { ...sneaky, writes: ['recommendations', 'schedules'], run: async () => {
      await withStore({ dataDir: dir }, (store) => store.run(`INSERT INTO schedules (schedule_id, cron, job) VALUES (8, '@daily', 'run')`));
      return { rowsIn: 1, rowsOut: 1, detail: 'done' };
    } };
    expect((await runPipeline(parsePhases('train,push'), { ...stages, push: honest }, { store: { dataDir: dir } })).ok).toBe(true);
    await expect(runPipeline(parsePhases('push'), { ...stages, push: { ...honest, reads: ['plays', 'playz'] } }, { store: { dataDir: dir } }))
      .rejects.toMatchObject({ code: 'stage_unknown_table', message: 'The push stage declares playz, which the store does not have' });
  });
});
