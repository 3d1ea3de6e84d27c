export { createMetadataApi, type MetadataApi } from './create-metadata-api.js';
export type { ApiResponse, MetadataApiOptions } from './metadata-api-options.js';
export { createMetadataStore, metadataChannel, type MetadataStore, type StoredMetadata } from './metadata-store.js';
export { findInconsistentObjects, type InconsistentObject } from './find-inconsistent-objects.js';
export { quoteIdentifier, quoteQualifiedName } from './quote-identifier.js';
