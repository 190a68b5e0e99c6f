// `mcp deploy` through the master to a real agent on real podman, against `podman run -d` of the same image and
// command: the whole CLI invocation as the operator sees it, both sides taking turns.
import { comparisonLines, freeLoopbackPort, headerLine, interleaved, summarize, summaryLine, timeMs, uniqueName } from '@mcp/testing';
import type { CleanupStack } from '@mcp/testing';
import { httpServiceSpec, writeHttpServiceToml, type MasterClient, type OperatorCli } from './bench-fleet.js';
import { podman } from './podman.js';

export const DEPLOY_TARGET_RATIO = 1.3;

export interface DeployPhaseOptions {
  readonly cli: OperatorCli;
  readonly master: MasterClient;
  readonly image: string;
  readonly cleanups: CleanupStack;
  readonly rounds: number;
  readonly warmUps: number;
}

export async function deployVersusPodmanRun(options: DeployPhaseOptions): Promise<string[]> {
  const { cli, master, image } = options;
  const container = uniqueName('bench-podman');
  const port = await freeLoopbackPort();
  options.cleanups.push(() => podman('rm', '-f', '-i', '-t', '0', container));
  const service = uniqueName('bench-deploy');
  await writeHttpServiceToml(cli.servicesDir, service, image);
  const podmanRun = async (): Promise<number> => {
    const ms = await timeMs(() =>
      podman('run', '-d', '--init', '--name', container, '-p', `127.0.0.1:${port}:${port}`, image, 'sh', '-c', `exec httpd -f -p ${port} -h /www`),
    );
    await podman('rm', '-f', '-t', '0', container);
    return ms;
  };
  const undeploy = async (name: string): Promise<void> => {
    const answer = await master.undeploy({ serviceName: name });
    if (!answer.success) throw new Error(`Undeploy of ${name} failed: ${answer.error}`);
  };
  const mcpDeploy = async (): Promise<number> => {
    const ms = await timeMs(() => cli.run(['deploy', service, '--no-pull']));
    await undeploy(service);
    return ms;
  };
  // The same Deploy from a client that is already connected: what the CLI adds is the rest.
  const rpcService = httpServiceSpec(uniqueName('bench-deploy-rpc'), image);
  const rpcDeploy = async (): Promise<number> => {
    const ms = await timeMs(async () => {
      const answer = await master.deploy({ service: rpcService, noPull: true });
      if (!answer.success) throw new Error(`Deploy of ${rpcService.name} failed: ${answer.error}`);
    });
    await undeploy(rpcService.name);
    return ms;
  };
  const cases = [podmanRun, mcpDeploy, rpcDeploy];
  const [baseline, measured, rpc] = (await interleaved(cases, { count: options.rounds, warmUps: options.warmUps })).map(summarize);
  const medianRatio = measured!.medianMs / baseline!.medianMs;
  const verdict = medianRatio <= DEPLOY_TARGET_RATIO ? 'met' : 'MISSED';
  return [
    'Deploy: a fresh container each time; after each timed call, untimed, the baseline runs podman rm -f -t 0 and',
    'the master Undeploy (agent UndeployService, placement deleted), so neither side includes removing an old one.',
    'The same service also through the master\'s Deploy RPC from a connected client, to show what the CLI itself adds.',
    headerLine(),
    summaryLine('podman run -d --init -p … (CLI, baseline)', baseline!),
    summaryLine('mcp deploy --no-pull (CLI → master → agent)', measured!),
    ...comparisonLines(measured!, baseline!),
    summaryLine('master Deploy RPC (connected client, no CLI)', rpc!),
    `target: mcp deploy ≤ ${DEPLOY_TARGET_RATIO}× podman run (median) → ${verdict} (${medianRatio.toFixed(2)}×; p99 ${(measured!.p99Ms / baseline!.p99Ms).toFixed(2)}×)`,
  ];
}
