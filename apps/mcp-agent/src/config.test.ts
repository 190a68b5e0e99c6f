import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAgentHome } from '@mcp/dev-fleet';
import { createCertificateAuthority } from '@mcp/tls';
import { configPathFromEnvironment, loadAgentConfig } from './config.js';
import { defaultDeployPolicy } from '@mcp/policy';

async function writeConfig(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-agent-config-'));
  const file = join(dir, 'agent.toml');
  await writeFile(file, text);
  return file;
}

const minimal = `
[node]
name = "rift"
[server]
listen = "127.0.0.1:9444"
tls_cert = "tls/agent.chain.pem"
tls_key = "tls/agent.key"
[auth]
token_file = "tokens.toml"
`;

describe('agent config', () => {
  it('loads a minimal file, applying defaults and resolving paths next to the file', async () => {
    const file = await writeConfig(minimal);
    const config = await loadAgentConfig({ path: file, env: {} });
    const dir = join(file, '..');
    expect(config.node).toEqual({ name: 'rift', role: 'worker', address: '127.0.0.1' });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9444 });
    expect(config.tls).toEqual({ certPath: join(dir, 'tls/agent.chain.pem'), keyPath: join(dir, 'tls/agent.key') });
    expect(config.registryPath).toBe('/var/lib/mcp-agent/registry.db');
    expect(config.filesRoot).toBe('/srv');
    expect(config.podmanSocket).toBeUndefined();
    expect(config.ports).toEqual({ first: 10000, last: 60000 });
  });

  it('runs VMs with automatic acceleration on <data.dir>/qemu unless [qemu] says otherwise', async () => {
    const defaults = await loadAgentConfig({ path: await writeConfig(minimal), env: {} });
    expect(defaults.qemu).toEqual({ enabled: true, acceleration: 'auto', stateDir: '/var/lib/mcp-agent/qemu' });
    const forced = await loadAgentConfig({ path: await writeConfig(`${minimal}[qemu]\nenabled = false\nacceleration = "tcg"\n`), env: {} });
    expect(forced.qemu).toMatchObject({ enabled: false, acceleration: 'tcg' });
  });

  it('takes edge backends from 100.64.0.0/10 on listener 443 by default; [edge] changes them', async () => {
    const defaults = await loadAgentConfig({ path: await writeConfig(minimal), env: {} });
    expect([defaults.edge.overlayCidr.text, defaults.edge.listenerPort, defaults.edge.dnsServer]).toEqual(['100.64.0.0/10', 443, undefined]);
    const set = await loadAgentConfig({ path: await writeConfig(`${minimal}[edge]\noverlay_cidr = "127.0.0.0/8"\nlistener_port = 8443\ndns_server = "127.0.1.1:5353"\n`), env: {} });
    expect([set.edge.overlayCidr.contains('127.0.1.2'), set.edge.listenerPort, set.edge.dnsServer]).toEqual([true, 8443, '127.0.1.1:5353']);
  });

  it('refuses an [edge] overlay_cidr or dns_server it cannot use, naming the key; warns on an unknown [edge] key', async () => {
    await expect(loadAgentConfig({ path: await writeConfig(`${minimal}[edge]\noverlay_cidr = "100.64.0.0"\n`), env: {} })).rejects.toThrow(
      /edge\.overlay_cidr.*"100\.64\.0\.0" is not an address block/,
    );
    await expect(loadAgentConfig({ path: await writeConfig(`${minimal}[edge]\ndns_server = "dns.example.net:53"\n`), env: {} })).rejects.toThrow(/edge\.dns_server/);
    const warned = await loadAgentConfig({ path: await writeConfig(`${minimal}[edge]\noverlay = "10.0.0.0/8"\n`), env: {} });
    expect(warned.warnings).toEqual([expect.stringMatching(/edge\.overlay: unknown key/)]);
  });

  it('refuses a [qemu] acceleration other than auto, kvm or tcg, naming the key', async () => {
    const file = await writeConfig(`${minimal}[qemu]\nacceleration = "hvf"\n`);
    await expect(loadAgentConfig({ path: file, env: {} })).rejects.toThrow(/qemu\.acceleration/);
  });

  it('lets MCP_AGENT_* variables override the file', async () => {
    const file = await writeConfig(minimal);
    const config = await loadAgentConfig({
      path: file,
      env: { MCP_AGENT_SERVER_LISTEN: '127.0.0.2:7000', MCP_AGENT_FILES_ROOT: '/tmp/srv', MCP_AGENT_NODE_ROLE: 'edge' },
    });
    expect(config.listen).toEqual({ host: '127.0.0.2', port: 7000 });
    expect(config.filesRoot).toBe('/tmp/srv');
    expect(config.node.role).toBe('edge');
  });

  it('refuses a wildcard listen address unless allow_wildcard is set', async () => {
    const file = await writeConfig(minimal.replace('127.0.0.1:9444', '0.0.0.0:9444'));
    await expect(loadAgentConfig({ path: file, env: {} })).rejects.toThrow(/server.listen: .*listens on every interface/);
    const allowed = await loadAgentConfig({ path: file, env: { MCP_AGENT_SERVER_ALLOW_WILDCARD: 'true' } });
    expect(allowed.listen.host).toBe('0.0.0.0');
  });

  it('warns of an unknown key, naming the file and the key, and loads the rest', async () => {
    const file = await writeConfig(`${minimal}[podman]\nsocket_path = "/run/podman.sock"\n[extra]\nx = 1\n`);
    const config = await loadAgentConfig({ path: file, env: {} });
    expect(config.node.name).toBe('rift');
    expect(config.warnings).toEqual([
      expect.stringMatching(new RegExp(`^${file}: extra: unknown key, ignored \\(known keys here: node, server, `)),
      expect.stringMatching(new RegExp(`^${file}: podman\\.socket_path: unknown key, ignored \\(known keys here: `)),
    ]);
  });

  it('reports every problem with the file and key', async () => {
    const file = await writeConfig('[node]\nname = "Rift"\n[server]\nlisten = "x"\n[ports]\nfirst = 9\nlast = 8\n[extra]\n');
    const error = await loadAgentConfig({ path: file, env: {} }).then(
      () => new Error('expected the config to be refused'),
      (e: unknown) => e as Error,
    );
    const lines = error.message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${file}: node.name: got the string "Rift"; expected a node name`,
        `${file}: server.tls_cert: missing; expected a path`,
        `${file}: auth.token_file: missing; expected a path`,
      ]),
    );
  });

  it('refuses a port range that is upside down', async () => {
    const file = await writeConfig(`${minimal}\n[ports]\nfirst = 9000\nlast = 8000\n`);
    await expect(loadAgentConfig({ path: file, env: {} })).rejects.toThrow(`${file}: ports: first (9000) is above last (8000)`);
  });

  it('finds the config file through MCP_AGENT_CONFIG, else /etc/mcp/agent.toml', () => {
    expect(configPathFromEnvironment({ MCP_AGENT_CONFIG: '/x/a.toml' })).toBe('/x/a.toml');
    expect(configPathFromEnvironment({})).toBe('/etc/mcp/agent.toml');
  });

  it('loads the config a dev fleet writes for an agent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-agent-config-'));
    const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'ca' });
    const home = await writeAgentHome({
      dir: join(dir, 'edge'),
      node: 'edge',
      role: 'edge',
      host: '127.0.0.1',
      port: 9555,
      authority,
      tokenFile: join(dir, 'tokens.toml'),
    });
    const config = await loadAgentConfig({ path: home.configPath, env: {} });
    expect(config.node).toEqual({ name: 'edge', role: 'edge', address: '127.0.0.1' });
    expect(config.filesRoot).toBe(home.filesRoot);
    expect(config.registryPath).toBe(join(home.dataDir, 'registry.db'));
  });

  it('has no master unless one is configured', async () => {
    const config = await loadAgentConfig({ path: await writeConfig(minimal), env: {} });
    expect(config.master).toBeUndefined();
  });

  it('takes the master from the Go MCP variables', async () => {
    const file = await writeConfig(minimal);
    const config = await loadAgentConfig({
      path: file,
      env: { MCP_MASTER_ADDRESS: '100.64.0.1:9555', MCP_MASTER_CA_CERT: '/etc/mcp/ca.pem', MCP_MASTER_TOKEN_PATH: '/etc/mcp/token' },
    });
    expect(config.master).toEqual({ address: '100.64.0.1:9555', caPath: '/etc/mcp/ca.pem', tokenPath: '/etc/mcp/token' });
  });

  it('refuses a master address without its CA and token', async () => {
    const file = await writeConfig(`${minimal}\n[master]\naddress = "m:1"\n`);
    const error = await loadAgentConfig({ path: file, env: {} }).then(
      () => new Error('expected the config to be refused'),
      (e: unknown) => e as Error,
    );
    expect(error.message.split('\n')).toEqual([
      `${file}: master.ca_cert: missing while master.address is set; expected a path`,
      `${file}: master.token_path: missing while master.address is set; expected a path`,
    ]);
  });
});

/** A service root of its own, so the default mount root is seen to follow it. */
const rooted = `${minimal}[files]\nroot = "/data/srv"\n`;

describe('agent config [policy]', () => {
  it('is the safe default, with bind mounts under <files.root>/<service>, when absent', async () => {
    const config = await loadAgentConfig({ path: await writeConfig(rooted), env: {} });
    expect(config.policy).toEqual(defaultDeployPolicy({ serviceRoot: '/data/srv' }));
    expect(config.policy.mountRoots).toEqual(['/data/srv/<service>']);
  });

  it('reads the section, environment overrides included', async () => {
    const file = await writeConfig(`${rooted}[policy]\nnetwork_modes = ["named"]\ncontainer_pids = 0\n`);
    const config = await loadAgentConfig({ path: file, env: { MCP_AGENT_POLICY_HOST_ADDRESSES: '["10.0.0.5"]' } });
    expect(config.policy).toMatchObject({ networkModes: ['named'], hostAddresses: ['10.0.0.5'], containerLimits: { memoryMb: 2048, pids: undefined } });
  });

  it('refuses a bad entry, naming the file and key', async () => {
    const file = await writeConfig(`${rooted}[policy]\nnetwork_modes = ["named", "hosts"]\n`);
    await expect(loadAgentConfig({ path: file, env: {} })).rejects.toThrow(
      `${file}: policy.network_modes[1]: got "hosts"; expected one of bridge, none, private, slirp4netns, host, container, ns, named`,
    );
  });
});
