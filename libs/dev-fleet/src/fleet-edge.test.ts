// The dev fleet as an edge: a loopback address per node in a free block, a proxy and an ACME CA in every agent's config.
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freeLoopbackBlock, prepareDevFleet, readDevFleet } from './fleet-layout.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-dev-edge-'));
  dirs.push(dir);
  return dir;
}

describe('a dev fleet as an edge', () => {
  it('puts each node on its own address of one free 127.0.N.0/24 block, the master beside its node', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const hosts = layout.daemons.map((daemon) => daemon.address.slice(0, daemon.address.lastIndexOf(':')));
    const block = hosts[0]?.split('.').slice(0, 3).join('.') ?? '';
    expect(block).toMatch(/^127\.0\.\d+$/);
    expect(hosts).toEqual([`${block}.1`, `${block}.1`, `${block}.2`, `${block}.3`]);
    expect((await readDevFleet(layout.dir))?.daemons.map((daemon) => daemon.address)).toEqual(layout.daemons.map((daemon) => daemon.address));
  });

  it('skips a block where something already listens', async () => {
    const first = await freeLoopbackBlock();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, `${first}.9`, () => resolve()));
    try {
      expect(await freeLoopbackBlock()).not.toBe(first);
    } finally {
      server.close();
    }
  });

  it('gives every agent its proxy on its address and the fleet ACME CA, with the EAB key in a 0600 file', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const acme = layout.acme;
    if (acme === undefined) throw new Error('no ACME CA in a new fleet');
    expect(acme.rootPath).toBe(join(layout.dir, 'ca', 'acme-root.pem'));
    expect((await stat(acme.eabKeyPath)).mode & 0o777).toBe(0o600);
    for (const daemon of layout.daemons.filter((candidate) => candidate.program === 'mcp-agent')) {
      const host = daemon.address.slice(0, daemon.address.lastIndexOf(':'));
      const config = await readFile(daemon.configPath, 'utf8');
      expect(config).toContain(`[proxy]\ndriver = "haproxy"\naddress = "${host}"\nstop_with_agent = true\nsvc_zone = "svc.mcp.test"`);
      expect(config).toContain(`directory_url = "${acme.directoryUrl}"`);
      expect(config).toContain(`ca_bundle = "${acme.rootPath}"`);
      expect(config).toContain(`http01_listen = "${host}:${acme.ports.http01}"`);
    }
    // Pebble's validator resolves through the fleet's PowerDNS.
    expect(acme.dnsServer).toBe(`${layout.dnsServer?.address ?? ''}:${layout.dnsServer?.dnsPort ?? 0}`);
    expect(acme.resolveTo).toBeUndefined();
  });

  it('makes the edge node serve public names: *.example.test is its address, its [edge] takes loopback backends on 443', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const hostOf = (node: string): string => {
      const address = layout.daemons.find((daemon) => daemon.node === node && daemon.program === 'mcp-agent')?.address ?? '';
      return address.slice(0, address.lastIndexOf(':'));
    };
    expect(layout.dnsServer?.publicZone).toEqual({ zone: 'example.test', address: hostOf('edge') });
    expect(layout.dnsServer?.internalFallback).toBe(hostOf('worker'));
    const edge = await readFile(join(layout.dir, 'edge', 'agent.toml'), 'utf8');
    expect(edge).toContain(`[edge]\noverlay_cidr = "127.0.0.0/8"\nlistener_port = 443\ndns_server = "${layout.dnsServer?.address ?? ''}:${layout.dnsServer?.dnsPort ?? 0}"`);
    expect(edge).toContain(`backend_ca_file = "${layout.acme?.rootPath ?? ''}"`);
    expect(await readFile(join(layout.dir, 'worker', 'agent.toml'), 'utf8')).not.toContain('[edge]');
    const master = layout.daemons.find((daemon) => daemon.program === 'mcp-master');
    expect(await readFile(master?.configPath ?? '', 'utf8')).toContain('[edge]\nallowed_domains = ["example.test"]');
  });
});
