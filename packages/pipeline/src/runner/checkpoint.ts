import type { Store } from '../store/store.js';

/**
 * The saved state of one stream. `cursor` is where an unfinished run resumes (null when the last
 * run finished); `pending` is the high-water mark the unfinished run has seen so far; `hwm` is the
 * mark of the last finished run, the only one later runs trust.
 */
export interface CheckpointState<C = unknown, H = unknown> {
  v: 1;
  cursor: C | null;
  pending: H | null;
  hwm: H | null;
  /** When the pass now in progress started; raw pages of a pass are kept under it. */
  pass?: string | null;
}

const EMPTY: CheckpointState<never, never> = { v: 1, cursor: null, pending: null, hwm: null };

/** Reads a stream's state; older or unknown shapes are upgraded (a bare object is taken as a cursor). */
export async function readCheckpoint<C, H>(store: Store, stream: string): Promise<CheckpointState<C, H>> {
  const row = await store.one<{ state: unknown }>('SELECT state FROM checkpoints WHERE stream = $1', [stream]);
  if (!row) return { ...EMPTY };
  return upgradeCheckpoint<C, H>(row.state);
}

/** Upgrades any stored shape to the current one; never throws. */
export function upgradeCheckpoint<C, H>(raw: unknown): CheckpointState<C, H> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ...EMPTY };
    }
  }
  if (!value || typeof value !== 'object') return { ...EMPTY };
  const o = value as Record<string, unknown>;
  if (o.v === 1) return { v: 1, cursor: (o.cursor ?? null) as C | null, pending: (o.pending ?? null) as H | null, hwm: (o.hwm ?? null) as H | null, pass: typeof o.pass === 'string' ? o.pass : null };
  // Version 0 (no `v`): the whole object was the resume cursor.
  return { v: 1, cursor: value as C, pending: null, hwm: null };
}

export async function writeCheckpoint(store: Store, stream: string, state: CheckpointState): Promise<void> {
  await store.run(
    `INSERT INTO checkpoints (stream, state, updated_at) VALUES ($1, $2, current_timestamp)
     ON CONFLICT (stream) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    [stream, JSON.stringify(state)],
  );
}
