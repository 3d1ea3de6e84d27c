export { syncEventTriggers, syncStoredEventTriggers, eventTriggersInSync, type SyncResult } from './sync-event-triggers.js';
export { startEventTriggerSync, type EventTriggerSync, type EventTriggerSyncOptions, type SyncState } from './start-event-trigger-sync.js';
export { checkCaptureSpec, readCaptureSpecs, captureOps, type CaptureOp, type CaptureSpec, type CaptureOperation } from './capture-spec.js';
export { captureFunctionName, captureMarker, compileCaptureStatements, type CaptureStatements } from './compile-capture-sql.js';
