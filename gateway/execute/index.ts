export { executeQuery, type CachedQuery, type QueryDependencies, type QueryRequest } from './execute-query.js';
export { PlanCache } from './plan-cache.js';
export type { SessionVariables } from './bind-params.js';
