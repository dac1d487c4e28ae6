import type { Migration } from './types.js';

/** Migrations 55-59: schedules and the phased pipeline (issue 7). */
export const scheduleMigrations: Migration[] = [
  {
    id: 55,
    name: 'schedules and pipeline stages',
    sql: `
CREATE SEQUENCE schedules_seq START 1;
CREATE TABLE schedules (
  schedule_id BIGINT PRIMARY KEY DEFAULT nextval('schedules_seq'),
  cron VARCHAR NOT NULL,
  job VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  last_run_at TIMESTAMP
);
CREATE TABLE pipeline_stages (
  pipeline_id VARCHAR NOT NULL,
  position INTEGER NOT NULL,
  stage VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  rows_in BIGINT,
  rows_out BIGINT,
  detail VARCHAR,
  PRIMARY KEY (pipeline_id, position)
);
`,
  },
];
