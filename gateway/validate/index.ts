export { createDocumentValidator } from './validate-document.js';
export { explainDenial } from './explain-denial.js';
export { variableValuesError } from './variable-values-error.js';
