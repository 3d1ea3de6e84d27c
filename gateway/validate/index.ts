export { createDocumentValidator } from './validate-document.js';
