/**
 * One page of a stream as the runner sees it: records to write, the raw body to keep, and the
 * checkpoint that resumes right after this page (undefined once the stream is finished).
 */
export interface StreamPage<R, C> {
  records: R[];
  raw: unknown;
  /** Stable key of this page within its stream (offset, cursor, URL): raw pages are kept under it. */
  key: string;
  url?: string;
  /** Index of the page's first record in the stream, where the paginator counts by offset. */
  offset?: number;
  next: C | undefined;
  total?: number;
  /** A per-stream status worth reporting (e.g. 'forbidden' for a playlist the user cannot read). */
  status?: string;
}

/** A stream: a name and a reader that starts from a checkpoint and yields pages. */
export interface Stream<R, C> {
  name: string;
  read(from: C | undefined): AsyncGenerator<StreamPage<R, C>>;
}
