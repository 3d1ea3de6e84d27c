import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findRegressions, formatExpected, parseExpected, updatedExpected } from './expected-pass.js';
import { loadManifest, planRun } from './manifest.js';
import { outcomeOf, formatSummary, countOutcomes } from './outcome.js';
import { parseCliArgs } from './run-conformance.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const conformanceDir = resolve(process.env.HASURA_CONFORMANCE_DIR ?? join(repoRoot, '..', 'shared', 'conformance', 'hasura'));

describe('planRun', () => {
  it('groups graphql_query/basic into its three test classes and 34 case files', async () => {
    const plan = planRun(await loadManifest(conformanceDir), 'graphql_query/basic');
    expect(plan.groups).toHaveLength(1);
    const classes = plan.groups[0]!.classes;
    expect(classes.map((c) => [c.name, c.methods.flatMap((m) => m.cases).length])).toEqual([
      ['TestGraphQLQueryBasicPostgresMSSQLCitus', 19],
      ['TestGraphQLQueryBasicPostgres', 11],
      ['TestGraphQLQueryFragmentsPostgresCitus', 4],
    ]);
    expect(plan.skipped).toEqual([]);
    expect(classes[0]!.fixtures).toEqual({
      mode: 'per_class-v1',
      classSetup: [{ file: 'graphql_query/basic/setup.yaml', endpoint: '/v1/query' }],
      classTeardown: [{ file: 'graphql_query/basic/teardown.yaml', endpoint: '/v1/query' }],
      methodSetup: [],
      methodTeardown: [],
    });
  });

  it('runs mutation-v1 values fixtures around each method', async () => {
    const plan = planRun(await loadManifest(conformanceDir), 'graphql_mutation/insert/basic');
    const fixtures = plan.groups[0]!.classes[0]!.fixtures;
    expect(fixtures.mode).toBe('mutation-v1');
    expect(fixtures.classSetup.map((f) => f.file)).toEqual(['graphql_mutation/insert/basic/schema_setup.yaml']);
    expect(fixtures.methodTeardown.map((f) => f.file)).toEqual(['graphql_mutation/insert/basic/values_teardown.yaml']);
  });

  it('skips python-driven tests and starts one server per distinct env', async () => {
    const manifest = await loadManifest(conformanceDir);
    const explain = planRun(manifest, 'explain');
    expect(explain.groups).toEqual([]);
    expect(explain.skipped.every((s) => s.reason.startsWith('python-driven'))).toBe(true);
    const unauthorized = planRun(manifest, 'unauthorized_role');
    expect(unauthorized.groups.map((g) => g.env)).toEqual([{ HASURA_GRAPHQL_UNAUTHORIZED_ROLE: 'anonymous' }]);
  });

  it('marks upstream xfail cases and gives shared case files one id per class', async () => {
    const plan = planRun(await loadManifest(conformanceDir));
    const refs = plan.groups.flatMap((g) => g.classes.flatMap((c) => c.methods.flatMap((m) => m.cases)));
    expect(refs.filter((r) => r.xfail).map((r) => r.file)).toEqual(['graphql_mutation/insert/basic/insert_into_array_col_with_array_input.yaml']);
    const ids = refs.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('expected-pass.txt', () => {
  const ref = (id: string) => ({ id, file: id, helper: 'check_query_f', className: 'C', method: 'm' });

  it('reports listed cases that ran and did not pass, and ignores unselected ones', () => {
    const outcomes = [outcomeOf(ref('a.yaml'), 'pass'), outcomeOf(ref('b.yaml'), 'fail', 'status 200≠400')];
    expect(findRegressions(['a.yaml', 'b.yaml', 'c.yaml'], outcomes).map((o) => o.id)).toEqual(['b.yaml']);
  });

  it('keeps unselected entries when updating and writes a sorted list with a header', () => {
    const outcomes = [outcomeOf(ref('b.yaml'), 'pass'), outcomeOf(ref('a.yaml'), 'fail', 'x')];
    const next = updatedExpected(['a.yaml', 'z.yaml'], outcomes);
    const text = formatExpected(next);
    expect(text.startsWith('#')).toBe(true);
    expect(parseExpected(text)).toEqual(['b.yaml', 'z.yaml']);
  });

  it('prints the summary line in the fixed form', () => {
    const outcomes = [outcomeOf(ref('a'), 'pass'), outcomeOf(ref('b'), 'fail', 'x'), outcomeOf(ref('c'), 'skip', 'y')];
    expect(formatSummary(countOutcomes(outcomes))).toBe('1 passed, 1 failed, 1 skipped');
  });
});

describe('parseCliArgs', () => {
  it('takes one positional filter and the flags', () => {
    expect(parseCliArgs(['graphql_query/basic', '--check', '--verbose'])).toEqual({ filter: 'graphql_query/basic', check: true, update: false, verbose: true });
    expect(() => parseCliArgs(['--nope'])).toThrow(/unknown option/);
  });
});
