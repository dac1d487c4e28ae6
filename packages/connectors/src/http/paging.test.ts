import { describe, expect, it } from 'vitest';
import { cursorPages, nextLinkPages, offsetPages } from './paging.js';

describe('paging strategies', () => {
  it('offset paging stops at total and validates its inputs', async () => {
    const data = Array.from({ length: 23 }, (_, i) => i);
    const pages = [];
    for await (const p of offsetPages(async (o, l) => ({ items: data.slice(o, o + l), total: data.length, raw: null }), { limit: 10 })) pages.push(p);
    expect(pages.map((p) => [p.at, p.next, p.items.length])).toEqual([[0, 10, 10], [10, 20, 10], [20, undefined, 3]]);
    await expect(offsetPages(async () => ({ items: [], raw: null }), { limit: 0 }).next()).rejects.toThrow(/limit/);
  });
  it('cursor paging follows cursors and refuses a repeated one', async () => {
    const seen: (string | undefined)[] = [];
    for await (const p of cursorPages(async (c) => ({ items: [c ?? 'start'], next: c === undefined ? 'a' : c === 'a' ? 'b' : undefined, raw: null }))) seen.push(p.at);
    expect(seen).toEqual([undefined, 'a', 'b']);
    const loop = cursorPages(async () => ({ items: [1], next: 'x', raw: null }), { start: 'x' });
    await expect(loop.next()).rejects.toThrow(/same cursor/);
  });
  it('next-link paging follows links until null', async () => {
    const urls: string[] = [];
    for await (const p of nextLinkPages(async (u) => ({ items: [u], next: u === 'p1' ? 'p2' : null, raw: null }), { first: 'p1' })) urls.push(p.at);
    expect(urls).toEqual(['p1', 'p2']);
  });
});
