// `mcp ps` through the master: the services a fleet runs, placed one per node through the master's Deploy, then the
// CLI's listing timed as the operator sees it, with every answer checked to list them all as running.
import type { ServiceSpec } from '@mcp/proto';
import { timeMs } from '@mcp/testing';
import type { MasterClient, OperatorCli } from './bench-fleet.js';

/** Deploys at once at most this many (different services do not wait for each other's lock). */
const SEED_CONCURRENCY = 50;

/** Deploys every spec through the master (no pull); the first failure stops the benchmark. */
export async function seedServices(master: MasterClient, specs: readonly ServiceSpec[]): Promise<void> {
  for (let first = 0; first < specs.length; first += SEED_CONCURRENCY) {
    await Promise.all(
      specs.slice(first, first + SEED_CONCURRENCY).map(async (service) => {
        const answer = await master.deploy({ service, noPull: true });
        if (!answer.success) throw new Error(`Deploy of ${service.name} on ${service.node} failed: ${answer.error}`);
      }),
    );
  }
}

/**
 * A timed `mcp ps` that must list `services` rows (one component each) in state running: a fast answer that left
 * a node out (unreachable, unknown) must not pass for a fast one.
 */
export function timedPs(cli: OperatorCli, services: number): () => Promise<number> {
  return async () => {
    let stdout = '';
    const ms = await timeMs(async () => {
      stdout = await cli.run(['ps']);
    });
    const rows = stdout.split('\n').slice(1).filter((line) => line.trim() !== '');
    const states = rows.map((row) => row.trim().split(/\s+/)[3]);
    const running = states.filter((state) => state === 'running').length;
    if (rows.length !== services || running !== services) {
      throw new Error(`mcp ps listed ${rows.length} rows, ${running} running; expected ${services} running:\n${stdout.slice(0, 2000)}`);
    }
    return ms;
  };
}

/** `mcp --version`: the CLI's own start-up, the floor under every `mcp` command. */
export function timedCliStart(cli: OperatorCli): () => Promise<number> {
  return () => timeMs(() => cli.run(['--version']));
}

/** The master's Status RPC from a connected client (what `mcp ps` asks), checked like `mcp ps`: the master's part. */
export function timedStatus(master: MasterClient, services: number): () => Promise<number> {
  return async () => {
    let listed = 0;
    let running = 0;
    const ms = await timeMs(async () => {
      const answer = await master.status({ serviceName: '' });
      listed = answer.services.length;
      running = answer.services.filter((service) => service.status === 'running').length;
    });
    if (listed !== services || running !== services) throw new Error(`Status listed ${listed} services, ${running} running; expected ${services} running`);
    return ms;
  };
}
