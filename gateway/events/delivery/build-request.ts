/**
 * The webhook request of one event, as Hasura sends it (§10): the body is not wrapped, `created_at`
 * is UTC, `delivery_info.current_retry` counts the attempts before this one. Sluice adds the event
 * id as an `Idempotency-Key` header, and `event.enriched` when the trigger declares `enrich`.
 */
import type { ClaimedEvent } from './claim-events.js';
import type { EventTriggerConf } from './event-triggers.js';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /**
   * What the invocation log keeps: the payload and the header names (values may be secrets). A
   * payload over `loggedPayloadBytes` is left out (`payload: null, truncated: true, size`): the
   * event itself still holds the row, and a 20 MB row retried five times would otherwise add
   * 100 MB of log.
   */
  readonly logged: unknown;
}

export const loggedPayloadBytes = 1024 * 1024;

export class MissingEnvError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

function fromEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined) throw new MissingEnvError(`environment variable ${name} is not set`);
  return value;
}

/** Hasura's `{{ENV_VAR}}` templates in a webhook URL. */
export function resolveEnvTemplate(template: string, env: Env): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_match, name: string) => fromEnv(env, name));
}

export function buildPayload(event: ClaimedEvent, trigger: EventTriggerConf, enriched: unknown) {
  return {
    id: event.id,
    created_at: event.createdAt.toISOString(),
    trigger: { name: event.triggerName },
    table: { schema: event.schemaName, name: event.tableName },
    event: {
      op: event.op,
      data: { old: event.data.old ?? null, new: event.data.new ?? null },
      session_variables: event.sessionVariables ?? null,
      trace_context: event.traceContext ?? null,
      ...(trigger.enrich === undefined ? {} : { enriched: enriched ?? null }),
    },
    delivery_info: { current_retry: event.tries, max_retries: trigger.retry.numRetries },
  };
}

/** Throws `MissingEnvError` when the URL or a header needs an unset variable. */
export function buildRequest(event: ClaimedEvent, trigger: EventTriggerConf, enriched: unknown, env: Env): WebhookRequest {
  const url = 'url' in trigger.webhook ? resolveEnvTemplate(trigger.webhook.url, env) : fromEnv(env, trigger.webhook.fromEnv);
  const headers: Record<string, string> = {};
  for (const h of trigger.headers) headers[h.name] = h.value ?? fromEnv(env, h.value_from_env ?? '');
  headers['Content-Type'] = 'application/json';
  headers['Idempotency-Key'] = event.id;
  const payload = buildPayload(event, trigger, enriched);
  const body = JSON.stringify(payload);
  const size = Buffer.byteLength(body);
  const logged = size > loggedPayloadBytes ? { payload: null, truncated: true, size, headers: Object.keys(headers) } : { payload, headers: Object.keys(headers) };
  return { url, headers, body, logged };
}
