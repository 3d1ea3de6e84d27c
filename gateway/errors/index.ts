export { GatewayError, errorHeaders, isGatewayError, toRestErrorBody, type ErrorCode, type GatewayErrorOptions } from './gateway-error.js';
export { mapPostgresError } from './map-postgres-error.js';
