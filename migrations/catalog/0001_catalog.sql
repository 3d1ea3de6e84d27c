-- Sluice's own catalog. It lives in its own schema so that serving a user's database needs only
-- the right to create one schema (no superuser, no extension). Keep it PostgreSQL 14-compatible.
-- `sluice.schema_migrations` is created by the migration runner itself, before this file runs.

CREATE SCHEMA IF NOT EXISTS sluice;

-- The metadata document (Hasura v2 export format, version 3) in a single row. resource_version
-- is the optimistic-concurrency counter of Hasura's /v1/metadata API.
CREATE TABLE sluice.metadata (
  id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  metadata jsonb NOT NULL,
  resource_version int NOT NULL DEFAULT 1,
  updated_at timestamptz DEFAULT now()
);

INSERT INTO sluice.metadata (id, metadata)
VALUES (1, '{"version":3,"sources":[{"name":"default","kind":"postgres","tables":[]}]}')
ON CONFLICT (id) DO NOTHING;
