/**
 * PostGraphile v5 as the benchmark's peer: a child process run with this folder's own Node 22
 * (PostGraphile v5 needs Node 22+; Sluice and the harness stay on the project's Node). Plain
 * JavaScript, so it needs no tsx and stays outside the project's typecheck.
 *
 * Environment: DATABASE_URL (required), POOL_MAX (default 20, Sluice's pool size),
 * SCHEMAS (default "public"). Listens on 127.0.0.1, on a free port, and writes one line
 * `{"listening":"http://127.0.0.1:<port>/graphql"}` to stdout when it is ready. With
 * `--print-schema` it prints the GraphQL SDL instead and exits (to write the workloads' queries).
 *
 * The preset is the one a PostGraphile user would pick to get what Sluice offers out of the box:
 * Amber (PostGraphile's recommended base), simplified inflection (`tracks`, `track(trackId:)`,
 * `albums` instead of `allTracks`, `trackByTrackId`, `albumsByArtistId`), the connection-filter
 * plugin (comparison operators and filters through relations, like Hasura's `where`) and
 * pg-aggregates (like `<table>_aggregate`). Collections are exposed both as connections (for
 * aggregates) and as plain lists (the same JSON shape as Sluice's answers).
 */
import { createServer } from 'node:http';
import { PgAggregatesPreset } from '@graphile/pg-aggregates';
import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { printSchema } from 'postgraphile/graphql';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { PostGraphileConnectionFilterPreset } from 'postgraphile-plugin-connection-filter';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  process.stderr.write('postgraphile peer: DATABASE_URL is required\n');
  process.exit(2);
}
const poolMax = Number(process.env.POOL_MAX ?? '20');
const schemas = (process.env.SCHEMAS ?? 'public').split(',');

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset, PostGraphileConnectionFilterPreset, PgAggregatesPreset],
  // Amber offers filters and orderings only on indexed columns; Sluice (like Hasura) offers them
  // on every column, so this restriction is lifted to compare the same queries.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ connectionString, schemas, poolConfig: { max: poolMax, application_name: 'postgraphile' } })],
  schema: {
    // Lists beside connections: `tracksList` gives the same JSON as Sluice's `track`.
    defaultBehavior: '+connection +list',
    connectionFilterRelations: true,
  },
  grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false, websockets: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);

if (process.argv.includes('--print-schema')) {
  process.stdout.write(`${printSchema(await pgl.getSchema())}\n`);
  await pgl.release();
  process.exit(0);
}

const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => {
  process.stderr.write(`postgraphile peer: ${error.message}\n`);
  process.exit(1);
});
await serv.addTo(server);
// Build the schema before announcing readiness, so the first timed request does not pay for it.
await pgl.getSchema();
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${address.port}/graphql` })}\n`);
});

// The harness going away must not leave this process behind.
const stop = () => {
  server.closeAllConnections?.();
  server.close();
  Promise.resolve(pgl.release()).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
