export { createAdmission, sharedReadBudgetMs, type Admission, type AdmissionCounters, type AdmissionOptions, type RoleLoad } from './create-admission.js';
export { watchSaturation, type SaturationWatch, type SaturationWatchOptions } from './watch-saturation.js';
export { isPoolTimeout, poolTimeoutError } from './overload-errors.js';
