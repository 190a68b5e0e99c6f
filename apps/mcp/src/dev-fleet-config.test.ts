import { prepareDevFleet } from '@mcp/dev-fleet';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCliConfig } from './config.js';

describe('the CLI config mcp dev up writes (D/mcp.toml)', () => {
  it('loads as the fleet\'s services dir, master, token, CA and its agents for --direct', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-dev-config-'));
    try {
      const { layout } = await prepareDevFleet({ dir });
      const config = await loadCliConfig({ flag: undefined, env: { MCP_CONFIG: layout.cliConfigPath }, cwd: '/', homedir: dir });
      expect(config).toMatchObject({
        file: layout.cliConfigPath,
        servicesDir: layout.servicesDir,
        masterAddress: layout.masterAddress,
        tokenPath: layout.operatorTokenPath,
        caCertPath: layout.caPath,
        nodes: layout.daemons.filter((daemon) => daemon.program === 'mcp-agent').map((daemon) => ({ name: daemon.node, address: daemon.address })),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
