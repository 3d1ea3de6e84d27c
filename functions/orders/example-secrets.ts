/**
 * The example's development secrets: the JWT secret customers' tokens are signed with and one
 * service key per workflow function. `sluice start` makes them on first start and keeps them in
 * `.data/example-secrets.json` (beside the embedded Postgres, ignored by git, readable by the
 * owner only); `npm run demo` reads the same file to sign a customer's token.
 *
 * They are made per checkout rather than committed: a key in git is a key everyone has. Values in
 * the environment win (`SLUICE_JWT_SECRET`, and each function's `serviceKeyEnv`).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface ExampleSecrets {
  /** `SLUICE_JWT_SECRET` as Hasura's JSON text: `{"type":"HS256","key":"…"}`. */
  readonly jwtSecret: string;
  /** Service key by the environment variable a function reads it from. */
  readonly serviceKeys: Readonly<Record<string, string>>;
}

export function exampleSecretsPath(repoRoot: string): string {
  return join(repoRoot, '.data', 'example-secrets.json');
}

/** The stored secrets, or null when the file does not exist yet. */
export async function readExampleSecrets(path: string): Promise<ExampleSecrets | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<ExampleSecrets>;
  if (typeof parsed.jwtSecret !== 'string' || typeof parsed.serviceKeys !== 'object' || parsed.serviceKeys === null) {
    throw new Error(`${path} is not an example secrets file; delete it to have new secrets made`);
  }
  return { jwtSecret: parsed.jwtSecret, serviceKeys: parsed.serviceKeys };
}

/**
 * The stored secrets, completed with whatever is missing (a new JWT secret, a new key for each
 * of `serviceKeyEnvs` without one) and written back when anything was added.
 */
export async function loadOrCreateExampleSecrets(
  path: string,
  serviceKeyEnvs: readonly string[],
  generateServiceKey: () => string,
): Promise<ExampleSecrets> {
  const stored = await readExampleSecrets(path);
  const jwtSecret = stored?.jwtSecret ?? JSON.stringify({ type: 'HS256', key: randomBytes(32).toString('base64url') });
  const serviceKeys: Record<string, string> = { ...stored?.serviceKeys };
  for (const name of serviceKeyEnvs) serviceKeys[name] ??= generateServiceKey();
  const secrets = { jwtSecret, serviceKeys };
  if (stored === null || JSON.stringify(stored) !== JSON.stringify(secrets)) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    // `mode` applies only when the file is created; an older file gets it too.
    await chmod(path, 0o600);
  }
  return secrets;
}
