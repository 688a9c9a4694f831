import type { Migration } from '../shared/db/migrate.ts';

/**
 * The images schema, in order (tables are created in the service's own schema through
 * `search_path`). `images` holds each upload's metadata and original bytes, `variants` the
 * processed WebP renditions, `jobs` the processing queue that workers claim with
 * `FOR UPDATE SKIP LOCKED` and a lease (`locked_until`).
 */
export const migrations: readonly Migration[] = [
  {
    id: '001_images',
    sql: `
CREATE TABLE images (
  id           uuid PRIMARY KEY,
  owner_id     text        NOT NULL,
  status       text        NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
  content_type text        NOT NULL,
  byte_size    integer     NOT NULL,
  width        integer     NOT NULL,
  height       integer     NOT NULL,
  original     bytea       NOT NULL,
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX images_owner_idx ON images (owner_id, created_at DESC);

CREATE TABLE variants (
  image_id   uuid        NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  variant    text        NOT NULL CHECK (variant IN ('display', 'thumbnail')),
  data       bytea       NOT NULL,
  etag       text        NOT NULL,
  width      integer     NOT NULL,
  height     integer     NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (image_id, variant)
);

CREATE TABLE jobs (
  id           bigserial   PRIMARY KEY,
  image_id     uuid        NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  status       text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts     integer     NOT NULL DEFAULT 0,
  max_attempts integer     NOT NULL,
  run_at       timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  locked_by    text,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
-- What a worker scans for work: queued jobs that are due, running jobs whose lease expired.
CREATE INDEX jobs_queued_idx ON jobs (run_at) WHERE status = 'queued';
CREATE INDEX jobs_running_idx ON jobs (locked_until) WHERE status = 'running';
`,
  },
];
