// Public surface of @mcp/proxy: the node proxy's driver interface, its domain types, and the HAProxy 2.6 driver.
export type { ProxyBackend, ProxyCertificate, ProxyDriver, ProxyListenerStatus, ProxyMode, ProxyRoute, ProxyStatus, ServedRoute } from './types.js';
export { routeKey, sameRoute } from './types.js';
export { ProxyError } from './errors.js';
export type { ProxyErrorKind } from './errors.js';
export { isHostname, validateRoute } from './validate-route.js';
export { createHaproxyDriver, certificateSerial } from './haproxy/driver.js';
export type { HaproxyDriver, HaproxyDriverOptions } from './haproxy/driver.js';
export { stopHaproxy, processInfo as haproxyProcessInfo } from './haproxy/process.js';
export { haproxyLayout } from './haproxy/config.js';
export type { HaproxyLayout } from './haproxy/config.js';
