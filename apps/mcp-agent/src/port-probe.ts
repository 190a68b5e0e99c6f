// Tells whether a host port is free to publish: no socket holds it (the kernel's socket tables) and no firewall rule
// podman left behind still forwards it (netavark's NETAVARK-HOSTPORT-DNAT chain). Synchronous and cheap: the
// registry calls it inside its allocation transaction.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const tables = ['/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6'];

/** The nat chain where netavark (podman's network backend) puts one jump per published host port. */
export const podmanForwardChain = 'NETAVARK-HOSTPORT-DNAT';

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

/**
 * Host ports the rules of `iptables -S <chain>` forward, each with its rule (without the leading `-A `, so that
 * `iptables -t nat -D <rule>` deletes it). Understands `--dport N`, `--dport N:M` and `--dports A,B:C`.
 */
export function forwardedPorts(rules: string, chain: string = podmanForwardChain): Map<number, string> {
  const ports = new Map<number, string>();
  for (const line of rules.split('\n')) {
    if (!line.startsWith(`-A ${chain} `)) continue;
    const match = /--dports? ([\d,:]+)/.exec(line);
    if (match?.[1] === undefined) continue;
    for (const part of match[1].split(',')) {
      const [low, high = low] = part.split(':').map(Number);
      if (low === undefined || high === undefined || !Number.isInteger(low) || !Number.isInteger(high)) continue;
      for (let port = low; port <= high && port <= 65535; port += 1) ports.set(port, line.slice(3));
    }
  }
  return ports;
}

/**
 * The rules of podman's forward chain, read with iptables. Empty where there are none to read: the chain does not
 * exist until podman first publishes a port, and a host without iptables (or an agent that may not read the nat
 * table, as with rootless podman, whose published ports are plain sockets) has no such rules.
 */
export function readPodmanForwardRules(): string {
  const listed = spawnSync('iptables', ['-w', '5', '-t', 'nat', '-S', podmanForwardChain], { encoding: 'utf8', timeout: 10_000 });
  return listed.status === 0 ? listed.stdout : '';
}

export interface HostPortProbeOptions {
  /** Reads one /proc/net socket table; default: the host's. */
  readonly readTable?: (path: string) => string;
  /** Lists the rules of podman's forward chain in `iptables -S` form; default: {@link readPodmanForwardRules}. */
  readonly readForwardRules?: () => string;
  /**
   * Told of a port skipped because a rule forwards it while no socket holds it: podman publishes a port by holding
   * it open (conmon) and forwarding it, so such a rule outlived its container and would steal the port's traffic.
   */
  readonly onLeakedRule?: (port: number, rule: string) => void;
}

/**
 * A port probe for the registry's allocator: free when no socket on the host holds it and no podman forwarding rule
 * claims it. The host is read once per synchronous run of calls (one allocation transaction), not once per port.
 */
export function createHostPortProbe(options: HostPortProbeOptions = {}): (port: number) => boolean {
  const readRules = options.readForwardRules ?? readPodmanForwardRules;
  let snapshot: { bound: Set<number>; forwarded: Map<number, string>; told: Set<number> } | undefined;
  return (port) => {
    if (snapshot === undefined) {
      snapshot = { bound: boundPorts(options.readTable), forwarded: forwardedPorts(readRules()), told: new Set() };
      queueMicrotask(() => {
        snapshot = undefined;
      });
    }
    if (snapshot.bound.has(port)) return false;
    const rule = snapshot.forwarded.get(port);
    if (rule === undefined) return true;
    // Told once per reading: a transaction may ask about the same port twice (a check, then the allocator).
    if (!snapshot.told.has(port)) options.onLeakedRule?.(port, rule);
    snapshot.told.add(port);
    return false;
  };
}
