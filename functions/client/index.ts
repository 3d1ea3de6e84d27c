export { createSluiceClient, type SluiceClient, type SluiceClientOptions, type VariablesArgs } from './create-sluice-client.js';
export { defineOperation, gql, isOperation, type Operation, type ResultOf, type Variables, type VariablesOf } from './operation.js';
export type { FetchFunction, GraphQLRequestBody } from './post-batch.js';
export { SluiceError, SluiceTransportError, type GraphQLErrorBody, type TransportFailure } from './sluice-error.js';
