import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

/**
 * The gateway's delivery worker runs alongside: tests pause the trigger first when they need
 * events to stay where they put them.
 */
describe('event admin operations', () => {
  let g: TestGateway;
  const meta = (type: string, args: unknown) => g.post('/v1/metadata', { type, args });
  const event = async (id: string) =>
    (await g.db.pool.query<{ status: string; tries: number; op: string; data: unknown; session_variables: unknown }>(
      'SELECT status, tries, op, data, session_variables FROM sluice.event_log WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    // A lock timeout of 10 minutes (not Hasura's 30) shows pg_redeliver_event's busy check follows the setting.
    g = await startTestGateway({ example: false, env: { SLUICE_EVENT_LOCK_TIMEOUT_SEC: '600' }, setupSql: 'CREATE TABLE public.item (id int PRIMARY KEY, name text)' });
    await meta('pg_track_table', { table: 'item' });
  });
  afterAll(async () => {
    await g?.close();
  });
  beforeEach(async () => {
    await meta('replace_metadata', { version: 3, sources: [{ name: 'default', kind: 'postgres', tables: [{ table: { schema: 'public', name: 'item' } }] }] });
    await g.db.pool.query('TRUNCATE public.item; DELETE FROM sluice.event_log; DELETE FROM sluice.event_trigger_state');
    for (const [name, manual] of [['manual_on', true], ['manual_off', false]] as const) {
      const created = await meta('pg_create_event_trigger', { name, table: 'item', insert: { columns: '*' }, enable_manual: manual, webhook: 'http://localhost:1/x' });
      expect(created.status).toBe(200);
      expect((await meta('sluice_pause_event_trigger', { name })).body).toEqual({ message: 'success' });
    }
  });

  it('invokes a trigger manually with {old: null, new: payload} as the admin', async () => {
    const result = await meta('pg_invoke_event_trigger', { name: 'manual_on', payload: { id: 1, name: "it's" } });
    expect(result.status).toBe(200);
    const { event_id } = result.body as { event_id: string };
    expect(await event(event_id)).toEqual({
      status: 'pending', tries: 0, op: 'MANUAL', data: { old: null, new: { id: 1, name: "it's" } }, session_variables: { 'x-hasura-role': 'admin' },
    });
  });

  it('refuses a manual invocation when enable_manual is off, and unknown triggers', async () => {
    const refused = await meta('pg_invoke_event_trigger', { name: 'manual_off', payload: {} });
    expect([refused.status, refused.body]).toEqual([400, { path: '$.args', code: 'not-supported', error: 'manual mode is not enabled for event trigger' }]);
    expect((await meta('pg_invoke_event_trigger', { name: 'nope', payload: {} })).body).toMatchObject({ code: 'not-exists' });
    expect((await meta('invoke_event_trigger', { name: 'manual_on' })).body).toMatchObject({ code: 'parse-failed', error: 'key "payload" not found' });
  });

  it('redelivers an event: back to pending with no tries, busy while it is locked', async () => {
    const { event_id } = (await meta('pg_invoke_event_trigger', { name: 'manual_on', payload: { id: 1 } })).body as { event_id: string };
    await g.db.pool.query("UPDATE sluice.event_log SET status = 'dead', tries = 3 WHERE id = $1", [event_id]);
    expect((await meta('pg_redeliver_event', { event_id })).body).toEqual({ message: 'success' });
    expect(await event(event_id)).toMatchObject({ status: 'pending', tries: 0 });
    await g.db.pool.query("UPDATE sluice.event_log SET locked_at = now(), locked_by = 'other' WHERE id = $1", [event_id]);
    const busy = await meta('pg_redeliver_event', { event_id });
    expect([busy.status, busy.body]).toEqual([400, { path: '$.args', code: 'busy', error: 'event is already being processed' }]);
    await g.db.pool.query("UPDATE sluice.event_log SET locked_at = now() - interval '11 minutes' WHERE id = $1", [event_id]);
    expect((await meta('pg_redeliver_event', { event_id })).status).toBe(200);
    expect((await meta('pg_redeliver_event', { event_id: '00000000-0000-0000-0000-000000000000' })).body).toMatchObject({ code: 'not-exists', error: 'event not found' });
    expect((await meta('pg_redeliver_event', { event_id: "x'; DROP TABLE item; --" })).body).toMatchObject({ code: 'not-exists' });
  });

  it('replays the dead letter in bulk, by trigger and time range', async () => {
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    await g.db.pool.query(`UPDATE sluice.event_log SET status = 'dead', tries = 1,
      created_at = CASE WHEN data->'new'->>'id' = '1' THEN '2020-01-01' ELSE '2024-01-01' END::timestamptz`);
    const dead = await meta('sluice_dead_events', { trigger_name: 'manual_on' });
    expect((dead.body as unknown[]).length).toBe(3);
    expect((dead.body as Record<string, unknown>[])[0]).toMatchObject({ trigger_name: 'manual_on', op: 'INSERT', tries: 1, last_status: null });
    const ranged = await meta('sluice_redeliver_events', { trigger_name: 'manual_on', since: '2023-01-01T00:00:00Z' });
    expect(ranged.body).toEqual({ message: 'success', count: 2 });
    // Both triggers listen to inserts: the rest is manual_off's, one before 2021 and two after.
    expect((await meta('sluice_redeliver_events', { until: '2021-01-01' })).body).toEqual({ message: 'success', count: 2 });
    expect((await meta('sluice_redeliver_events', {})).body).toEqual({ message: 'success', count: 2 });
    expect((await meta('sluice_redeliver_events', {})).body).toEqual({ message: 'success', count: 0 });
    const statuses = await g.db.pool.query("SELECT DISTINCT status, tries FROM sluice.event_log");
    expect(statuses.rows).toEqual([{ status: 'pending', tries: 0 }]);
    expect((await meta('sluice_redeliver_events', { since: 'not a time' })).status).toBe(400);
    expect((await meta('sluice_redeliver_events', { status: 'archived' })).body).toMatchObject({ code: 'parse-failed' });
  });

  it('pauses and resumes a trigger in sluice.event_trigger_state', async () => {
    const state = async () => (await g.db.pool.query('SELECT trigger_name, paused FROM sluice.event_trigger_state ORDER BY 1')).rows;
    expect(await state()).toEqual([{ trigger_name: 'manual_off', paused: true }, { trigger_name: 'manual_on', paused: true }]);
    expect((await meta('sluice_resume_event_trigger', { name: 'manual_off' })).body).toEqual({ message: 'success' });
    expect(await state()).toEqual([{ trigger_name: 'manual_off', paused: false }, { trigger_name: 'manual_on', paused: true }]);
    expect((await meta('sluice_pause_event_trigger', { name: 'nope' })).body).toMatchObject({ code: 'not-exists' });
    // Deleting the trigger forgets its state.
    await meta('pg_delete_event_trigger', { name: 'manual_on' });
    expect(await state()).toEqual([{ trigger_name: 'manual_off', paused: false }]);
  });

  it("reads the event and invocation logs in Hasura's shapes", async () => {
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a'), (2, 'b')");
    const logs = await meta('pg_get_event_logs', { name: 'manual_on', status: 'pending', limit: 1 });
    expect(logs.status).toBe(200);
    expect(logs.body).toEqual([
      {
        id: expect.any(String), schema_name: 'public', table_name: 'item', trigger_name: 'manual_on',
        payload: { op: 'INSERT', data: { old: null, new: { id: expect.any(Number), name: expect.any(String) } }, session_variables: null, trace_context: null },
        delivered: false, error: false, tries: 0, created_at: expect.any(String), locked: null, next_retry_at: null, archived: false,
        // Sluice's own
        status: 'pending', delivered_at: null,
      },
    ]);
    const all = (await meta('pg_get_event_logs', { name: 'manual_on', offset: 1 })).body as { id: string }[];
    expect(all).toHaveLength(1);
    expect((await meta('pg_get_event_logs', { name: 'manual_on', status: 'processed' })).body).toEqual([]);
    expect((await meta('pg_get_event_logs', { name: 'manual_on', status: 'weird' })).body).toMatchObject({ code: 'parse-failed', path: '$.args.status' });
    const eventId = all[0]!.id;
    await g.db.pool.query(
      `INSERT INTO sluice.event_invocation_log (event_id, trigger_name, status, request, response, error, duration_ms, created_at) VALUES
         ($1, 'manual_on', 500, '{"payload": {"id": "x"}, "headers": ["Content-Type", "X-Secret"]}', 'boom', 'webhook answered 500', 12, now() - interval '2 seconds'),
         ($1, 'manual_on', null, null, null, 'timeout: no response within 1 s', 1000, now() - interval '1 second'),
         ($1, 'manual_on', 200, '{"payload": {"id": "x"}, "headers": []}', 'ok', null, 5, now())`,
      [eventId],
    );
    const byEvent = await meta('pg_get_event_invocation_logs', { event_id: eventId });
    expect(byEvent.body).toEqual([
      {
        id: expect.any(String), trigger_name: 'manual_on', event_id: eventId, http_status: 200, created_at: expect.any(String),
        request: { payload: { id: 'x' }, headers: [], version: '2' },
        response: { type: 'webhook_response', data: { body: 'ok', headers: [], status: 200 }, version: '2' },
        error: null, duration_ms: 5,
      },
      expect.objectContaining({
        http_status: null, request: { payload: null, headers: [], version: '2' },
        response: { type: 'client_error', data: { message: 'timeout: no response within 1 s' }, version: '2' }, duration_ms: 1000,
      }),
      expect.objectContaining({
        http_status: 500, request: { payload: { id: 'x' }, headers: [{ name: 'Content-Type' }, { name: 'X-Secret' }], version: '2' },
        response: { type: 'client_error', data: { message: 'boom' }, version: '2' }, error: 'webhook answered 500', duration_ms: 12,
      }),
    ]);
    expect(((await meta('pg_get_event_invocation_logs', { name: 'manual_on', limit: 2 })).body as unknown[]).length).toBe(2);
    expect((await meta('pg_get_event_invocation_logs', {})).body).toMatchObject({ code: 'parse-failed' });
    // Hasura's pg_get_event_by_id takes no trigger name.
    const byId = await meta('pg_get_event_by_id', { event_id: eventId, invocation_log_limit: 1, invocation_log_offset: 1 });
    expect(byId.body).toMatchObject({ event: { id: eventId, trigger_name: 'manual_on', payload: { op: 'INSERT' } }, invocations: [{ http_status: null }] });
    expect((await meta('pg_get_event_by_id', { name: 'manual_off', event_id: eventId })).body).toMatchObject({ code: 'not-exists' });
    const missing = await meta('pg_get_event_by_id', { event_id: '00000000-0000-0000-0000-000000000000' });
    expect([missing.status, missing.body]).toEqual([400, { path: '$.args', code: 'not-exists', error: 'event id 00000000-0000-0000-0000-000000000000 does not exist' }]);
  });

  it('refuses to redeliver an event whose trigger was dropped, and leaves it archived', async () => {
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a')");
    const { rows: [captured] } = await g.db.pool.query<{ id: string }>("SELECT id FROM sluice.event_log WHERE trigger_name = 'manual_on'");
    await meta('pg_delete_event_trigger', { name: 'manual_on' });
    const refused = await meta('pg_redeliver_event', { event_id: captured!.id });
    expect([refused.status, refused.body]).toEqual([400, { path: '$.args', code: 'not-exists', error: 'event trigger "manual_on" of this event does not exist' }]);
    expect(await event(captured!.id)).toMatchObject({ status: 'archived' });
  });

  it('is not on the legacy /v1/query for Sluice operations', async () => {
    const result = await g.post('/v1/query', { type: 'sluice_dead_events', args: {} });
    expect(result.status).toBe(400);
  });
});
