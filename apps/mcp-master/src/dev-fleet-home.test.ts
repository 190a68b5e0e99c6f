import { writeMasterHome } from '@mcp/dev-fleet';
import { createCertificateAuthority } from '@mcp/tls';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMasterConfig } from './config.js';

describe('a dev fleet master home', () => {
  it('loads as a master config with every value it was written with', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-master-home-'));
    const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'dev CA' });
    const home = await writeMasterHome({
      dir: join(dir, 'master'),
      node: 'rift',
      host: '127.0.0.1',
      port: 0,
      authority,
      tokenFile: join(dir, 'tokens.toml'),
      masterToken: 'mcp_x',
      allowNodes: ['orion', 'vega'],
      bootstrapNodes: [{ name: 'rift', role: 'master', address: '127.0.0.1:9444' }],
      health: { heartbeatIntervalMs: 1000, unhealthyAfterMs: 3000, probeTimeoutMs: 500, checkPeriodMs: 250 },
      rateLimits: { registerMs: 0, heartbeatMs: 500 },
      allowTcgVms: true,
      allowedPublicDomains: ['example.net'],
      logLevel: 'debug',
    });
    const config = await loadMasterConfig({ path: home.configPath, env: {} });
    expect(config).toMatchObject({
      node: { name: 'rift' },
      listen: { host: '127.0.0.1', port: 0 },
      tls: { certPath: join(home.dir, 'tls', 'master.chain.pem'), keyPath: join(home.dir, 'tls', 'master.key') },
      tokenFile: join(dir, 'tokens.toml'),
      agents: { caPath: authority.certPath, tokenPath: home.tokenPath },
      registration: { allowNodes: ['orion', 'rift', 'vega'] },
      edge: { allowedDomains: ['example.net'] },
      placement: { allowTcgVms: true },
      health: { heartbeatIntervalMs: 1000, unhealthyAfterMs: 3000, probeTimeoutMs: 500, checkPeriodMs: 250 },
      rateLimits: { registerMs: 0, heartbeatMs: 500 },
      dataDir: home.dataDir,
      bootstrapNodes: [{ name: 'rift', role: 'master', address: '127.0.0.1:9444' }],
      logLevel: 'debug',
    });
  });
});
