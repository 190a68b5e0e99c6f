import { createTokenFileValidator } from '@mcp/auth';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DevFleetError } from './errors.js';
import { prepareDevFleet, readDevFleet } from './fleet-layout.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-dev-layout-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('prepareDevFleet', () => {
  it('lays out a master and agents named master, worker and edge with the roles of the same names', async () => {
    const { layout, created } = await prepareDevFleet({ dir: join(await tempDir(), 'fleet') });
    expect(created).toBe(true);
    expect(layout.daemons.map((daemon) => [daemon.program, daemon.node, daemon.role])).toEqual([
      ['mcp-master', 'master', 'master'],
      ['mcp-agent', 'master', 'master'],
      ['mcp-agent', 'worker', 'worker'],
      ['mcp-agent', 'edge', 'edge'],
    ]);
    expect(new Set(layout.daemons.map((daemon) => daemon.address)).size).toBe(4);
  });

  it('adds worker-2 … worker-N with --workers N, each with its own address, token and route ports, allowed by the master', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir(), workers: 3 });
    expect(layout.daemons.map((daemon) => [daemon.node, daemon.role])).toEqual([
      ['master', 'master'],
      ['master', 'master'],
      ['worker', 'worker'],
      ['worker-2', 'worker'],
      ['worker-3', 'worker'],
      ['edge', 'edge'],
    ]);
    expect(new Set(layout.daemons.map((daemon) => daemon.address)).size).toBe(6);
    expect(new Set(layout.manifest.nodes.map((node) => node.routePorts.first)).size).toBe(5);
    const validator = await createTokenFileValidator({ path: join(layout.dir, 'tokens.toml') });
    const token = (await readFile(join(layout.dir, 'worker-3', 'agent.token'), 'utf8')).trim();
    expect(await validator.validate(token)).toMatchObject({ name: 'agent-worker-3', account: 'system' });
    expect(await readFile(layout.daemons[0]?.configPath ?? '', 'utf8')).toMatch(/worker-3/);
  });

  it('points every agent at the master with the fleet CA and a token file of its own', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const validator = await createTokenFileValidator({ path: join(layout.dir, 'tokens.toml') });
    for (const node of ['master', 'worker', 'edge']) {
      const config = await readFile(join(layout.dir, node, 'agent.toml'), 'utf8');
      expect(config).toContain(`[master]\naddress = "${layout.masterAddress}"\nca_cert = "${layout.caPath}"`);
      const token = (await readFile(join(layout.dir, node, 'agent.token'), 'utf8')).trim();
      expect(await validator.validate(token)).toMatchObject({ name: `agent-${node}`, account: 'system' });
    }
  });

  it('lays out PowerDNS for svc.mcp.test and points the master (writer) and every agent (reader) at it', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const dns = layout.dnsServer;
    expect(dns).toMatchObject({ program: 'pdns_server', zone: 'svc.mcp.test', address: layout.manifest.host, configPath: join(layout.dir, 'dns') });
    const apiKey = (await readFile(dns?.apiKeyPath ?? '', 'utf8')).trim();
    expect(apiKey).toMatch(/^[0-9a-f]{48}$/);
    const section = `[dns]\ndriver = "powerdns"\nzone = "svc.mcp.test"\napi_url = "${dns?.apiUrl}"\nsecret_file = "${dns?.apiKeyPath}"`;
    expect(await readFile(join(layout.dir, 'master', 'mcp-master', 'master.toml'), 'utf8')).toContain(section);
    for (const node of ['master', 'worker', 'edge']) expect(await readFile(join(layout.dir, node, 'agent.toml'), 'utf8')).toContain(section);
    expect((await readDevFleet(layout.dir))?.dnsServer).toEqual(dns);
  });

  it('writes an operator token the fleet token file maps to a human', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const validator = await createTokenFileValidator({ path: join(layout.dir, 'tokens.toml') });
    const token = (await readFile(layout.operatorTokenPath, 'utf8')).trim();
    expect(await validator.validate(token)).toMatchObject({ name: 'operator', account: 'human', roles: ['admin'] });
  });

  it('writes a CLI config naming the services dir, the master, the token, the CA and every agent', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const config = await readFile(layout.cliConfigPath, 'utf8');
    expect(config).toContain(`[services]\ndir = "${layout.servicesDir}"`);
    expect(config).toContain(`[master]\naddress = "${layout.masterAddress}"`);
    expect(config).toContain(`[auth]\ntoken_path = "${layout.operatorTokenPath}"`);
    expect(config).toContain(`[tls]\nca_cert = "${layout.caPath}"`);
    for (const daemon of layout.daemons.filter((entry) => entry.program === 'mcp-agent')) {
      expect(config).toContain(`[[nodes]]\nname = "${daemon.node}"\naddress = "${daemon.address}"`);
    }
    expect(await readdir(layout.servicesDir)).toEqual([]);
  });

  it('gives each agent its own window of route ports within 10000–19999, below the ephemeral range', async () => {
    const { layout } = await prepareDevFleet({ dir: await tempDir() });
    const windows = layout.manifest.nodes.map((node) => node.routePorts).sort((a, b) => a.first - b.first);
    for (const [index, window] of windows.entries()) {
      expect(window.first).toBeGreaterThanOrEqual(10_000);
      expect(window.last).toBeLessThanOrEqual(19_999);
      expect(window.last - window.first).toBe(99);
      if (index > 0) expect(window.first).toBeGreaterThan(windows[index - 1]?.last ?? 0);
    }
    const config = await readFile(join(layout.dir, 'worker', 'agent.toml'), 'utf8');
    const worker = layout.manifest.nodes.find((node) => node.name === 'worker');
    expect(config).toContain(`[ports]\nfirst = ${worker?.routePorts.first}\nlast = ${worker?.routePorts.last}`);
  });

  it('reads an existing fleet back without rewriting its tokens or ports', async () => {
    const dir = await tempDir();
    const first = await prepareDevFleet({ dir });
    const token = await readFile(first.layout.operatorTokenPath, 'utf8');
    const again = await prepareDevFleet({ dir });
    expect(again.created).toBe(false);
    expect(again.layout).toEqual(first.layout);
    expect(await readFile(first.layout.operatorTokenPath, 'utf8')).toBe(token);
  });

  it('refuses a directory that holds something else, and leaves it as it was', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(prepareDevFleet({ dir })).rejects.toThrow(
      new DevFleetError(dir, 'holds 1 entries but no fleet.json; expected a new or empty directory to lay a fleet out in, or one mcp dev up made'),
    );
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('removes what it wrote when the layout fails half-way', async () => {
    const dir = await tempDir();
    let calls = 0;
    const pickPort = async () => {
      calls += 1;
      if (calls > 2) throw new Error('no ports left');
      return 40_000 + calls;
    };
    await expect(prepareDevFleet({ dir, pickPort })).rejects.toThrow('no ports left');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('readDevFleet', () => {
  it('answers undefined for a directory without a fleet', async () => {
    expect(await readDevFleet(await tempDir())).toBeUndefined();
  });

  it('names the file and every bad key of a damaged fleet.json', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'fleet.json'), JSON.stringify({ format: 1, host: '127.0.0.1', master: { node: 'master', port: 0 }, nodes: [{ name: 'Master', role: 'boss', port: 1, routePorts: { first: 2, last: 1 } }] }));
    await expect(readDevFleet(dir)).rejects.toThrow(
      `${join(dir, 'fleet.json')}: master: expected {node, port}; nodes[0].name: expected a node name; nodes[0].role: expected master, worker or edge; ` +
        'nodes[0].routePorts: expected {first, last} ports with first ≤ last; master.node: "master" is not one of the nodes',
    );
  });
});
