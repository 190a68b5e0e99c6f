// Tells whether a host port is free to publish, from the kernel's socket tables (synchronous, cheap).
import { readFileSync } from 'node:fs';

const tables = ['/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6'];

/**
 * Local ports any socket holds, from /proc/net (any address, any state): a listener, but also the local
 * end of a connection — an ephemeral port an outgoing connection holds cannot be published either.
 */
export function boundPorts(readTable: (path: string) => string = (path) => readFileSync(path, 'utf8')): Set<number> {
  const ports = new Set<number>();
  for (const table of tables) {
    let text: string;
    try {
      text = readTable(table);
    } catch {
      continue; // no IPv6 (or no UDP table) on this host: nothing bound there
    }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local === undefined) continue;
      const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (Number.isInteger(port)) ports.add(port);
    }
  }
  return ports;
}

/** A port probe for the registry's allocator: free when no socket on the host holds it. */
export function createHostPortProbe(readTable?: (path: string) => string): (port: number) => boolean {
  return (port) => !boundPorts(readTable).has(port);
}
