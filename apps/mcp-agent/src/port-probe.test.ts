import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { boundPorts, createHostPortProbe } from './port-probe.js';

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
});
