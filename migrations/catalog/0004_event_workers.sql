-- Delivery workers with a liveness lease (gateway/events/delivery/worker-lease.ts). A registered
-- instance holds the session-level advisory lock (1397507414, lease_key) on its LISTEN connection
-- for as long as that Postgres session lives. When the lock is free the instance is gone (killed,
-- crashed, or cut off from the database): any other instance may then release the events it had
-- claimed at once, instead of waiting for the lock timeout (Hasura's 30 minutes).

CREATE TABLE IF NOT EXISTS sluice.event_workers (
  instance_id text PRIMARY KEY,
  lease_key integer NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now()
);
