/**
 * The artist id for a name, as SQL over the expression `name`: the artist already stored under
 * that normalized key (the oldest id when several are), else an id derived from the key. Looking
 * the key up first keeps one artist per name when the normalizer changes: artists created under an
 * older rule keep their ids (migration 3). NULL for a name that normalizes to nothing.
 */
export const artistIdSql = (name: string): string =>
  `CASE WHEN mt_norm(${name}) = '' THEN NULL ELSE coalesce((SELECT min(ka.artist_id) FROM artists ka WHERE ka.name_key = mt_norm(${name})), 'a' || substr(md5(mt_norm(${name})), 1, 15)) END`;
