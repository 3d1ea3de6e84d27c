export { executeQuery, type CachedQuery, type QueryDependencies, type QueryRequest } from './execute-query.js';
export { runMutation } from './run-mutation.js';
export { CompiledMutation } from './execute-mutation.js';
export { PlanCache } from './plan-cache.js';
export type { SessionVariables } from './bind-params.js';
