import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDeployPolicy } from '@mcp/policy';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig } from './config.js';

async function writeConfig(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-agent-config-policy-'));
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
[files]
root = "/data/srv"
`;

describe('agent config [policy]', () => {
  it('is the safe default, with bind mounts under <files.root>/<service>, when absent', async () => {
    const config = await loadAgentConfig({ path: await writeConfig(minimal), env: {} });
    expect(config.policy).toEqual(defaultDeployPolicy({ serviceRoot: '/data/srv' }));
    expect(config.policy.mountRoots).toEqual(['/data/srv/<service>']);
  });

  it('reads the section, environment overrides included', async () => {
    const file = await writeConfig(`${minimal}[policy]\nnetwork_modes = ["named"]\ncontainer_pids = 0\n`);
    const config = await loadAgentConfig({ path: file, env: { MCP_AGENT_POLICY_HOST_ADDRESSES: '["10.0.0.5"]' } });
    expect(config.policy).toMatchObject({ networkModes: ['named'], hostAddresses: ['10.0.0.5'], containerLimits: { memoryMb: 2048, pids: undefined } });
  });

  it('refuses a bad entry, naming the file and key', async () => {
    const file = await writeConfig(`${minimal}[policy]\nnetwork_modes = ["named", "hosts"]\n`);
    await expect(loadAgentConfig({ path: file, env: {} })).rejects.toThrow(
      `${file}: policy.network_modes[1]: got "hosts"; expected one of bridge, none, private, slirp4netns, host, container, ns, named`,
    );
  });
});
