export { startReloadListener, ddlChannel, type ReloadListener, type ReloadListenerOptions, type ReloadListenerStatus } from './start-reload-listener.js';
export { hashSchemaInputs } from './hash-schema-inputs.js';
export { readCatalogFingerprint, readMetadataVersion } from './catalog-fingerprint.js';
export { readDdlNotify, ddlTriggerNames, type DdlNotifyCapability } from './read-ddl-notify.js';
