import { planMutation } from '../plan/index.js';
import type { PlanCache } from './plan-cache.js';
import { cacheKey, planContextOf, type QueryDependencies, type QueryRequest } from './execute-query.js';
import { CompiledMutation, executeMutation } from './execute-mutation.js';

/** A mutation operation → the JSON text of its `data`, as bytes (one piece, as executeQuery's), through the plan cache. */
export async function runMutation(request: QueryRequest, deps: QueryDependencies & { readonly mutationCache: PlanCache<CompiledMutation> }): Promise<Buffer[]> {
  const entry = deps.mutationCache.entry(request.schema, request.document);
  let compiled = entry.inlinedVariables ? entry.get(cacheKey(request, entry.inlinedVariables)) : undefined;
  if (!compiled) {
    const context = planContextOf(request, deps.stringifyNumeric);
    compiled = new CompiledMutation(planMutation(request.operation, context));
    entry.inlinedVariables = [...context.inlinedVariables].sort();
    entry.set(cacheKey(request, entry.inlinedVariables), compiled);
  }
  return [Buffer.from(await executeMutation(deps.admission, request.role, compiled, request.variables, request.session))];
}
