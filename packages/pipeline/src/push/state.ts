import type { Store } from '../store/store.js';

/** What is remembered about one part of a playlist pushed to one target. */
export interface PushState {
  playlist_id: string;
  target: string;
  part: number;
  parts: number;
  remote_id: string | null;
  name: string | null;
  content_hash: string | null;
  total: number;
  written: number;
  based: boolean;
  /** `creating`: a create was about to be sent; the remote id is not known yet. */
  status: 'creating' | 'writing' | 'done' | 'stale';
}

/** The remembered parts of a playlist on a target, by part number. */
export async function readStates(store: Store, playlistId: string, target: string): Promise<Map<number, PushState>> {
  const rows = await store.all<PushState>('SELECT * EXCLUDE (updated_at) FROM playlist_pushes WHERE playlist_id = $1 AND target = $2 ORDER BY part', [playlistId, target]);
  return new Map(rows.map((r) => [r.part, r]));
}

/**
 * Saves a part's state; each call commits on its own, so it is the checkpoint after a request.
 * An UPDATE in place (a few ms) where the row exists: INSERT OR REPLACE costs twice that per request.
 */
export async function saveState(store: Store, s: PushState): Promise<void> {
  const updated = await store.all(
    `UPDATE playlist_pushes SET parts = $4, remote_id = $5, name = $6, content_hash = $7, total = $8, written = $9, based = $10, status = $11, updated_at = current_timestamp
     WHERE playlist_id = $1 AND target = $2 AND part = $3 RETURNING part`,
    [s.playlist_id, s.target, s.part, s.parts, s.remote_id, s.name, s.content_hash, s.total, s.written, s.based, s.status],
  );
  if (updated.length > 0) return;
  await store.run(
    `INSERT INTO playlist_pushes (playlist_id, target, part, parts, remote_id, name, content_hash, total, written, based, status, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, current_timestamp)`,
    [s.playlist_id, s.target, s.part, s.parts, s.remote_id, s.name, s.content_hash, s.total, s.written, s.based, s.status],
  );
}

/** Every remembered push of a playlist (for `playlist show`). */
export async function pushesOf(store: Store, playlistId: string): Promise<PushState[]> {
  return store.all<PushState>('SELECT * EXCLUDE (updated_at) FROM playlist_pushes WHERE playlist_id = $1 ORDER BY target, part', [playlistId]);
}

/** When a part's state was last saved (epoch ms, UTC): for a `creating` row, when the create was sent. */
export async function stateTime(store: Store, playlistId: string, target: string, part: number): Promise<number | undefined> {
  const t = await store.scalar<number | null>('SELECT epoch_ms(updated_at) FROM playlist_pushes WHERE playlist_id = $1 AND target = $2 AND part = $3', [playlistId, target, part]);
  return t === null || t === undefined ? undefined : Number(t);
}

/** Remote playlists that some push to this target records. */
export async function recordedRemotes(store: Store, target: string): Promise<Set<string>> {
  return new Set((await store.all<{ remote_id: string }>('SELECT remote_id FROM playlist_pushes WHERE target = $1 AND remote_id IS NOT NULL', [target])).map((r) => r.remote_id));
}
