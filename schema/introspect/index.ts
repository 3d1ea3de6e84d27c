export { introspectDatabase, type IntrospectOptions, type Queryable } from './introspect-database.js';
