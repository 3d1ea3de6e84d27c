export { readMetadataDirectory, loadMetadataDirectory, type LoadedMetadataDirectory } from './read-metadata-directory.js';
export { writeMetadataDirectory } from './write-metadata-directory.js';
export { renderMetadataDirectory } from './render-metadata-directory.js';
export { canonicalMetadata, isEmptyMetadata, sameMetadata } from './canonical-metadata.js';
export { diffMetadata, type MetadataChange, type FieldChange } from './diff-metadata.js';
export { formatDiff, summarizeDiff } from './format-diff.js';
export { formatProblem, isMetadataDirectoryError, MetadataDirectoryError, type MetadataFileProblem } from './metadata-file-problem.js';
export { locateInconsistency, type MetadataLocations } from './metadata-locations.js';
export { commitApply, introspectModel, InvalidMetadataError, planApply, type ApplyOutcome, type ApplyPlan } from './apply-metadata.js';
