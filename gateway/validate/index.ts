export { createDocumentValidator } from './validate-document.js';
export { explainDenial } from './explain-denial.js';
