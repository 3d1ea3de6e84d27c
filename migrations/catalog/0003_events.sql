-- Event triggers (Hasura §10): every captured change is a row here, written by the writer's own
-- transaction, so an event exists exactly when its write commits. Delivery attempts are logged
-- one row each. Only the gateway reads these tables; writers reach them through the SECURITY
-- DEFINER capture function and need no privilege on the sluice schema.

CREATE TABLE IF NOT EXISTS sluice.event_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger_name text NOT NULL,
  schema_name text NOT NULL,
  table_name text NOT NULL,
  op text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE', 'MANUAL')),
  -- {"old": …, "new": …} as Hasura sends it under event.data
  data jsonb NOT NULL,
  -- the writer's session (hasura.user), null for writes made directly in SQL
  session_variables jsonb,
  trace_context jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- pending → delivered | dead; archived when its trigger is dropped
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead', 'archived')),
  tries integer NOT NULL DEFAULT 0,
  next_retry_at timestamptz,
  locked_at timestamptz,
  locked_by text,
  delivered_at timestamptz
);

CREATE INDEX IF NOT EXISTS event_log_pending ON sluice.event_log (next_retry_at NULLS FIRST, created_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS event_log_trigger ON sluice.event_log (trigger_name, created_at);

CREATE TABLE IF NOT EXISTS sluice.event_invocation_log (
  id bigserial PRIMARY KEY,
  event_id uuid NOT NULL REFERENCES sluice.event_log (id) ON DELETE CASCADE,
  trigger_name text NOT NULL,
  -- HTTP status, null when no response came (timeout, connection refused)
  status integer,
  request jsonb,
  response text,
  error text,
  duration_ms integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS event_invocation_log_event ON sluice.event_invocation_log (event_id);

CREATE TABLE IF NOT EXISTS sluice.event_trigger_state (
  trigger_name text PRIMARY KEY,
  paused boolean NOT NULL DEFAULT false
);

-- Called by the per-trigger functions Sluice installs on tracked tables.
CREATE OR REPLACE FUNCTION sluice.capture_event(trigger_name text, schema_name text, table_name text, op text, old_row jsonb, new_row jsonb)
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, sluice
AS $$
DECLARE
  session text := current_setting('hasura.user', true);
BEGIN
  INSERT INTO sluice.event_log (trigger_name, schema_name, table_name, op, data, session_variables)
  VALUES (trigger_name, schema_name, table_name, op,
          jsonb_build_object('old', old_row, 'new', new_row),
          CASE WHEN session IS NULL OR session = '' THEN NULL ELSE session::jsonb END);
  PERFORM pg_notify('sluice_events', trigger_name);
END;
$$;
