import { createSluiceClient, type FetchFunction, type SluiceClient } from '../client/index.js';
import type { FunctionManifest, FunctionSpec } from './read-function-manifest.js';

export interface ClientEnvironment {
  /** The gateway's GraphQL endpoint. */
  readonly sluiceUrl: string | undefined;
  /** Development only: the credential of functions whose manifest entry names no service key. */
  readonly adminSecret: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: FetchFunction | undefined;
  readonly timeoutMs: number | undefined;
}

/** Makes a fresh client for one invocation of a function. */
export type ClientFactory = () => SluiceClient;

/**
 * One client factory per function, acting as the function's role with the key named by its
 * `serviceKeyEnv`. A key that is declared but missing from the environment is a startup error
 * (unless an admin secret is given for development): a function must not silently run without
 * its credentials. A function with no role gets a client that explains why it cannot be used.
 */
export function createClientFactories(manifest: FunctionManifest, environment: ClientEnvironment): Record<string, ClientFactory> {
  const problems: string[] = [];
  const factories: Record<string, ClientFactory> = {};
  for (const [name, spec] of Object.entries(manifest)) {
    const made = clientFactory(name, spec, environment);
    if (typeof made === 'string') problems.push(made);
    else factories[name] = made;
  }
  if (problems.length > 0) throw new Error(`cannot configure the functions' Sluice clients:\n  ${problems.join('\n  ')}`);
  return factories;
}

function clientFactory(name: string, spec: FunctionSpec, environment: ClientEnvironment): ClientFactory | string {
  const { sluiceUrl, env } = environment;
  const serviceKey = spec.serviceKeyEnv === undefined ? undefined : env[spec.serviceKeyEnv];
  if (spec.serviceKeyEnv !== undefined && !serviceKey && environment.adminSecret === undefined) {
    return `${name}: its service key variable ${spec.serviceKeyEnv} is not set`;
  }
  if (spec.role === undefined) return () => unavailable(`function ${name} has no role in the manifest, so it has no Sluice client`);
  if (sluiceUrl === undefined) return () => unavailable('no Sluice URL configured for the function runner (sluiceUrl or SLUICE_GRAPHQL_URL)');
  const role = spec.role;
  const credential = serviceKey ? { serviceKey } : environment.adminSecret === undefined ? {} : { adminSecret: environment.adminSecret };
  return () =>
    createSluiceClient({
      url: sluiceUrl,
      role,
      ...credential,
      ...(environment.fetch ? { fetch: environment.fetch } : {}),
      ...(environment.timeoutMs === undefined ? {} : { timeoutMs: environment.timeoutMs }),
    });
}

function unavailable(reason: string): SluiceClient {
  return {
    async request() {
      throw new Error(reason);
    },
    close() {},
  };
}
