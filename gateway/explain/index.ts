export { explainGraphQL, type ExplainDependencies } from './explain-graphql.js';
export { explainQuery, type ExplainedField, type ExplainQueryOptions } from './explain-query.js';
export { parseExplainRequest, type ExplainRequest } from './parse-explain-request.js';
