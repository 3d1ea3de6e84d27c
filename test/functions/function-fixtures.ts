/** Function modules written to a temp dir for the runner tests, and Hasura-shaped events. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventPayload } from '../../functions/runner/index.js';

const clientModule = fileURLToPath(new URL('../../functions/client/index.js', import.meta.url));
const runnerModule = fileURLToPath(new URL('../../functions/runner/index.js', import.meta.url));

/** Module source by file name. `counter.mjs` counts its invocations in a module-level variable. */
export const functionSources: Readonly<Record<string, string>> = {
  'counter.mjs': `
    let invocations = 0;
    export default async function (event, context) {
      invocations += 1;
      return { invocations, idempotencyKey: context.idempotencyKey, trigger: event.trigger.name, row: event.event.data.new };
    }
  `,
  'fails.mjs': `
    export default async function () {
      throw new Error('the restaurant is closed');
    }
  `,
  'slow.mjs': `
    export default function (_event, context) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve('too late'), 5000);
        context.signal.addEventListener('abort', () => clearTimeout(timer));
      });
    }
  `,
  'no-default.mjs': `export const handler = () => 1;`,
  'bigint.mjs': `export default () => ({ total: 10n });`,
  'genres.ts': `
    import { gql } from ${JSON.stringify(clientModule)};
    import { defineFunction } from ${JSON.stringify(runnerModule)};

    const genre = gql<{ genre_by_pk: { name: string } | null }, { id: number }>\`
      query Genre($id: Int!) { genre_by_pk(genre_id: $id) { name } }
    \`;
    const artists = gql<{ artist: { name: string }[] }>\`{ artist(limit: 1) { name } }\`;

    export default defineFunction<{ genre_id: number }>(async (event, { client }) => {
      const id = event.event.data.new!.genre_id;
      if (id < 0) return client.request(artists);
      const [same, next] = await Promise.all([client.request(genre, { id }), client.request(genre, { id: id + 1 })]);
      return { names: [same.genre_by_pk?.name, next.genre_by_pk?.name] };
    });
  `,
};

export interface FunctionDir {
  readonly dir: string;
  remove(): Promise<void>;
}

/** A temp dir with every fixture module and a `functions.json` manifest. */
export async function writeFunctionDir(manifest: Readonly<Record<string, unknown>>): Promise<FunctionDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sluice-functions-'));
  for (const [file, source] of Object.entries(functionSources)) await writeFile(path.join(dir, file), source);
  await writeFile(path.join(dir, 'functions.json'), JSON.stringify(manifest, null, 2));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** An event as Sluice delivers it (Hasura's payload). */
export function eventFor<TRow>(row: TRow, options: { id?: string; trigger?: string; op?: EventPayload['event']['op'] } = {}): EventPayload<TRow> {
  return {
    id: options.id ?? '6b0a7c1e-3f55-4c1c-9a31-2f7f0f1d9e01',
    created_at: '2025-01-01T00:00:00.000Z',
    trigger: { name: options.trigger ?? 'order_placed' },
    table: { schema: 'public', name: 'orders' },
    event: { op: options.op ?? 'INSERT', data: { old: null, new: row }, session_variables: { 'x-hasura-role': 'customer' } },
    delivery_info: { current_retry: 0, max_retries: 3 },
  };
}
