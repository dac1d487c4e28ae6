import { MixtapeError } from '@mixtape/core';

/** A page as a stream yields it: the items, the raw body, and where the next one starts. */
export interface Page<T, C> {
  items: T[];
  raw: unknown;
  /** The checkpoint that resumes after this page; undefined when this was the last page. */
  next: C | undefined;
  /** Where this page started (offset, cursor or URL), for the raw-page key. */
  at: C;
  total?: number;
}

/** Upper bound on pages of one stream: a safety net against a server that never says "last". */
export const MAX_PAGES = 1_000_000;

function check(cond: boolean, what: string): void {
  if (!cond) throw new MixtapeError('invalid_paging', `paging: ${what}`, { suggestion: 'this is a bug in the connector; report it' });
}

/** Offset paging: fetch(offset, limit) until a short page or `total` is reached. */
export async function* offsetPages<T>(
  fetch: (offset: number, limit: number) => Promise<{ items: T[]; total?: number | undefined; raw: unknown; hasNext?: boolean }>,
  opts: { limit: number; start?: number },
): AsyncGenerator<Page<T, number>> {
  check(Number.isInteger(opts.limit) && opts.limit > 0, 'limit must be a positive integer');
  let offset = opts.start ?? 0;
  check(Number.isInteger(offset) && offset >= 0, 'start must be a non-negative integer');
  for (let n = 0; n < MAX_PAGES; n++) {
    const r = await fetch(offset, opts.limit);
    const nextOffset = offset + r.items.length;
    const more = r.hasNext ?? (r.total !== undefined ? nextOffset < r.total : r.items.length === opts.limit);
    const page: Page<T, number> = { items: r.items, raw: r.raw, at: offset, next: more && r.items.length > 0 ? nextOffset : undefined };
    if (r.total !== undefined) page.total = r.total;
    yield page;
    if (page.next === undefined) return;
    offset = page.next;
  }
}

/** Cursor paging (Spotify `cursors.after`): fetch(cursor) until the server gives no next cursor. */
export async function* cursorPages<T>(
  fetch: (cursor: string | undefined) => Promise<{ items: T[]; next: string | undefined; raw: unknown; total?: number | undefined }>,
  opts: { start?: string | undefined } = {},
): AsyncGenerator<Page<T, string | undefined>> {
  let cursor = opts.start;
  for (let n = 0; n < MAX_PAGES; n++) {
    const r = await fetch(cursor);
    check(r.next === undefined || r.next !== cursor, 'the server repeated the same cursor');
    const page: Page<T, string | undefined> = { items: r.items, raw: r.raw, at: cursor, next: r.items.length > 0 ? r.next : undefined };
    if (r.total !== undefined) page.total = r.total;
    yield page;
    if (page.next === undefined) return;
    cursor = page.next;
  }
}

/** Next-link paging: follow the `next` URL the server gives until it is null. */
export async function* nextLinkPages<T>(
  fetch: (url: string) => Promise<{ items: T[]; next: string | null | undefined; raw: unknown; total?: number | undefined }>,
  opts: { first: string },
): AsyncGenerator<Page<T, string>> {
  check(opts.first.length > 0, 'first URL must not be empty');
  let url = opts.first;
  for (let n = 0; n < MAX_PAGES; n++) {
    const r = await fetch(url);
    const next = r.next ?? undefined;
    check(next !== url, 'the server linked a page to itself');
    const page: Page<T, string> = { items: r.items, raw: r.raw, at: url, next };
    if (r.total !== undefined) page.total = r.total;
    yield page;
    if (next === undefined) return;
    url = next;
  }
}

/** Page-number paging (Last.fm): fetch(page) from 1 until the server's totalPages is reached. */
export async function* pageNumberPages<T>(
  fetch: (page: number) => Promise<{ items: T[]; totalPages: number; raw: unknown; total?: number | undefined }>,
  opts: { start?: number } = {},
): AsyncGenerator<Page<T, number>> {
  const start = opts.start ?? 1;
  check(Number.isInteger(start) && start >= 1, 'start page must be an integer from 1');
  for (let page = start; page < start + MAX_PAGES; page++) {
    const r = await fetch(page);
    const p: Page<T, number> = { items: r.items, raw: r.raw, at: page, next: page < r.totalPages ? page + 1 : undefined };
    if (r.total !== undefined) p.total = r.total;
    yield p;
    if (p.next === undefined) return;
  }
}
