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
  /** The URL the page came from, where the fetch says. */
  url?: string;
  /** A status the fetch reported (e.g. 'forbidden'): such a page is the last. */
  status?: string;
}

/** What every fetch may return besides its items: the raw body, a total, its URL, a status. */
export interface Fetched<T> {
  items: T[];
  raw: unknown;
  total?: number | undefined;
  url?: string | undefined;
  status?: string | undefined;
}

function extras<T, C>(page: Page<T, C>, r: Fetched<T>): Page<T, C> {
  if (r.total !== undefined) page.total = r.total;
  if (r.url) page.url = r.url;
  if (r.status) {
    page.status = r.status;
    page.next = undefined;
  }
  return page;
}

/** Upper bound on pages of one stream: a safety net against a server that never says "last". */
export const MAX_PAGES = 1_000_000;

function check(cond: boolean, what: string): void {
  if (!cond) throw new MixtapeError('invalid_paging', `paging: ${what}`, { suggestion: 'this is a bug in the connector; report it' });
}

/** Offset paging: fetch(offset, limit) until a short page or `total` is reached. */
export async function* offsetPages<T>(
  fetch: (offset: number, limit: number) => Promise<Fetched<T> & { hasNext?: boolean | undefined }>,
  opts: { limit: number; start?: number },
): AsyncGenerator<Page<T, number>> {
  check(Number.isInteger(opts.limit) && opts.limit > 0, 'limit must be a positive integer');
  let offset = opts.start ?? 0;
  check(Number.isInteger(offset) && offset >= 0, 'start must be a non-negative integer');
  for (let n = 0; n < MAX_PAGES; n++) {
    const r = await fetch(offset, opts.limit);
    const nextOffset = offset + r.items.length;
    const more = r.hasNext ?? (r.total !== undefined ? nextOffset < r.total : r.items.length === opts.limit);
    const page = extras<T, number>({ items: r.items, raw: r.raw, at: offset, next: more && r.items.length > 0 ? nextOffset : undefined }, r);
    yield page;
    if (page.next === undefined) return;
    offset = page.next;
  }
}

/** Cursor paging (Spotify `cursors.after`): fetch(cursor) until the server gives no next cursor. */
export async function* cursorPages<T>(
  fetch: (cursor: string | undefined) => Promise<Fetched<T> & { next: string | undefined }>,
  opts: { start?: string | undefined } = {},
): AsyncGenerator<Page<T, string | undefined>> {
  let cursor = opts.start;
  for (let n = 0; n < MAX_PAGES; n++) {
    const r = await fetch(cursor);
    check(r.next === undefined || r.next !== cursor, 'the server repeated the same cursor');
    const page = extras<T, string | undefined>({ items: r.items, raw: r.raw, at: cursor, next: r.items.length > 0 ? r.next : undefined }, r);
    yield page;
    if (page.next === undefined) return;
    cursor = page.next;
  }
}

/** Next-link paging: follow the `next` URL the server gives until it is null. */
export async function* nextLinkPages<T>(
  fetch: (url: string) => Promise<Fetched<T> & { next: string | null | undefined }>,
  opts: { first: string },
): AsyncGenerator<Page<T, string>> {
  check(opts.first.length > 0, 'first URL must not be empty');
  let url = opts.first;
  for (let n = 0; n < MAX_PAGES; n++) {
    const r = await fetch(url);
    const next = r.next ?? undefined;
    check(next !== url, 'the server linked a page to itself');
    const page = extras<T, string>({ items: r.items, raw: r.raw, at: url, next }, r);
    yield page;
    if (page.next === undefined) return;
    url = page.next;
  }
}

/** Page-number paging (Last.fm): fetch(page) from 1 until the server's totalPages is reached. */
export async function* pageNumberPages<T>(
  fetch: (page: number) => Promise<Fetched<T> & { totalPages: number }>,
  opts: { start?: number } = {},
): AsyncGenerator<Page<T, number>> {
  const start = opts.start ?? 1;
  check(Number.isInteger(start) && start >= 1, 'start page must be an integer from 1');
  for (let page = start; page < start + MAX_PAGES; page++) {
    const r = await fetch(page);
    const p = extras<T, number>({ items: r.items, raw: r.raw, at: page, next: page < r.totalPages ? page + 1 : undefined }, r);
    yield p;
    if (p.next === undefined) return;
  }
}
