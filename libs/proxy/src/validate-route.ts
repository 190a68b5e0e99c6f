// Checks a route before any driver touches its proxy: names and values that would break a map or crt-list line.
import { isIP } from 'node:net';
import { ProxyError } from './errors.js';
import type { ProxyRoute } from './types.js';

const hostnamePattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function isHostname(value: string): boolean {
  return hostnamePattern.test(value);
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Throws ProxyError("invalid-route") naming the field and what was expected. */
export function validateRoute(route: ProxyRoute, driver: string): void {
  const where = `route ${route.hostname}:${route.listenerPort}`;
  const problem = (text: string): never => {
    throw new ProxyError('invalid-route', driver, `${where}: ${text}`);
  };
  if (!isPort(route.listenerPort)) problem(`listener port ${route.listenerPort} is not a port (expected 1-65535)`);
  if (!isHostname(route.hostname)) problem(`hostname "${route.hostname}" is not a lower-case DNS name`);
  if (!isPort(route.backend.port)) problem(`backend port ${route.backend.port} is not a port (expected 1-65535)`);
  if (isIP(route.backend.host) === 0 && !isHostname(route.backend.host)) problem(`backend host "${route.backend.host}" is neither an IP address nor a DNS name`);
  if (route.mode === 'l4' && route.backendTls) problem('backend TLS applies to l7 routes only (an l4 route passes the client\'s TLS through)');
  if (route.backendServerName !== undefined) {
    if (route.mode !== 'l7' || !route.backendTls) problem('a backend server name applies to re-encrypting (l7, backend TLS) routes only');
    if (!isHostname(route.backendServerName)) problem(`backend server name "${route.backendServerName}" is not a lower-case DNS name`);
  }
  if (route.mode === 'l7' && route.certificate === undefined) problem('an l7 route needs a certificate and key');
  if (route.mode === 'l4' && route.certificate !== undefined) problem('an l4 route takes no certificate (TLS ends in the backend)');
}
