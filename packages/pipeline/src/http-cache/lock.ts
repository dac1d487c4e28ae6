/**
 * One DuckDB connection serves the whole process, so database work from concurrent tasks must not
 * interleave (a BEGIN inside another task's transaction fails). Everything goes through this queue.
 */
export class DbLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
