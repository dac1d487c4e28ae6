import { describe, expect, it } from 'vitest';
import { declareStream, highWaterOf, keyOf, readAll, type StreamDeclaration } from './declare.js';
import type { StreamPage } from './stream.js';

type Row = { id: string; added_at: string; obj?: { uri: string } };
const rows: Row[] = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, added_at: `2026-01-0${7 - i}T00:00:00Z`, obj: { uri: `u:${i}` } }));

const offsetDecl = (o: Partial<StreamDeclaration<Row>> = {}): StreamDeclaration<Row> => ({
  name: 'rows',
  writeMode: 'merge',
  primaryKey: 'obj.uri',
  highWater: { field: 'added_at', as: 'iso' },
  paginator: { kind: 'offset', limit: 3, fetch: async (offset, limit) => ({ items: rows.slice(offset, offset + limit), total: rows.length, raw: { offset } }) },
  ...o,
});

async function pages<R>(s: { read(from: unknown): AsyncGenerator<StreamPage<R, unknown>> }, from?: unknown) {
  const out: StreamPage<R, unknown>[] = [];
  for await (const p of s.read(from)) out.push(p);
  return out;
}

describe('declared streams', () => {
  it('pages by offset with the declared checkpoint field, and resumes from it or from a bare offset', async () => {
    const s = declareStream(offsetDecl({ checkpoint: 'index' }));
    const all = await pages(s);
    expect(all.map((p) => [p.key, p.offset, p.next, p.records.length])).toEqual([['index=0', 0, { index: 3 }, 3], ['index=3', 3, { index: 6 }, 3], ['index=6', 6, undefined, 1]]);
    expect((await pages(s, { index: 3 })).map((p) => p.offset)).toEqual([3, 6]);
    expect((await pages(s, 6)).map((p) => p.offset)).toEqual([6]);
    await expect(pages(s, { index: 'x' })).rejects.toMatchObject({ code: 'invalid_stream' });
  });

  it('ends a newest-first pass at the first record older than `since`', async () => {
    const all = await pages(declareStream(offsetDecl({ since: '2026-01-03T00:00:00Z' })));
    expect(all.flatMap((p) => p.records.map((r) => r.id))).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(all.at(-1)!.next).toBeUndefined();
    expect(() => declareStream(offsetDecl({ since: 'x', highWater: undefined as never }))).toThrow(/high-water/);
  });

  it('maps items, drops what maps to undefined, and reads keys and marks from the declaration', async () => {
    const s = declareStream<Row, { key: string; at: string }>({
      name: 'mapped', writeMode: 'merge', primaryKey: 'key', highWater: { field: 'at', as: 'epoch_ms' },
      map: (r) => (r.id === 'r1' ? undefined : { key: r.id, at: r.added_at }),
      paginator: { kind: 'page_number', fetch: async (page) => ({ items: rows.slice((page - 1) * 2, page * 2), totalPages: 2, raw: null }) },
    });
    const all = await pages(s);
    expect(all.map((p) => [p.key, p.next])).toEqual([['page=1', { page: 2 }], ['page=2', undefined]]);
    expect(all.flatMap((p) => p.records.map((r) => keyOf(s.declaration, r)))).toEqual(['r0', 'r2', 'r3']);
    expect(highWaterOf(s.declaration, all[1]!.records, Date.parse('2026-01-06T00:00:00Z'))).toBe(Date.parse('2026-01-06T00:00:00Z'));
    expect(highWaterOf(s.declaration, all[0]!.records, null)).toBe(Date.parse('2026-01-07T00:00:00Z'));
  });

  it('follows cursors, stops at a status page, and reads a single answer', async () => {
    const cursor = declareStream<string>({ name: 'c', writeMode: 'merge', paginator: { kind: 'cursor', fetch: async (c) => ({ items: [c ?? 'start'], next: c === undefined ? 'a' : undefined, raw: null }) } });
    expect((await pages(cursor)).map((p) => [p.key, p.next])).toEqual([['after=', { after: 'a' }], ['after=a', undefined]]);
    const forbidden = declareStream<string>({ name: 'f', writeMode: 'replace', paginator: { kind: 'offset', limit: 2, fetch: async () => ({ items: [], raw: null, status: 'forbidden', hasNext: true }) } });
    expect((await pages(forbidden)).map((p) => [p.status, p.next])).toEqual([['forbidden', undefined]]);
    const single = declareStream<number>({ name: 's', writeMode: 'replace', paginator: { kind: 'single', key: 'me', fetch: async () => ({ items: [1, 2], raw: null }) } });
    expect(await readAll(single)).toEqual([1, 2]);
  });
});
