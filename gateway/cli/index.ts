export { main } from './main.js';
export { serveGateway, type RunningGateway } from './serve-gateway.js';
