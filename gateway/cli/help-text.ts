export const helpText = `Sluice: a GraphQL data-access gateway for Postgres (Hasura v2 compatible)

Usage: sluice <command>

Commands:
  start         Serve the example app (Chinook and the order workflow, whose functions
                run in-process; \`npm run demo\` drives it). Without DATABASE_URL, runs an
                embedded Postgres with its data under .data/postgres in the Sluice
                directory; with DATABASE_URL, loads the example into that database.
  serve         Serve your own database (DATABASE_URL required). Creates only Sluice's
                catalog schema "sluice"; your tables are left as they are.
  metadata      Metadata as code: export, apply, diff, validate or status of a metadata
                directory (default ./metadata) against DATABASE_URL. See \`sluice metadata help\`.
  test          Run permission tests (default ./metadata/tests) against a disposable
                database. See \`sluice test --help\`.
  conformance   Run the Hasura conformance suite (a development checkout only).
  help          Show this text.

Configuration is read from environment variables (see README.md), e.g.
  DATABASE_URL=postgres://user:password@host:5432/db SLUICE_ADMIN_SECRET=... sluice serve
`;
