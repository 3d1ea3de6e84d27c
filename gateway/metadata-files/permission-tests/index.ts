export { readPermissionTests, type PermissionTest, type PermissionTestExpectation } from './read-permission-tests.js';
export { runPermissionTest, type PermissionTestResult } from './run-permission-test.js';
