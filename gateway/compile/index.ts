export { compileQuery, type CompiledQuery } from './compile-query.js';
