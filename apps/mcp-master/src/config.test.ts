import { describeSchema } from '@mcp/config';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPathFromEnvironment, loadMasterConfig, masterConfigSchema } from './config.js';
import { DEFAULT_FLEET_POLICY } from './fleet-policy.js';

async function writeConfig(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-master-config-'));
  const file = join(dir, 'master.toml');
  await writeFile(file, text);
  return file;
}

const minimal = `
[node]
name = "rift"
[server]
listen = "127.0.0.1:9555"
tls_cert = "tls/master.chain.pem"
tls_key = "tls/master.key"
[auth]
token_file = "tokens.toml"
[agents]
ca_cert = "tls/ca.pem"
token_path = "master.token"
`;

/** The error a load failed with; fails the test when it loaded. */
async function refusal(file: string, env: Record<string, string> = {}): Promise<Error> {
  return loadMasterConfig({ path: file, env }).then(
    () => new Error('expected the config to be refused'),
    (error: unknown) => error as Error,
  );
}

describe('master config', () => {
  it('loads a minimal file, applying defaults and resolving paths next to the file', async () => {
    const file = await writeConfig(minimal);
    const config = await loadMasterConfig({ path: file, env: {} });
    const dir = join(file, '..');
    expect(config.node).toEqual({ name: 'rift' });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 9555 });
    expect(config.tls).toEqual({ certPath: join(dir, 'tls/master.chain.pem'), keyPath: join(dir, 'tls/master.key') });
    expect(config.agents).toEqual({ caPath: join(dir, 'tls/ca.pem'), tokenPath: join(dir, 'master.token'), callTimeoutMs: 10_000, operationTimeoutMs: 900_000 });
    expect(config.registration).toEqual({ allowNodes: ['rift'], maxNodes: 16 });
    expect(config.health).toEqual({ heartbeatIntervalMs: 30_000, unhealthyAfterMs: 90_000, probeTimeoutMs: 5_000, checkPeriodMs: 10_000 });
    expect(config.rateLimits).toEqual({ registerMs: 60_000, heartbeatMs: 10_000 });
    expect(config.placement).toEqual({ allowTcgVms: false });
    expect(config.edge).toEqual({ allowedDomains: [] });
    expect(config.dns).toBeUndefined();
    expect(config.databasePath).toBe('/var/lib/mcp-master/master.db');
    expect(config.bootstrapNodes).toEqual([]);
    expect(Object.isFrozen(config.health)).toBe(true);
  });

  it('reads [dns]: the zone the master keeps service records in, its TTL and repair period', async () => {
    const file = await writeConfig(`${minimal}
[dns]
driver = "powerdns"
zone = "svc.mcp.test"
api_url = "http://127.0.0.1:8081"
secret_file = "pdns.key"
ttl_seconds = 30
`);
    const config = await loadMasterConfig({ path: file, env: { MCP_MASTER_DNS_REPAIR_INTERVAL_MS: '5000' } });
    expect(config.dns).toEqual({
      kind: 'powerdns',
      zone: 'svc.mcp.test',
      apiUrl: 'http://127.0.0.1:8081',
      secretPath: join(file, '..', 'pdns.key'),
      caPath: undefined,
      timeoutMs: 10_000,
      ttlSeconds: 30,
      repairIntervalMs: 5000,
    });
  });

  it('refuses a half-configured [dns], naming the missing keys', async () => {
    const file = await writeConfig(`${minimal}\n[dns]\nzone = "svc.mcp.test"\n`);
    const error = await refusal(file);
    expect(error.message).toContain(`${file}: dns.driver: missing while dns.zone is set`);
    expect(error.message).toContain(`${file}: dns.secret_file: missing`);
  });

  it('lets MCP_MASTER_* variables override the file', async () => {
    const file = await writeConfig(minimal);
    const config = await loadMasterConfig({
      path: file,
      env: {
        MCP_MASTER_SERVER_LISTEN: '127.0.0.2:7000',
        MCP_MASTER_HEALTH_UNHEALTHY_AFTER_MS: '45000',
        MCP_MASTER_REGISTRATION_ALLOW_NODES: '["orion"]',
        MCP_MASTER_DATA_DIR: '/tmp/master-data',
      },
    });
    expect(config.listen).toEqual({ host: '127.0.0.2', port: 7000 });
    expect(config.health.unhealthyAfterMs).toBe(45_000);
    expect(config.registration.allowNodes).toEqual(['orion', 'rift']);
    expect(config.databasePath).toBe('/tmp/master-data/master.db');
  });

  it('does not read the variables the agent uses to find its master', async () => {
    const file = await writeConfig(minimal);
    const config = await loadMasterConfig({ path: file, env: { MCP_MASTER_CA_CERT: '/elsewhere/ca.pem', MCP_MASTER_TOKEN_PATH: '/elsewhere/t' } });
    expect(config.agents.caPath).toBe(join(file, '..', 'tls/ca.pem'));
    expect(config.agents.tokenPath).toBe(join(file, '..', 'master.token'));
  });

  it('refuses a wildcard listen address unless allow_wildcard is set', async () => {
    const file = await writeConfig(minimal.replace('127.0.0.1:9555', '0.0.0.0:9555'));
    expect((await refusal(file)).message).toMatch(/server.listen: .*listens on every interface/);
    const allowed = await loadMasterConfig({ path: file, env: { MCP_MASTER_SERVER_ALLOW_WILDCARD: 'true' } });
    expect(allowed.listen.host).toBe('0.0.0.0');
  });

  it('warns of an unknown key, naming the file and the key, and loads the rest', async () => {
    const file = await writeConfig(`${minimal}[extra]\nx = 1\n`);
    const config = await loadMasterConfig({ path: file, env: {} });
    expect(config.warnings).toEqual([expect.stringMatching(new RegExp(`^${file}: extra: unknown key, ignored \\(known keys here: node, server, `))]);
  });

  it('reports every missing key with the file', async () => {
    const file = await writeConfig('[node]\nname = "Rift"\n[server]\nlisten = "127.0.0.1:1"\n[extra]\n');
    const lines = (await refusal(file)).message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${file}: node.name: got the string "Rift"; expected a node name`,
        `${file}: server.tls_cert: missing; expected a path`,
        `${file}: agents.token_path: missing; expected a path`,
      ]),
    );
  });

  it('adds the bootstrap nodes to the allow-list', async () => {
    const file = await writeConfig(
      `${minimal}\n[registration]\nallow_nodes = ["vega"]\n[[nodes]]\nname = "orion"\nrole = "worker"\naddress = "10.0.0.2:9444"\n[[nodes]]\nname = "rift"\nrole = "master"\naddress = "10.0.0.1:9444"\n`,
    );
    const config = await loadMasterConfig({ path: file, env: {} });
    expect(config.bootstrapNodes).toEqual([
      { name: 'orion', role: 'worker', address: '10.0.0.2:9444' },
      { name: 'rift', role: 'master', address: '10.0.0.1:9444' },
    ]);
    expect(config.registration.allowNodes).toEqual(['orion', 'rift', 'vega']);
  });

  it('refuses an allow-list entry that is not a node name', async () => {
    const file = await writeConfig(`${minimal}\n[registration]\nallow_nodes = ["agent-orion", "Vega"]\n`);
    expect((await refusal(file)).message.split('\n')).toEqual([
      `${file}: registration.allow_nodes[0]: got the string "agent-orion"; expected a node name, without "agent-"`,
      `${file}: registration.allow_nodes[1]: got the string "Vega"; expected a node name, without "agent-"`,
    ]);
  });

  it('refuses an allowed public domain that is not a domain name', async () => {
    const file = await writeConfig(`${minimal}\n[edge]\nallowed_domains = ["example.net", "*.example.org"]\n`);
    expect((await refusal(file)).message).toBe(
      `${file}: edge.allowed_domains[1]: got the string "*.example.org"; expected a lower-case domain name such as "example.net"`,
    );
  });

  it('refuses bootstrap nodes listed twice, with a bad address, or claiming the master role', async () => {
    const file = await writeConfig(
      `${minimal}\n[[nodes]]\nname = "orion"\nrole = "master"\naddress = "orion"\n[[nodes]]\nname = "orion"\nrole = "worker"\naddress = "10.0.0.2:0"\n`,
    );
    const lines = (await refusal(file)).message.split('\n');
    expect(lines).toEqual([
      expect.stringContaining(`${file}: nodes[0].address: "orion" is not host:port`),
      `${file}: nodes[0].role: "master" for orion, but the master runs on rift (node.name); expected "worker" or "edge"`,
      `${file}: nodes[1].name: "orion" is listed twice; expected each node once`,
      `${file}: nodes[1].address: "10.0.0.2:0" has port 0; expected the agent's host:port`,
    ]);
  });

  it('refuses more bootstrap nodes than max_nodes', async () => {
    const nodes = ['a', 'b', 'c'].map((name, i) => `[[nodes]]\nname = "${name}"\nrole = "worker"\naddress = "10.0.0.${i + 2}:9444"\n`);
    const file = await writeConfig(`${minimal}\n[registration]\nmax_nodes = 2\n${nodes.join('')}`);
    expect((await refusal(file)).message).toBe(`${file}: nodes: 3 bootstrap nodes; expected at most registration.max_nodes (2)`);
  });

  it('refuses an unhealthy threshold that is not above the heartbeat interval', async () => {
    const file = await writeConfig(`${minimal}\n[health]\nheartbeat_interval_ms = 30000\nunhealthy_after_ms = 30000\n`);
    expect((await refusal(file)).message).toMatch(/health.unhealthy_after_ms: 30000 is not above heartbeat_interval_ms \(30000\)/);
  });

  it('refuses a heartbeat rate limit that would refuse the heartbeats it asks for', async () => {
    const file = await writeConfig(`${minimal}\n[health]\nheartbeat_interval_ms = 5000\nunhealthy_after_ms = 15000\n`);
    expect((await refusal(file)).message).toMatch(/rate_limits.heartbeat_ms: 10000 is above health.heartbeat_interval_ms \(5000\)/);
  });

  it('finds its file in MCP_MASTER_CONFIG, else /etc/mcp/master.toml', () => {
    expect(configPathFromEnvironment({ MCP_MASTER_CONFIG: '/tmp/m.toml' })).toBe('/tmp/m.toml');
    expect(configPathFromEnvironment({})).toBe('/etc/mcp/master.toml');
  });

  it('is documented key by key in the README, as describeSchema renders it', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(describeSchema(masterConfigSchema));
  });

  it('holds the fleet policy: the default rooted at /srv when absent, or what [policy] says', async () => {
    expect((await loadMasterConfig({ path: await writeConfig(minimal), env: {} })).policy).toEqual(DEFAULT_FLEET_POLICY);
    const configured = await loadMasterConfig({ path: await writeConfig(`${minimal}[policy]\nmount_roots = ["/data/<service>"]\nnetworks = ["mcpnet"]\n`), env: {} });
    expect(configured.policy).toMatchObject({ mountRoots: ['/data/<service>'], networks: ['mcpnet'] });
  });

  it('refuses a bad [policy] entry naming the key, and has no container limit keys (agents apply those)', async () => {
    const bad = await refusal(await writeConfig(`${minimal}[policy]\nhost_ports = ["0-10"]\n`));
    expect(bad.message).toContain('policy.host_ports[0]: got "0-10"; expected "N" or "FIRST-LAST" with ports 1-65535');
    const limits = await loadMasterConfig({ path: await writeConfig(`${minimal}[policy]\ncontainer_pids = 5\n`), env: {} });
    expect(limits.warnings).toEqual([expect.stringContaining('policy.container_pids: unknown key')]);
  });
});
