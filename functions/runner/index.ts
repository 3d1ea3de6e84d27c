export { startFunctionRunner, type FunctionRunner, type FunctionRunnerOptions } from './start-function-runner.js';
export { defineFunction, type EventOperation, type EventPayload, type FunctionContext, type SluiceFunction } from './function-types.js';
export { manifestFileName, readFunctionManifest, resolveFunctionSpecs, type FunctionManifest, type FunctionSpec } from './read-function-manifest.js';
export type { WarmPolicy } from './function-instances.js';
