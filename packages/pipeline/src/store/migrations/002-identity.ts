import type { Migration } from './types.js';

/** Migrations 2-9: helpers for identity resolution and imports (issue 2). */
export const identityMigrations: Migration[] = [
  {
    id: 2,
    name: 'name normalization macro',
    // Lower case, accents and ASCII punctuation removed, whitespace collapsed: the same song
    // spelled "Beyoncé – Halo" and "beyonce - halo" gets one key. Non-Latin scripts pass through.
    sql: `
CREATE OR REPLACE MACRO mt_norm(s) AS
  trim(regexp_replace(regexp_replace(lower(strip_accents(coalesce(s, ''))), '[!-/:-@\\[-\`{-~]', '', 'g'), '\\s+', ' ', 'g'));
CREATE OR REPLACE MACRO mt_name_key(kind, artist, title) AS
  CASE WHEN nullif(trim(coalesce(title, '')), '') IS NULL THEN NULL
       ELSE kind || '|' || mt_norm(artist) || '|' || mt_norm(title) END;
`,
  },
];
