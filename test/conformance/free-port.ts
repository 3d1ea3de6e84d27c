/** The runner uses the gateway's own free-port helper (one implementation, tested once). */
export { findFreePort as freePort } from '../../gateway/database/find-free-port.js';
