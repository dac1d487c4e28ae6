import type { Migration } from './types.js';

/**
 * The SQL form of @mixtape/core's name normalizer, frozen as this migration installed it. A test
 * checks that it is still what `nameSql` writes: a change of the rules needs a new migration.
 */
export const NAME_KEYS_V2_MT_NORM =
  "regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(strip_accents(regexp_replace(lower(coalesce(s, '')), 'ς', 'σ', 'g')), '&', ' and ', 'g'), '[''’‘`´ʼ]', '', 'g'), '[^\\p{L}\\p{N}]+', ' ', 'g'), '^ | $', '', 'g'), '^the ', '', 'g')";

/**
 * Migration 3: one name normalizer (issue 13). `mt_norm` becomes the rule every package uses
 * (punctuation is a space, apostrophes join, "&" is "and", a leading "the" goes) and every key
 * stored under the old rule is recomputed. Ids do not change: tracks and artists keep the ids their
 * first key gave them, and resolution finds artists by their stored key (see identity/artist-id.ts).
 */
export const nameKeyMigrations: Migration[] = [
  {
    id: 3,
    name: 'one name normalizer: recompute name keys',
    sql: `
CREATE OR REPLACE MACRO mt_norm(s) AS ${NAME_KEYS_V2_MT_NORM};
UPDATE artists SET name_key = mt_norm(name);
UPDATE tracks SET name_key = mt_name_key(kind, artist_name, title);
-- A track keeps the key of its own first names; other spellings seen beside its strong ids cannot
-- be recomputed (their text was never stored). Where two tracks now share a key, the older owns it.
DELETE FROM track_keys WHERE key_type = 'name';
INSERT INTO track_keys
SELECT 'name', name_key, arg_min(track_id, (created_at, track_id)) FROM tracks WHERE name_key IS NOT NULL GROUP BY name_key;
-- Library items that matched no track are identified by their normalized names.
CREATE OR REPLACE TEMP TABLE _m3_library AS
SELECT * REPLACE ('name:' || mt_norm(artist_name) || '|' || mt_norm(name) AS item_id) FROM library WHERE item_id LIKE 'name:%';
DELETE FROM library WHERE item_id LIKE 'name:%';
INSERT OR IGNORE INTO library SELECT * FROM _m3_library ORDER BY source, kind, item_id, added_at NULLS LAST;
DROP TABLE _m3_library;
`,
  },
];
