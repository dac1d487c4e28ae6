import { MixtapeError } from '@mixtape/core';
import { cursorPages, nextLinkPages, offsetPages, pageNumberPages, type Fetched, type Page } from './paging.js';
import type { Stream, StreamPage } from './stream.js';

/**
 * How a stream's rows land in the store: `append` adds events (plays), `merge` upserts by primary
 * key (a pass may stop early at the high-water mark), `replace` rewrites the whole set each pass.
 */
export type WriteMode = 'append' | 'merge' | 'replace';

/**
 * How pages follow each other. Each kind is one of the strategies of paging.ts; `single` is an
 * endpoint with one answer. A time window is not a paginator of its own: it is the `window` of the
 * declaration, fixed for a pass (kept in the checkpoint) so that page numbers keep meaning the same rows.
 */
export type Paginator<T> =
  | { kind: 'offset'; limit: number; fetch: (offset: number, limit: number) => Promise<Fetched<T> & { hasNext?: boolean | undefined }> }
  | { kind: 'cursor'; fetch: (cursor: string | undefined) => Promise<Fetched<T> & { next: string | undefined }> }
  | { kind: 'next_link'; first: string; fetch: (url: string) => Promise<Fetched<T> & { next: string | null | undefined }> }
  | { kind: 'page_number'; fetch: (page: number) => Promise<Fetched<T> & { totalPages: number }> }
  | { kind: 'single'; key: string; fetch: () => Promise<Fetched<T>> };

/** Where an unfinished pass resumes: `{ [checkpoint field]: offset | cursor | page | URL }`. */
export type Checkpoint = Record<string, string | number>;

/** A stream as data: the runner pages, checkpoints and commits it; the connector only says what it is. */
export interface StreamDeclaration<T, R = T> {
  name: string;
  paginator: Paginator<T>;
  writeMode: WriteMode;
  /** Dotted path of a record's identity (`album.uri`): what a full pass compares with the store. */
  primaryKey?: string;
  /** Name of the checkpoint's field; by default offset, after, url or page after the paginator. */
  checkpoint?: string;
  /** Record field whose maximum is the stream's high-water mark: an ISO time or one read as epoch ms. */
  highWater?: { field: string; as: 'iso' | 'epoch_ms' };
  /** Newest-first lists: the pass ends at the first record whose high-water field is older than this. */
  since?: string | number | undefined;
  /** The fixed time window of a pass (seconds); the runner keeps it as the pass's pending mark. */
  window?: { from: number; to: number };
  /** Raw item to record; undefined drops the item (e.g. a now-playing row). */
  map?: (item: T) => R | undefined;
}

/** A declared stream: the runner's Stream, with its declaration for what the runner derives from it. */
export type DeclaredStream<R> = Stream<R, Checkpoint> & { declaration: StreamDeclaration<unknown, R> };

const DEFAULT_FIELD = { offset: 'offset', cursor: 'after', next_link: 'url', page_number: 'page', single: 'at' } as const;

function invalid(what: string): MixtapeError {
  return new MixtapeError('invalid_stream', `stream declaration: ${what}`, { suggestion: 'this is a bug in the connector; report it' });
}

/** Reads a dotted path (`track.uri`) of a record. */
export function fieldOf(record: unknown, path: string): unknown {
  let v: unknown = record;
  for (const part of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** A record's primary key as text, or undefined when the declaration has none or the record lacks it. */
export function keyOf<R>(decl: StreamDeclaration<unknown, R>, record: R): string | undefined {
  if (decl.primaryKey === undefined) return undefined;
  const v = fieldOf(record, decl.primaryKey);
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The high-water value of one record, comparable with `<`. */
function markOf(decl: StreamDeclaration<unknown, unknown>, record: unknown): string | number | undefined {
  if (!decl.highWater) return undefined;
  const v = fieldOf(record, decl.highWater.field);
  if (typeof v !== 'string' || v === '') return undefined;
  if (decl.highWater.as === 'iso') return v;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Folds a page's records into the high-water mark being built (the largest value seen). */
export function highWaterOf<R>(decl: StreamDeclaration<unknown, R>, records: R[], pending: string | number | null): string | number | null {
  let m = pending;
  for (const r of records) {
    const v = markOf(decl, r);
    if (v !== undefined && (m === null || v > m)) m = v;
  }
  return m;
}

/** The start of a resumed pass: the checkpoint's field, or a bare value (the shape older runs saved). */
function resumeAt(from: unknown, field: string): string | number | undefined {
  if (typeof from === 'string' || typeof from === 'number') return from;
  if (from !== null && typeof from === 'object') {
    const v = (from as Record<string, unknown>)[field];
    if (typeof v === 'string' || typeof v === 'number') return v;
  }
  return undefined;
}

function pagesOf<T>(p: Paginator<T>, start: string | number | undefined): AsyncGenerator<Page<T, string | number | undefined>> {
  switch (p.kind) {
    case 'offset':
      if (start !== undefined && typeof start !== 'number') throw invalid('an offset checkpoint must be a number');
      return offsetPages<T>(p.fetch, { limit: p.limit, start: start ?? 0 });
    case 'cursor':
      return cursorPages<T>(p.fetch, { start: start === undefined ? undefined : String(start) });
    case 'next_link':
      return nextLinkPages<T>(p.fetch, { first: start === undefined ? p.first : String(start) });
    case 'page_number':
      if (start !== undefined && typeof start !== 'number') throw invalid('a page checkpoint must be a number');
      return pageNumberPages<T>(p.fetch, { start: start ?? 1 });
    case 'single':
      return (async function* () {
        const r = await p.fetch();
        const page: Page<T, string | number | undefined> = { items: r.items, raw: r.raw, at: p.key, next: undefined };
        if (r.total !== undefined) page.total = r.total;
        if (r.url) page.url = r.url;
        if (r.status) page.status = r.status;
        yield page;
      })();
  }
}

/** Turns a declaration into the stream the runner reads: pages mapped, cut at `since`, checkpointed by field. */
export function declareStream<T, R = T>(decl: StreamDeclaration<T, R>): DeclaredStream<R> {
  const field = decl.checkpoint ?? DEFAULT_FIELD[decl.paginator.kind];
  if (decl.since !== undefined && !decl.highWater) throw invalid(`${decl.name} has "since" but no high-water field`);
  return {
    name: decl.name,
    declaration: decl as StreamDeclaration<unknown, R>,
    async *read(from) {
      for await (const p of pagesOf(decl.paginator, resumeAt(from, field))) {
        const mapped = decl.map ? p.items.map(decl.map).filter((r): r is R => r !== undefined) : (p.items as unknown as R[]);
        const since = decl.since;
        const records = since === undefined ? mapped : mapped.filter((r) => (markOf(decl as StreamDeclaration<unknown, unknown>, r) ?? since) >= since);
        const stop = records.length < mapped.length;
        const page: StreamPage<R, Checkpoint> = { records, raw: p.raw, key: `${field}=${p.at ?? ''}`, next: stop || p.next === undefined ? undefined : { [field]: p.next } };
        if (decl.paginator.kind === 'offset') page.offset = p.at as number;
        if (p.total !== undefined) page.total = p.total;
        if (p.status) page.status = p.status;
        if (p.url) page.url = p.url;
        yield page;
        if (page.next === undefined) return;
      }
    },
  };
}

/** Reads a declared stream whole into memory: for small lists that are looked at, not stored. */
export async function readAll<R>(stream: Stream<R, unknown>, onPage?: (soFar: number) => void): Promise<R[]> {
  const out: R[] = [];
  for await (const p of stream.read(undefined)) {
    out.push(...p.records);
    onPage?.(out.length);
  }
  return out;
}
