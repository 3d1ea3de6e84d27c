-- Schema changes picked up automatically (issue 5, item 5): a DDL event trigger that sends
-- NOTIFY sluice_ddl, which every gateway instance LISTENs on and answers by re-introspecting.
-- Keep it PostgreSQL 14-compatible.
--
-- CREATE EVENT TRIGGER needs superuser, which managed services rarely grant. Without it this file
-- must still apply: the trigger is attempted inside a DO block that catches
-- insufficient_privilege, and the outcome is recorded in sluice.capabilities. The gateway then
-- says so at startup and watches a catalog fingerprint on a timer instead.
--
-- Deliberately no counter row bumped by the trigger: an UPDATE of one shared row inside every
-- DDL transaction would serialise all DDL in the database behind that row lock, and two
-- migrations that today merely wait for each other's table locks could deadlock on it. Polling
-- uses the catalog fingerprint, which is correct with or without the trigger.

-- Optional features and whether this database has them; `detail` says why not.
CREATE TABLE IF NOT EXISTS sluice.capabilities (
  name text PRIMARY KEY,
  available boolean NOT NULL,
  detail text,
  checked_at timestamptz NOT NULL DEFAULT now()
);

-- SECURITY DEFINER with a fixed search_path: it runs for every role's DDL, including roles that
-- may not even see the sluice schema. It never fails the DDL that fired it: a notification
-- that cannot be sent only costs a reload (instances also reload after reconnecting).
CREATE OR REPLACE FUNCTION sluice.notify_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  relevant boolean;
BEGIN
  IF TG_EVENT = 'sql_drop' THEN
    SELECT bool_or(NOT d.is_temporary AND (d.schema_name IS NULL OR NOT (
             d.schema_name IN ('sluice', 'hdb_catalog', 'pg_catalog', 'information_schema')
             OR d.schema_name LIKE 'pg\_temp%' OR d.schema_name LIKE 'pg\_toast%')))
      INTO relevant
      FROM pg_event_trigger_dropped_objects() AS d;
  ELSE
    -- Objects without a schema (a new schema, an extension) count; Sluice's own schemas do not.
    SELECT bool_or(CASE WHEN c.schema_name IS NULL
             THEN c.object_identity NOT IN ('sluice', 'hdb_catalog')
             ELSE NOT (c.schema_name IN ('sluice', 'hdb_catalog', 'pg_catalog', 'information_schema')
               OR c.schema_name LIKE 'pg\_temp%' OR c.schema_name LIKE 'pg\_toast%') END)
      INTO relevant
      FROM pg_event_trigger_ddl_commands() AS c;
  END IF;
  IF coalesce(relevant, false) THEN
    -- Delivered on COMMIT only, and identical payloads in one transaction are sent once.
    PERFORM pg_notify('sluice_ddl', TG_TAG);
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE WARNING 'sluice: DDL notification not sent: %', SQLERRM;
END;
$$;

DO $$
BEGIN
  DROP EVENT TRIGGER IF EXISTS sluice_ddl_notify;
  DROP EVENT TRIGGER IF EXISTS sluice_ddl_drop_notify;
  CREATE EVENT TRIGGER sluice_ddl_notify ON ddl_command_end EXECUTE FUNCTION sluice.notify_ddl();
  CREATE EVENT TRIGGER sluice_ddl_drop_notify ON sql_drop EXECUTE FUNCTION sluice.notify_ddl();
  INSERT INTO sluice.capabilities (name, available, detail)
  VALUES ('ddl_notify', true, NULL)
  ON CONFLICT (name) DO UPDATE SET available = true, detail = NULL, checked_at = now();
EXCEPTION WHEN insufficient_privilege THEN
  INSERT INTO sluice.capabilities (name, available, detail)
  VALUES ('ddl_notify', false, 'creating an event trigger needs superuser: ' || SQLERRM)
  ON CONFLICT (name) DO UPDATE SET available = false, detail = EXCLUDED.detail, checked_at = now();
END;
$$;
