import { createTokenFileValidator } from '@mcp/auth';
import { createCertificateAuthority } from '@mcp/tls';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAgentHome } from './agent-home.js';
import { writeMasterHome } from './master-home.js';
import { mintFleetTokens, writeTokenForClient } from './fleet-tokens.js';

describe('dev fleet files', () => {
  it('mints tokens that the token file validator maps to the operator, the master and each agent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-dev-fleet-'));
    const tokenFile = join(dir, 'tokens.toml');
    const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes: ['rift', 'orion'] });
    const validator = await createTokenFileValidator({ path: tokenFile });
    expect(await validator.validate(tokens.operator)).toMatchObject({ name: 'operator', account: 'human' });
    expect(await validator.validate(tokens.master)).toMatchObject({ name: 'mcp-master', account: 'system' });
    expect(await validator.validate(tokens.agents['orion'] ?? '')).toMatchObject({ name: 'agent-orion', account: 'system' });
    expect(await readFile(tokenFile, 'utf8')).not.toContain(tokens.operator);
  });

  it('writes a client token file readable by the owner only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-dev-fleet-'));
    const path = join(dir, 'token');
    await writeTokenForClient(path, 'mcp_abc');
    expect(await readFile(path, 'utf8')).toBe('mcp_abc\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('lays out an agent home with a certificate for its loopback address and a config naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-dev-fleet-'));
    const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'dev CA' });
    const home = await writeAgentHome({
      dir: join(dir, 'rift'),
      node: 'rift',
      role: 'worker',
      host: '127.0.0.2',
      port: 9444,
      authority,
      tokenFile: join(dir, 'tokens.toml'),
    });
    const cert = new X509Certificate(await readFile(join(home.dir, 'tls', 'agent.pem')));
    expect(cert.checkIP('127.0.0.2')).toBe('127.0.0.2');
    const config = await readFile(home.configPath, 'utf8');
    expect(config).toContain('listen = "127.0.0.2:9444"');
    expect(config).toContain('name = "rift"');
    expect(home.address).toBe('127.0.0.2:9444');
  });

  it('lays out a master home with its certificate, its own token readable by the owner only, and a config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-dev-fleet-'));
    const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'dev CA' });
    const home = await writeMasterHome({
      dir: join(dir, 'master'),
      node: 'rift',
      host: '127.0.0.3',
      port: 9555,
      authority,
      tokenFile: join(dir, 'tokens.toml'),
      masterToken: 'mcp_master_token',
      allowNodes: ['orion'],
      bootstrapNodes: [{ name: 'orion', role: 'worker', address: '127.0.0.4:9444' }],
      health: { heartbeatIntervalMs: 1000, unhealthyAfterMs: 3000 },
    });
    const cert = new X509Certificate(await readFile(join(home.dir, 'tls', 'master.pem')));
    expect(cert.checkIP('127.0.0.3')).toBe('127.0.0.3');
    expect(await readFile(home.tokenPath, 'utf8')).toBe('mcp_master_token\n');
    expect((await stat(home.tokenPath)).mode & 0o777).toBe(0o600);
    const config = await readFile(home.configPath, 'utf8');
    expect(config).toContain('listen = "127.0.0.3:9555"');
    expect(config).toContain('allow_nodes = ["orion"]');
    expect(config).toContain('heartbeat_interval_ms = 1000');
    expect(config).not.toContain('probe_timeout_ms');
    expect(home).toMatchObject({ address: '127.0.0.3:9555', caPath: authority.certPath });
  });
});
