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
  status: 'writing' | 'done' | 'stale';
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
