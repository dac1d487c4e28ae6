import type { Migration } from './types.js';

/** Migration 56: the listener's feedback, their folded-in vector, and the picks of each recommendation. */
export const personalMigrations: Migration[] = [
  {
    id: 56,
    name: 'feedback, listener state, recommendations',
    sql: `
CREATE TABLE feedback (
  feedback_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  track_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  arm VARCHAR
);
CREATE TABLE listener_state (
  model_id VARCHAR PRIMARY KEY,
  vector FLOAT[] NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
CREATE TABLE recommendations (
  playlist_id VARCHAR NOT NULL,
  position INTEGER NOT NULL,
  track_id VARCHAR NOT NULL,
  score DOUBLE,
  arm VARCHAR,
  reason VARCHAR,
  model_id VARCHAR,
  created_at TIMESTAMP NOT NULL,
  PRIMARY KEY (playlist_id, position)
);
`,
  },
];
