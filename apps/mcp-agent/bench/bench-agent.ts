// Starts the built mcp-agent as a real process (fleet CA, token file, loopback TLS) for a benchmark to call.
import { mintFleetTokens, writeAgentHome } from '@mcp/dev-fleet';
import { ensureAppBuilt, freeLoopbackPort, startDaemonProcess, uniqueNode } from '@mcp/testing';
import { createCertificateAuthority } from '@mcp/tls';
import { join } from 'node:path';

export interface BenchAgent {
  readonly node: string;
  readonly address: string;
  readonly caPath: string;
  readonly operatorToken: string;
  readonly logPath: string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Lays out a fleet of one node under `dir`, starts its agent at log level info (the default) and waits for "agent
 * ready". The bundle is rebuilt first when a source is newer (under the lock e2e takes); the agent writes its log
 * straight to a file, so that piping it through this process does not load the measuring side.
 */
export async function startBenchAgent(dir: string): Promise<BenchAgent> {
  const bin = await ensureAppBuilt('mcp-agent');
  const node = uniqueNode();
  const authority = await createCertificateAuthority({ dir: join(dir, 'ca'), commonName: 'mcp bench CA' });
  const tokenFile = join(dir, 'tokens.toml');
  const tokens = await mintFleetTokens({ tokenFile, operator: 'operator', nodes: [node] });
  const home = await writeAgentHome({
    dir: join(dir, node),
    node,
    role: 'worker',
    host: '127.0.0.1',
    port: await freeLoopbackPort(),
    authority,
    tokenFile,
    logLevel: 'info',
  });
  const logPath = join(home.dir, 'agent.log');
  const agent = await startDaemonProcess({ args: [bin, '--config', home.configPath], logPath, readyMessage: 'agent ready' });
  return { node, address: home.address, caPath: authority.certPath, operatorToken: tokens.operator, logPath, stop: () => agent.stop() };
}
