// The one grammar of a published port, `[ip:]host:container[/proto]`: read here for definitions, the agent's
// container specs and deploy policy (so podman never sees a malformed one), written here for status and adopted
// containers. The mapping itself is the runtimes' PortMapping.
import type { PortMapping } from '@mcp/runtime';
import { isIPv4, isIPv6 } from 'node:net';

export type { PortMapping };

export const PORT_MAPPING_EXPECTED = '"[ip:]host:container[/tcp|/udp]" with ports 1-65535, e.g. "127.0.0.1:8080:80/tcp"';

/** A port 1-65535 written in decimal digits only (no sign, no spaces). */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** The pieces of `[ip:]host:container[/proto]`, unchecked; undefined when the text does not have that shape. */
interface PortMappingParts {
  readonly hostIp?: string;
  readonly host: string;
  readonly container: string;
  readonly protocol: string;
}

function splitPortMapping(text: string): PortMappingParts | undefined {
  const slash = text.lastIndexOf('/');
  const protocol = slash < 0 ? 'tcp' : text.slice(slash + 1);
  let rest = slash < 0 ? text : text.slice(0, slash);
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']:');
    if (close < 0) return undefined;
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  if (parts.length === 3 && hostIp === undefined) hostIp = parts.shift();
  const [host, container] = parts;
  if (parts.length !== 2 || host === undefined || container === undefined) return undefined;
  return hostIp === undefined ? { host, container, protocol } : { hostIp, host, container, protocol };
}

export function parsePortMapping(text: string): PortMapping | undefined {
  const parts = splitPortMapping(text);
  if (parts === undefined) return undefined;
  const { hostIp, protocol } = parts;
  if (protocol !== 'tcp' && protocol !== 'udp') return undefined;
  if (hostIp !== undefined && !(text.startsWith('[') ? isIPv6(hostIp) : isIPv4(hostIp))) return undefined;
  const hostPort = parsePort(parts.host);
  const containerPort = parsePort(parts.container);
  if (hostPort === undefined || containerPort === undefined) return undefined;
  return hostIp === undefined ? { hostPort, containerPort, protocol } : { hostIp, hostPort, containerPort, protocol };
}

/** `N` or `FIRST-LAST` (an inclusive range of ports 1-65535, FIRST <= LAST; surrounding spaces ignored). */
export function parsePortRange(text: string): { readonly first: number; readonly last: number } | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (match === null) return undefined;
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  return first >= 1 && last <= 65535 && first <= last ? { first, last } : undefined;
}

/**
 * Host ports a podman publish spec binds, read with the same grammar and, as podman allows, a host range `a-b`
 * (`0.0.0.0:9000-9002:9000-9002`); an empty host (podman picks) or a text of another shape binds none we know.
 * The registry steers host-port allocation clear of them.
 */
export function publishedHostPorts(text: string): number[] {
  const range = parsePortRange(splitPortMapping(text)?.host ?? '');
  if (range === undefined) return [];
  const ports: number[] = [];
  for (let port = range.first; port <= range.last; port += 1) ports.push(port);
  return ports;
}

/** A mapping as `[ip:]host:container/proto` (an IPv6 address in brackets): what parsePortMapping reads back. */
export function formatPortMapping(port: PortMapping): string {
  const ip = port.hostIp === undefined ? '' : port.hostIp.includes(':') ? `[${port.hostIp}]:` : `${port.hostIp}:`;
  return `${ip}${port.hostPort}:${port.containerPort}/${port.protocol}`;
}

/** A mapping without an address, or on 0.0.0.0 or ::, claims its host port on every address. */
export function isAnyAddress(ip: string | undefined): boolean {
  return ip === undefined || ip === '0.0.0.0' || ip === '::';
}

/** Two mappings clash when they claim the same host port and protocol on overlapping addresses. */
export function portMappingsClash(a: PortMapping, b: PortMapping): boolean {
  const sameAddress = a.hostIp === b.hostIp || isAnyAddress(a.hostIp) || isAnyAddress(b.hostIp);
  return a.hostPort === b.hostPort && a.protocol === b.protocol && sameAddress;
}
