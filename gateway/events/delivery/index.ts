export { startDeliveryWorker, type DeliveryWorker } from './start-delivery-worker.js';
export { defaultTuning, type DeliverySchema, type DeliveryTuning, type DeliveryWorkerOptions } from './delivery-options.js';
export type { GraphQLExecutor, GraphQLResult } from './enrich-events.js';
export { readEventTriggers, defaultMaxConcurrency, type EventTriggerConf } from './event-triggers.js';
export { decideRetry, parseRetryAfter } from './retry-delay.js';
export { deleteExpiredEvents } from './delete-expired-events.js';
export { eventsChannel } from './listen-for-events.js';
export { createWorkerLease, reclaimDeadWorkers, leaseNamespace, type WorkerLease } from './worker-lease.js';
