/**
 * Reads `manifest.json` of the Hasura conformance data and turns it into a run plan: which
 * server environments to start, which test classes to run on each, and which cases are skipped.
 *
 * Upstream groups test methods into classes that share fixtures, so the plan keeps the class as
 * the unit of setup and teardown, in the manifest's order of first appearance.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Endpoint = '/v1/query' | '/v1/metadata' | '/v2/query';

export interface FixtureFile {
  readonly file: string;
  readonly endpoint: Endpoint;
}

/** The `setup` object of a manifest entry; which lists are present depends on `mode`. */
export interface FixtureSpec {
  readonly mode: string;
  readonly setup?: readonly FixtureFile[];
  readonly teardown?: readonly FixtureFile[];
  readonly per_class_setup?: readonly FixtureFile[];
  readonly per_class_teardown?: readonly FixtureFile[];
  readonly per_method_setup?: readonly FixtureFile[];
  readonly per_method_teardown?: readonly FixtureFile[];
}

export interface ManifestCase {
  readonly file: string;
  readonly helper: string;
}

export interface ManifestEntry {
  readonly class: string;
  readonly method: string;
  readonly dir: string;
  readonly cases: readonly ManifestCase[];
  readonly transports: readonly string[];
  readonly backends: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly xfail: readonly string[];
  readonly setup: FixtureSpec;
  readonly python_driven: boolean;
}

export interface Manifest {
  readonly tests: readonly ManifestEntry[];
}

/** One case file as the runner sees it: `id` is what the output lines and expected-pass.txt use. */
export interface CaseRef {
  readonly id: string;
  readonly file: string;
  readonly helper: string;
  readonly className: string;
  readonly method: string;
  /** Reason from the manifest's xfail mark, when upstream expects this case to fail. */
  readonly xfail?: string;
}

export interface MethodPlan {
  readonly method: string;
  readonly cases: readonly CaseRef[];
}

/** Fixture files of a class, normalised over the fixture modes. */
export interface ClassFixtures {
  readonly mode: string;
  readonly classSetup: readonly FixtureFile[];
  readonly classTeardown: readonly FixtureFile[];
  readonly methodSetup: readonly FixtureFile[];
  readonly methodTeardown: readonly FixtureFile[];
}

export interface ClassPlan {
  readonly name: string;
  readonly fixtures: ClassFixtures;
  readonly methods: readonly MethodPlan[];
}

export interface EnvGroup {
  /** Server environment on top of the runner's defaults (the manifest `env` of its tests). */
  readonly env: Readonly<Record<string, string>>;
  readonly classes: readonly ClassPlan[];
}

export interface SkippedCase {
  readonly ref: CaseRef;
  readonly reason: string;
}

export interface RunPlan {
  readonly groups: readonly EnvGroup[];
  readonly skipped: readonly SkippedCase[];
}

/** Helpers that post a case file and compare the response (`check_query_f` and friends). */
export const CASE_HELPERS = new Set(['check_query_f', 'check_query_admin_secret']);
/** Helpers that post a plain request body and check only the status. */
export const BODY_HELPERS = new Set(['v1q_f', 'v1metadataq_f']);

/**
 * Tests that are not python-driven in the manifest but whose upstream assertions still need
 * something outside one HTTP request and response.
 */
const KNOWN_SKIPS: Readonly<Record<string, string>> = {
  'TestCreateEventQueryPostgres.test_partitioned_table_basic_insert':
    'asserts event webhook deliveries in Python',
};

export async function loadManifest(conformanceDir: string): Promise<Manifest> {
  const text = await readFile(join(conformanceDir, 'manifest.json'), 'utf8');
  return JSON.parse(text) as Manifest;
}

/** Whether a manifest entry is selected by a positional path filter. */
export function matchesFilter(entry: ManifestEntry, filter: string | undefined): boolean {
  if (!filter) return true;
  const wanted = filter.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return entry.dir.includes(wanted) || entry.cases.some((c) => c.file.includes(wanted));
}

function skipReason(entry: ManifestEntry, helper: string): string | undefined {
  if (entry.python_driven) return 'python-driven upstream (assertions live in Python)';
  if (!entry.backends.includes('postgres')) return `backends ${entry.backends.join(',')} only`;
  if (!entry.transports.includes('http')) return `transports ${entry.transports.join(',')} only`;
  const known = KNOWN_SKIPS[`${entry.class}.${entry.method}`];
  if (known) return known;
  if (!CASE_HELPERS.has(helper) && !BODY_HELPERS.has(helper)) return `unknown helper ${helper}`;
  return undefined;
}

function normaliseFixtures(spec: FixtureSpec): ClassFixtures {
  const perMethod = spec.mode.startsWith('per_method');
  const mutation = spec.mode.startsWith('mutation');
  if (mutation) {
    return {
      mode: spec.mode,
      classSetup: spec.per_class_setup ?? [],
      classTeardown: spec.per_class_teardown ?? [],
      methodSetup: spec.per_method_setup ?? [],
      methodTeardown: spec.per_method_teardown ?? [],
    };
  }
  return {
    mode: spec.mode,
    classSetup: perMethod ? [] : (spec.setup ?? []),
    classTeardown: perMethod ? [] : (spec.teardown ?? []),
    methodSetup: perMethod ? (spec.setup ?? []) : [],
    methodTeardown: perMethod ? (spec.teardown ?? []) : [],
  };
}

function envKey(env: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Builds the run plan. A case file used by several test classes gets the class in its id
 * (`file [Class]`) so that each run of it has its own line and expected-pass entry.
 */
export function planRun(manifest: Manifest, filter?: string): RunPlan {
  const selected = manifest.tests.filter((e) => matchesFilter(e, filter));
  const uses = new Map<string, number>();
  for (const entry of manifest.tests) {
    for (const c of entry.cases) uses.set(c.file, (uses.get(c.file) ?? 0) + 1);
  }
  const groups = new Map<string, { env: Record<string, string>; classes: Map<string, { fixtures: ClassFixtures; methods: MethodPlan[] }> }>();
  const skipped: SkippedCase[] = [];

  for (const entry of selected) {
    const refs = entry.cases.map((c): CaseRef => ({
      id: (uses.get(c.file) ?? 0) > 1 ? `${c.file} [${entry.class}]` : c.file,
      file: c.file,
      helper: c.helper,
      className: entry.class,
      method: entry.method,
      ...(entry.xfail.length > 0 ? { xfail: entry.xfail.join('; ') } : {}),
    }));
    const runnable: CaseRef[] = [];
    for (const ref of refs) {
      // Upstream runs one file per transport (`…_http.yaml` / `…_websocket.yaml`); we run http.
      const otherTransport = ref.file.endsWith('_websocket.yaml') && refs.some((r) => r.file === ref.file.replace(/_websocket\.yaml$/, '_http.yaml'));
      const reason = otherTransport ? 'websocket transport variant (the http variant runs)' : skipReason(entry, ref.helper);
      if (reason) skipped.push({ ref, reason });
      else runnable.push(ref);
    }
    if (entry.python_driven && refs.length === 0) {
      // Python-driven methods have no case files; count the method itself once.
      skipped.push({
        ref: { id: `${entry.dir} ${entry.class}.${entry.method}`, file: entry.dir, helper: '', className: entry.class, method: entry.method },
        reason: 'python-driven upstream (assertions live in Python)',
      });
    }
    if (runnable.length === 0) continue;
    const key = envKey(entry.env);
    let group = groups.get(key);
    if (!group) {
      group = { env: { ...entry.env }, classes: new Map() };
      groups.set(key, group);
    }
    let cls = group.classes.get(entry.class);
    if (!cls) {
      cls = { fixtures: normaliseFixtures(entry.setup), methods: [] };
      group.classes.set(entry.class, cls);
    }
    cls.methods.push({ method: entry.method, cases: runnable });
  }

  return {
    groups: [...groups.values()].map((g) => ({
      env: g.env,
      classes: [...g.classes.entries()].map(([name, c]) => ({ name, fixtures: c.fixtures, methods: c.methods })),
    })),
    skipped,
  };
}
