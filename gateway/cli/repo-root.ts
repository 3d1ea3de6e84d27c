import { fileURLToPath } from 'node:url';

/** The repository (package) root, found from this file rather than the cwd so `npx sluice` works anywhere. */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}
