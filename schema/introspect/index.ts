export { introspectDatabase } from './introspect-database.js';
