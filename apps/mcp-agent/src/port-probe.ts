// Tells whether a host port is free to publish, from the kernel's socket tables (synchronous, cheap).
import { readFileSync } from 'node:fs';

const tables = ['/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6'];
const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** Local ports with a listening TCP socket or a bound UDP socket, from /proc/net (any address). */
export function boundPorts(readTable: (path: string) => string = (path) => readFileSync(path, 'utf8')): Set<number> {
  const ports = new Set<number>();
  for (const table of tables) {
    let text: string;
    try {
      text = readTable(table);
    } catch {
      continue; // no IPv6 (or no UDP table) on this host: nothing bound there
    }
    const udp = table.includes('udp');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      if (local === undefined || state === undefined) continue;
      if (state !== (udp ? UDP_UNCONNECTED : TCP_LISTEN)) continue;
      const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (Number.isInteger(port)) ports.add(port);
    }
  }
  return ports;
}

/** A port probe for the registry's allocator: free when nothing on the host listens on it. */
export function createHostPortProbe(readTable?: (path: string) => string): (port: number) => boolean {
  return (port) => !boundPorts(readTable).has(port);
}
