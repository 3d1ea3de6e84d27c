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
    g = await startTestGateway({ example: false, setupSql: 'CREATE TABLE public.item (id int PRIMARY KEY, name text)' });
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
    await g.db.pool.query("UPDATE sluice.event_log SET locked_at = now() - interval '31 minutes' WHERE id = $1", [event_id]);
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

  it('reads the event and invocation logs', async () => {
    await g.db.pool.query("INSERT INTO item VALUES (1, 'a'), (2, 'b')");
    const logs = await meta('pg_get_event_logs', { name: 'manual_on', status: 'pending', limit: 1 });
    expect(logs.status).toBe(200);
    expect(logs.body).toEqual([expect.objectContaining({ trigger_name: 'manual_on', op: 'INSERT', status: 'pending' })]);
    const all = (await meta('pg_get_event_logs', { name: 'manual_on', offset: 1 })).body as { id: string }[];
    expect(all).toHaveLength(1);
    expect((await meta('pg_get_event_logs', { name: 'manual_on', status: 'processed' })).body).toEqual([]);
    expect((await meta('pg_get_event_logs', { name: 'manual_on', status: 'weird' })).body).toMatchObject({ code: 'parse-failed', path: '$.args.status' });
    const eventId = all[0]!.id;
    await g.db.pool.query(
      "INSERT INTO sluice.event_invocation_log (event_id, trigger_name, status, response, error, duration_ms) VALUES ($1, 'manual_on', 500, 'boom', null, 12)",
      [eventId],
    );
    const byEvent = await meta('pg_get_event_invocation_logs', { event_id: eventId });
    expect(byEvent.body).toEqual([expect.objectContaining({ event_id: eventId, status: 500, response: 'boom', duration_ms: 12 })]);
    expect(((await meta('pg_get_event_invocation_logs', { name: 'manual_on', limit: 5 })).body as unknown[]).length).toBe(1);
    expect((await meta('pg_get_event_invocation_logs', {})).body).toMatchObject({ code: 'parse-failed' });
    const byId = await meta('pg_get_event_by_id', { name: 'manual_on', event_id: eventId });
    expect(byId.body).toMatchObject({ event: { id: eventId }, invocations: [{ status: 500 }] });
  });

  it('is not on the legacy /v1/query for Sluice operations', async () => {
    const result = await g.post('/v1/query', { type: 'sluice_dead_events', args: {} });
    expect(result.status).toBe(400);
  });
});
