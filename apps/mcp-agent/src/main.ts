// mcp-agent: reads its config, runs the boot sequence, starts serving and monitoring, recovers what should run, stops
// cleanly on SIGTERM/SIGINT.
import { configPathFromArgs } from '@mcp/config';
import { pino } from 'pino';
import { configPathFromEnvironment, loadAgentConfig, processEnvironment } from './config.js';
import { agentRpcGroups, recoverAtStartup } from './rpc/groups.js';
import { startAgent } from './start-agent.js';
import { agentVersion } from './version.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--version')) {
    console.log(agentVersion);
    return;
  }
  if (argv.includes('--help')) {
    console.log('usage: mcp-agent [--config FILE]   (default: $MCP_AGENT_CONFIG, else /etc/mcp/agent.toml)');
    return;
  }
  const env = processEnvironment();
  const config = await loadAgentConfig({ path: configPathFromArgs(argv, () => configPathFromEnvironment(env)), env });
  const log = pino({ level: config.logLevel, base: { pid: process.pid, node: config.node.name } });
  for (const warning of config.warnings) log.warn({ file: config.file }, warning);
  const agent = await startAgent({
    config,
    log,
    version: agentVersion,
    groups: agentRpcGroups,
    afterStart: recoverAtStartup,
    environment: env,
  });
  log.info(
    { address: agent.deps.listenAddress, role: config.node.role, capabilities: agent.capabilities.length },
    'agent ready',
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'agent stopping');
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'agent did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`mcp-agent: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
