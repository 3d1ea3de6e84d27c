export { createGatewayMetrics, type GatewayMetrics, type GatewayMetricsOptions, type OperationType, type RequestSample } from './create-gateway-metrics.js';
export { prometheusContentType } from './prometheus-text.js';
