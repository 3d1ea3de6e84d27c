export { planQuery } from './plan-query.js';
export { planMutation } from './plan-mutation.js';
export type { PlanContext } from './plan-context.js';
export type { Variables } from './coerce-input.js';
export { validationError } from './validation-error.js';
export type * from './ir.js';
