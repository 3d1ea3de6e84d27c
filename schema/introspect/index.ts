export { introspectDatabase, type IntrospectOptions, type Queryable } from './introspect-database.js';
export { introspectFunctions } from './introspect-functions.js';
