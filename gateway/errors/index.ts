export { GatewayError, isGatewayError, toRestErrorBody, type ErrorCode, type GatewayErrorOptions } from './gateway-error.js';
