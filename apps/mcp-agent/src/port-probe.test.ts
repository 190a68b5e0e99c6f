import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { boundPorts, createHostPortProbe, forwardedPorts } from './port-probe.js';

describe('host port probe', () => {
  it('sees a port a real listener holds, and sees it free once closed', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const isFree = createHostPortProbe();
    expect(isFree(port)).toBe(false);
    server.close();
    await once(server, 'close');
    expect(isFree(port)).toBe(true);
  });

  it('counts every socket holding a local port: listeners, connections and UDP sockets', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue',
      '   0: 0100007F:24D4 00000000:0000 0A 00000000:00000000',
      '   1: 0100007F:2710 0100007F:9C40 01 00000000:00000000',
    ].join('\n');
    const udp6 = ['  sl  local_address rem_address st', '   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 07'].join('\n');
    const ports = boundPorts((path) => {
      if (path === '/proc/net/tcp') return tcp;
      if (path === '/proc/net/udp6') return udp6;
      throw new Error('absent');
    });
    expect([...ports].sort()).toEqual([10000, 8080, 9428]);
  });

  // As `iptables -t nat -S NETAVARK-HOSTPORT-DNAT` printed it on a node where podman had left a rule behind.
  const leakedRule =
    '-A NETAVARK-HOSTPORT-DNAT -p tcp -m tcp --dport 10000 -m comment --comment "dnat name: podman id: 4c01499b01b3" -j NETAVARK-DN-1D8721804F16F';
  const chain = ['-N NETAVARK-HOSTPORT-DNAT', leakedRule, '-A NETAVARK-HOSTPORT-DNAT -p udp -m multiport --dports 10005,10007:10009 -j NETAVARK-DN-X', ''].join('\n');

  it('reads the ports podman forwards from its chain, single ports, ranges and lists, each with its rule', () => {
    const ports = forwardedPorts(chain);
    expect([...ports.keys()].sort()).toEqual([10000, 10005, 10007, 10008, 10009]);
    expect(ports.get(10000)).toBe(leakedRule.slice(3));
    expect(forwardedPorts('-A OTHER-CHAIN -p tcp --dport 10000 -j ACCEPT\n').size).toBe(0);
    expect(forwardedPorts('').size).toBe(0);
  });

  it('refuses a port a rule still forwards while no socket holds it, and says which rule', () => {
    const leaked: [number, string][] = [];
    const isFree = createHostPortProbe({
      readTable: () => '  sl  local_address\n',
      readForwardRules: () => chain,
      onLeakedRule: (port, rule) => leaked.push([port, rule]),
    });
    expect([isFree(10000), isFree(10001), isFree(10008)]).toEqual([false, true, false]);
    expect(leaked.map(([port]) => port)).toEqual([10000, 10008]);
    expect(leaked[0]?.[1]).toContain('--dport 10000');
  });

  it('calls no port leaked that a socket holds: a published port is both held and forwarded', () => {
    const leaked: number[] = [];
    const isFree = createHostPortProbe({
      readTable: (path) => (path === '/proc/net/tcp' ? '  sl  local_address\n   0: 0100007F:2710 00000000:0000 0A\n' : ''),
      readForwardRules: () => chain,
      onLeakedRule: (port) => leaked.push(port),
    });
    expect(isFree(10000)).toBe(false);
    expect(leaked).toEqual([]);
  });

  it('reads the host once per synchronous run of calls, and afresh on the next', async () => {
    let reads = 0;
    const isFree = createHostPortProbe({ readTable: () => '', readForwardRules: () => (reads++, '') });
    for (let port = 20000; port < 20010; port += 1) isFree(port);
    expect(reads).toBe(1);
    await Promise.resolve();
    isFree(20000);
    expect(reads).toBe(2);
  });
});
